"""The provider's review of a programme (issue 20): staff open and write it, share it (then it is frozen),
the programme's prestataire reads it and answers once, staff close it; its PDF."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.refusals import ActionView, FormPageView
from seances.documents.review import revue_pdf
from seances.forms.review import RevueAnswerForm, RevueForm
from seances.selectors import revue_answer_closable_from, revue_chiffres
from seances.services import review as review_services
from seances.views.permission_objects import ProgrammeObject, RevueObject


def revue_page_context(request, revue, **extra) -> dict:
    user = request.user
    return {
        "revue": revue,
        "programme": revue.programme,
        "criteres": list(revue.criteres.all()),
        "chiffres": revue_chiffres(revue),
        "can_change": user.has_perm("seances.change_revue", revue),
        "can_answer": user.has_perm("seances.answer_revue", revue),
        "can_close": user.has_perm("seances.close_revue", revue),
        "closable_from": revue_answer_closable_from(revue),
        "share_problems": review_services.revue_share_problems(revue) if revue.status == "brouillon" else [],
        **extra,
    }


class RevueOpenView(ProgrammeObject, ActionView):
    """Staff open the programme's review (a draft, one row per criterion of its AMI), or find it open."""

    permission_required = "seances.open_revue"

    def act(self, request):
        self.revue = review_services.revue_open(programme=self.programme, by=request.user)
        return None

    def redirect_url(self):
        if getattr(self, "revue", None) is not None:
            return reverse("seances:revue_edit", args=[self.revue.pk])
        return reverse("seances:board", args=[self.get_permission_object().pk])


class RevueView(RevueObject, PermissionRequiredView, View):
    permission_required = "seances.view_revue"
    template_name = "seances/review/detail.html"

    def get(self, request, pk):
        context = revue_page_context(request, self.revue)
        if context["can_answer"]:
            context["answer_form"] = RevueAnswerForm()
        return render(request, self.template_name, context)


class RevuePage(RevueObject, FormPageView):
    def page_context(self):
        return revue_page_context(self.request, self.revue)


class RevueEditView(RevuePage):
    """Staff write the draft: a level and a comment per criterion, the overall assessment; what was typed
    stays on the page when something is refused."""

    permission_required = "seances.change_revue"
    template_name = "seances/review/edit.html"

    def get(self, request, pk):
        return self.page(request, form=RevueForm(revue=self.revue))

    def post(self, request, pk):
        revue = self.revue
        form = RevueForm(request.POST, revue=revue)
        write = partial(review_services.revue_write, revue=revue, by=request.user)
        if self.sent(
            form, lambda data: write(appreciation_generale=data["appreciation_generale"], criteres=form.criteres())
        ):
            messages.success(request, "Brouillon de la revue enregistré.")
            return redirect("seances:revue", pk=revue.pk)
        return self.page(request, form=form)


class _RevueAction(RevueObject, ActionView):
    def redirect_url(self):
        return reverse("seances:revue", args=[self.get_permission_object().pk])


class RevueShareView(_RevueAction):
    permission_required = "seances.change_revue"

    def act(self, request):
        review_services.revue_share(revue=self.revue, by=request.user)
        return (
            "Revue partagée avec le prestataire : elle ne se modifie plus. Il la lit sur son espace et peut y répondre."
        )


class RevueAnswerView(RevuePage):
    """The prestataire's one answer; refused in French with the text kept."""

    permission_required = "seances.answer_revue"
    template_name = "seances/review/detail.html"

    def get(self, request, pk):
        return redirect("seances:revue", pk=pk)

    def post(self, request, pk):
        revue = self.revue
        form = RevueAnswerForm(request.POST)
        answer = partial(review_services.revue_answer, revue=revue, by=request.user)
        if self.sent(form, lambda data: answer(reponse=data["reponse"])):
            messages.success(request, "Votre réponse est envoyée à la Mission Locale Haute-Garonne.")
            return redirect("seances:revue", pk=revue.pk)
        return self.page(request, answer_form=form)


class RevueCloseView(_RevueAction):
    permission_required = "seances.close_revue"

    def act(self, request):
        review_services.revue_close(revue=self.revue, by=request.user)
        return "Revue close : elle reste avec le programme et sera proposée à la lecture pour le prochain AMI."


class RevuePdfView(RevueObject, PermissionRequiredView, View):
    permission_required = "seances.view_revue"

    def get(self, request, pk):
        revue = self.revue
        return file_response(revue_pdf(revue), filename=f"revue-prestation-{revue.annee}.pdf")
