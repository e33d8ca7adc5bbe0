"""The convention's page, for staff and for the retained prestataire: its state, its PDFs, sending it for
signature, the signed copy uploaded by either side, and the avenants (ami.services.convention)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ami.forms.convention import AvenantForm, SignedCopyForm
from ami.models import Avenant, Convention
from ami.selectors import convention_terms
from ami.services import convention as services
from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.refusals import Refused, refusal_as_message, refusal_on_form


def _convention(pk):
    return get_object_or_404(
        Convention.objects.select_related(
            "dossier__prestataire", "dossier__ami", "decision__ami", "sent_by", "signed_by"
        ),
        pk=pk,
    )


def _avenant(convention_pk, avenant_pk):
    return get_object_or_404(
        Avenant.objects.select_related("convention__dossier__prestataire", "convention__dossier__ami"),
        pk=avenant_pk,
        convention_id=convention_pk,
    )


ConventionObjectMixin = permission_object("convention", _convention)
AvenantObjectMixin = permission_object("avenant", _avenant, kwarg=("pk", "avenant_pk"))


class ConventionDetailView(ConventionObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.view_convention"
    template_name = "ami/convention/detail.html"

    def render_page(self, request, *, sign_form=None, avenant_form=None, avenant_sign_forms=None):
        convention = self.convention
        avenants = list(convention.avenants.select_related("sent_by", "signed_by", "created_by").order_by("numero"))
        forms = avenant_sign_forms or {}
        context = {
            "convention": convention,
            "ami": convention.dossier.ami,
            "prestataire": convention.dossier.prestataire,
            "terms": convention_terms(convention),
            "avenants": [(a, forms.get(a.pk) or SignedCopyForm(prefix=f"av{a.pk}")) for a in avenants],
            "sign_form": sign_form or SignedCopyForm(),
            "avenant_form": avenant_form or AvenantForm(),
        }
        return render(request, self.template_name, context)

    def get(self, request, pk):
        return self.render_page(request)


class ConventionSendView(ConventionObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.send_convention"
    http_method_names = ["post"]

    def post(self, request, pk):
        with refusal_as_message(request):
            if services.convention_send(convention=self.convention, user=request.user):
                messages.success(request, "Convention envoyée pour signature : le prestataire la reçoit en PDF.")
        return redirect("ami:convention_detail", pk=self.convention.pk)


class ConventionSignView(ConventionDetailView):
    permission_required = "ami.sign_convention"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = SignedCopyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.signed_copy_upload(
                    document=self.convention, upload=form.cleaned_data["fichier"], user=request.user
                )
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, "Exemplaire signé enregistré : la convention est signée.")
                return redirect("ami:convention_detail", pk=self.convention.pk)
        return self.render_page(request, sign_form=form)


class AvenantCreateView(ConventionDetailView):
    permission_required = "ami.amend_convention"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = AvenantForm(request.POST)
        if form.is_valid():
            try:
                avenant = services.avenant_create(convention=self.convention, user=request.user, **form.cleaned_data)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"Avenant n° {avenant.numero} établi : envoyez-le pour signature.")
                return redirect("ami:convention_detail", pk=self.convention.pk)
        return self.render_page(request, avenant_form=form)


class AvenantSendView(AvenantObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.send_convention"
    http_method_names = ["post"]

    def post(self, request, pk, avenant_pk):
        with refusal_as_message(request):
            if services.convention_send(convention=self.avenant, user=request.user):
                messages.success(request, f"Avenant n° {self.avenant.numero} envoyé pour signature.")
        return redirect("ami:convention_detail", pk=self.avenant.convention_id)


class AvenantSignView(AvenantObjectMixin, ConventionDetailView):
    permission_required = "ami.sign_convention"
    http_method_names = ["post"]

    def post(self, request, pk, avenant_pk):
        avenant = self.avenant
        self.convention = avenant.convention
        form = SignedCopyForm(request.POST, request.FILES, prefix=f"av{avenant.pk}")
        if form.is_valid():
            try:
                services.signed_copy_upload(document=avenant, upload=form.cleaned_data["fichier"], user=request.user)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"Exemplaire signé enregistré : l'avenant n° {avenant.numero} est signé.")
                return redirect("ami:convention_detail", pk=avenant.convention_id)
        return self.render_page(request, avenant_sign_forms={avenant.pk: form})


def _pdf_response(field_file, filename):
    if not field_file:
        raise Http404("Document absent")
    with field_file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ConventionSignedPdfView(ConventionObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.view_convention"

    def get(self, request, pk):
        return _pdf_response(self.convention.fichier_signe, f"{self.convention.numero}-signee.pdf")


class AvenantPdfView(AvenantObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.view_convention"

    def get(self, request, pk, avenant_pk, signe=False):
        signed = signe
        field_file = self.avenant.fichier_signe if signed else self.avenant.fichier
        suffix = "-signe" if signed else ""
        return _pdf_response(field_file, f"{self.avenant.reference}{suffix}.pdf")
