"""Public pages of the AMIs: the list (open and past) and an AMI's page (its versions, its questions and
answers); the same page for staff's preview of a draft and for a candidate's question refused."""

from django.utils import timezone
from django.views.generic import TemplateView

from ami import selectors
from ami.forms.authoring import QuestionAskForm
from mlhg_app.access import PublicView
from mlhg_app.french import deadline_text, time_left_text
from mlhg_app.routing import structure_reverse
from mlhg_app.structures import every_structure


def _status_label(ami, now) -> str:
    if ami.is_open(now):
        return "Ouvert aux candidatures"
    if ami.status == ami.Status.PUBLIE:
        return "Clos : date limite dépassée"
    return ami.get_status_display()


def _summary(ami, now) -> dict:
    return {
        "ami": ami,
        "deadline": deadline_text(ami.date_limite),
        "time_left": time_left_text(ami.date_limite, now),
        "status": _status_label(ami, now),
        "is_open": ami.is_open(now),
    }


def public_page_context(request, ami, *, now=None, preview=False, question_form=None) -> dict:
    """What the AMI's public page shows: its text (or an older version's, `?version=N`), its versions,
    the published questions and answers, and for a candidate the question form and its own questions."""
    now = now or timezone.now()
    context = {**_summary(ami, now), "preview": preview, "sections": ami.sections.all(), "reading": None}
    versions = list(ami.versions.all())
    context["versions"] = versions
    context["current_version"] = versions[-1] if versions else None
    wanted = request.GET.get("version", "")
    if wanted.isdigit() and versions and int(wanted) != versions[-1].numero:
        version = selectors.ami_version(ami, int(wanted))
        context.update(reading=version, sections=version.sections, deadline=deadline_text(version.date_limite))
    context["questions"] = getattr(ami, "questions_publiees", [])
    context["questions_deadline"] = deadline_text(ami.questions_deadline)
    context["questions_open"] = ami.questions_open(now) and not preview
    user = request.user
    if not preview and user.is_authenticated and user.has_perm("ami.ask_question", ami):
        context["can_ask"] = True
        context["question_form"] = question_form or QuestionAskForm()
        context["my_questions"] = selectors.questions_asked_by(user, ami)
    return context


class AMIListView(PublicView, TemplateView):
    template_name = "ami/ami/list.html"

    def get_context_data(self, **kwargs):
        """The portal: every structure's calls (an explicit read across structures), each linked to its
        structure's page."""
        now = timezone.now()

        def listed(amis):
            return [
                {
                    **_summary(ami, now),
                    "url": structure_reverse(self.request, ami.structure, "ami:detail", reference=ami.reference),
                }
                for ami in amis.select_related("structure")
            ]

        with every_structure():
            open_amis, past_amis = listed(selectors.amis_open(now)), listed(selectors.amis_past(now))
        structures = {item["ami"].structure_id for item in open_amis + past_amis}
        return super().get_context_data(
            open_amis=open_amis, past_amis=past_amis, several_structures=len(structures) > 1, **kwargs
        )


class AMIDetailView(PublicView, TemplateView):
    template_name = "ami/ami/detail.html"

    def get_context_data(self, **kwargs):
        ami = selectors.ami_public_detail(self.kwargs["reference"])
        return super().get_context_data(**public_page_context(self.request, ami), **kwargs)
