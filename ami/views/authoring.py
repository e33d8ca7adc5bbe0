"""Staff write an AMI: the list (drafts included), create from the previous one, edit a draft (fields,
text, criteria, calendar), preview it as a visitor will see it, publish it after its checks."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ami import selectors
from ami.forms.authoring import (
    AMICreateForm,
    AMIDraftForm,
    CritereFormSet,
    JalonFormSet,
    SectionFormSet,
    formset_rows,
    rows_initial,
)
from ami.models import AMI
from ami.services.authoring import (
    ami_create,
    ami_criteres_save,
    ami_jalons_save,
    ami_publication_problems,
    ami_publication_warnings,
    ami_publish,
    ami_sections_save,
    ami_update,
    criteres_total,
    shift_years,
)
from ami.views.objects import AMIObjectMixin
from ami.views.public import public_page_context
from mlhg_app.access import PermissionRequiredView
from mlhg_app.french import deadline_text
from mlhg_app.refusals import Refused, refusal_as_message, refusal_on_form


def reviews_to_read(user) -> list:
    """The previous programmes' provider reviews, offered as reading when staff write the next AMI (issue 20)."""
    # late: seances depends on ami (bilans → seances → ami → mlhg_app), not the reverse
    from seances.selectors import revues_for_reading

    return list(revues_for_reading(user))


class AuthoringListView(PermissionRequiredView, TemplateView):
    permission_required = "ami.author_ami"
    template_name = "ami/authoring/list.html"

    def get_context_data(self, **kwargs):
        amis = AMI.objects.annotate(
            nb_questions=Count("questions", filter=Q(questions__publiee_le__isnull=True), distinct=True),
            nb_versions=Count("versions", distinct=True),
        ).order_by("-annee", "-date_limite")
        return {
            **super().get_context_data(**kwargs),
            "amis": amis,
            "revues_lecture": reviews_to_read(self.request.user),
        }


class AMICreateView(PermissionRequiredView, View):
    permission_required = "ami.author_ami"
    template_name = "ami/authoring/create.html"

    def initial(self):
        source = AMI.objects.order_by("-annee", "-date_limite").first()
        if source is None:
            return {}
        annee = source.annee + 1
        limite = source.date_limite.replace(year=source.date_limite.year + 1)
        return {
            "source": source,
            "annee": annee,
            "reference": shift_years(source.reference, 1) if str(source.annee) in source.reference else "",
            "titre": shift_years(source.titre, 1),
            "date_limite": timezone.localtime(limite).replace(tzinfo=None),
        }

    def get(self, request):
        form = AMICreateForm(initial=self.initial())
        return render(request, self.template_name, {"form": form, "revues_lecture": reviews_to_read(request.user)})

    def post(self, request):
        form = AMICreateForm(request.POST)
        if form.is_valid():
            try:
                ami = ami_create(**form.cleaned_data, by=request.user)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(
                    request, f"Brouillon créé : « {ami.titre} ». Relisez et complétez-le avant de le publier."
                )
                return redirect("ami:authoring_edit", reference=ami.reference)
        return render(request, self.template_name, {"form": form, "revues_lecture": reviews_to_read(request.user)})


class _DraftMixin(AMIObjectMixin, PermissionRequiredView):
    include_drafts = True
    permission_required = "ami.change_ami"

    def page(self, request, template, **context):
        ami = self.ami
        return render(
            request,
            template,
            {
                "ami": ami,
                "problems": ami_publication_problems(ami),
                "warnings": ami_publication_warnings(ami),
                **context,
            },
        )


class AMIEditView(_DraftMixin, View):
    template_name = "ami/authoring/edit.html"

    def get(self, request, reference):
        return self.page(
            request,
            self.template_name,
            form=AMIDraftForm(instance=self.ami),
            active="fields",
            revues_lecture=reviews_to_read(request.user),
        )

    def post(self, request, reference):
        form = AMIDraftForm(request.POST, instance=AMI.objects.get(pk=self.ami.pk))
        if form.is_valid():
            try:
                ami = ami_update(ami=self.ami, values=form.cleaned_data, by=request.user)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, "Brouillon enregistré.")
                return redirect("ami:authoring_edit", reference=ami.reference)
        return self.page(
            request, self.template_name, form=form, active="fields", revues_lecture=reviews_to_read(request.user)
        )


class _RowsView(_DraftMixin, View):
    """A formset of the draft's rows; the service saves them (and refuses in French, input kept)."""

    template_name = "ami/authoring/rows.html"
    formset_class = None
    active = ""
    title = ""
    intro = ""
    # The draft's rows (`ami.<related_name>`, in their order), their fields as the formset names them, and
    # the service that saves them.
    related_name = ""
    fields: tuple[str, ...] = ()
    save_rows = None

    def existing(self) -> list[dict]:
        rows = getattr(self.ami, self.related_name).order_by("ordre", "pk")
        return [{name: getattr(row, name) for name in self.fields} for row in rows]

    def render_rows(self, request, formset):
        return self.page(
            request, self.template_name, formset=formset, active=self.active, title=self.title, intro=self.intro
        )

    def get(self, request, reference):
        return self.render_rows(request, self.formset_class(initial=rows_initial(self.existing())))

    def post(self, request, reference):
        formset = self.formset_class(request.POST, initial=rows_initial(self.existing()))
        if formset.is_valid():
            try:
                self.save_rows(ami=self.ami, rows=formset_rows(formset), by=request.user)
            except Refused as refusal:
                formset._non_form_errors = formset.error_class([refusal.message])
            else:
                messages.success(request, f"{self.title} : enregistré.")
                return redirect(request.path)
        return self.render_rows(request, formset)


class AMISectionsView(_RowsView):
    formset_class = SectionFormSet
    active, title = "sections", "Texte de l'AMI"
    intro = "Les sections du texte, dans l'ordre de leur position. Cochez « Supprimer » pour en retirer une ; la dernière ligne, vide, en ajoute une."
    related_name, fields, save_rows = "sections", ("code", "titre", "texte"), staticmethod(ami_sections_save)


class AMICriteresView(_RowsView):
    formset_class = CritereFormSet
    active, title = "criteres", "Critères de sélection"
    intro = "La somme des pondérations doit être égale à 100 %. Le critère « calculé » est noté à partir des prix (un seul)."
    related_name, fields, save_rows = "criteres", ("id", "libelle", "poids", "mode"), staticmethod(ami_criteres_save)

    def page(self, request, template, **context):
        formset = context["formset"]
        rows = formset_rows(formset) if formset.is_bound and formset.is_valid() else formset.initial or []
        return super().page(request, template, total=criteres_total(rows), **context)


class AMIJalonsView(_RowsView):
    formset_class = JalonFormSet
    active, title = "jalons", "Calendrier prévisionnel"
    intro = "Les étapes du calendrier publié, dans l'ordre de leur position."
    related_name, fields, save_rows = "jalons", ("id", "libelle", "quand", "date"), staticmethod(ami_jalons_save)


class AMIPreviewView(AMIObjectMixin, PermissionRequiredView, TemplateView):
    """The AMI's public page as a visitor will see it, with the « Aperçu — non publié » banner (staff)."""

    include_drafts = True
    permission_required = "ami.preview_ami"
    template_name = "ami/ami/detail.html"

    def get_context_data(self, **kwargs):
        ami = selectors.ami_preview(self.ami)
        return {**super().get_context_data(**kwargs), **public_page_context(self.request, ami, preview=True)}


class AMIPublishView(_DraftMixin, View):
    """The checks, what publishing will do, then the publication once staff confirm."""

    permission_required = "ami.publish_ami"
    template_name = "ami/authoring/publish.html"

    def get(self, request, reference):
        ami = self.ami
        return self.page(
            request,
            self.template_name,
            active="publish",
            deadline=deadline_text(ami.date_limite),
            questions_deadline=deadline_text(ami.questions_deadline),
        )

    def post(self, request, reference):
        with refusal_as_message(request):
            ami = ami_publish(ami=self.ami, by=request.user)
            messages.success(request, f"L'AMI « {ami.titre} » est publié : sa page publique est ouverte.")
            return redirect("ami:detail", reference=ami.reference)
        return redirect("ami:authoring_publish", reference=self.ami.reference)
