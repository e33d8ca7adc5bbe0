"""Staff: a dated rectificatif of a published AMI: its deadline postponed (never earlier), its text changed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from ami.forms.authoring import RectificatifTexteForm, SectionFormSet, formset_rows, rows_initial
from ami.forms.rectificatif import RectificatifForm
from ami.selectors import candidats_inscrits
from ami.services.rectificatif import (
    ami_deadline_postpone,
    ami_rectify,
    deadline_move_check,
    sections_diff,
    sections_of,
)
from ami.views.objects import AMIObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.french import deadline_text
from mlhg_app.refusals import Refused, refusal_on_form


class DeadlinePostponeView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.rectify_ami"
    template_name = "ami/selection/rectificatif.html"

    def render_page(self, request, form=None):
        ami = self.ami
        context = {
            "ami": ami,
            "deadline": deadline_text(ami.date_limite),
            "can_postpone": ami.is_open(),
            "rectificatifs": ami.rectificatifs.select_related("par").order_by("-publie_le"),
            "form": form or RectificatifForm(),
        }
        return render(request, self.template_name, context)

    def get(self, request, reference):
        return self.render_page(request)

    def post(self, request, reference):
        ami = self.ami
        form = RectificatifForm(request.POST)
        if form.is_valid():
            try:
                rectificatif = ami_deadline_postpone(
                    ami=ami,
                    new_deadline=form.cleaned_data["nouvelle_date_limite"],
                    motif=form.cleaned_data["motif"],
                    by=request.user,
                )
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(
                    request,
                    f"Rectificatif publié : la date limite est reportée au {deadline_text(rectificatif.ami.date_limite)}. "
                    "Les candidats en sont informés par courriel.",
                )
                return redirect("ami:deadline", reference=ami.reference)
        return self.render_page(request, form)


class RectificatifView(AMIObjectMixin, PermissionRequiredView, View):
    """A rectificatif of a published AMI's text (and optionally its deadline, later only): edit, preview the
    differences, confirm. Nothing is stored nor sent before « Confirmer »; the preview keeps what was typed."""

    permission_required = "ami.rectify_ami"
    template_name = "ami/authoring/rectificatif.html"

    def current(self):
        return sections_of(self.ami)

    def render_page(self, request, form, formset, *, diff=None):
        ami = self.ami
        context = {
            "ami": ami,
            "form": form,
            "formset": formset,
            "diff": diff,
            "deadline": deadline_text(ami.date_limite),
            "can_rectify": ami.is_open(),
            "recipients": candidats_inscrits(ami).count() if diff is not None else None,
            "next_version": (ami.versions.count() or 1) + 1,
        }
        return render(request, self.template_name, context)

    def get(self, request, reference):
        return self.render_page(request, RectificatifTexteForm(), SectionFormSet(initial=rows_initial(self.current())))

    def post(self, request, reference):
        form = RectificatifTexteForm(request.POST)
        formset = SectionFormSet(request.POST, initial=rows_initial(self.current()))
        if not (form.is_valid() and formset.is_valid()):
            return self.render_page(request, form, formset)
        rows = formset_rows(formset)
        new_deadline = form.cleaned_data["nouvelle_date_limite"]
        if request.POST.get("action") == "confirmer":
            try:
                rectificatif = ami_rectify(
                    ami=self.ami,
                    motif=form.cleaned_data["motif"],
                    by=request.user,
                    sections=rows,
                    new_deadline=new_deadline,
                )
            except Refused as refusal:
                refusal_on_form(form, refusal)
                return self.render_page(request, form, formset)
            messages.success(
                request,
                f"Rectificatif publié : version {rectificatif.version.numero} du texte. "
                "Chaque candidat inscrit en est informé par courriel.",
            )
            return redirect("ami:detail", reference=self.ami.reference)
        if request.POST.get("action") == "apercu":
            diff = sections_diff(self.current(), rows)
            try:
                deadline_move_check(ami=self.ami, new_deadline=new_deadline)
            except Refused as refusal:
                refusal_on_form(form, refusal)
                return self.render_page(request, form, formset)
            return self.render_page(request, form, formset, diff=diff)
        return self.render_page(request, form, formset)
