"""The statement as an invoice: the statement beside its invoice (staff, the prestataire); the prestataire
generates its Factur-X invoice or uploads its own; the invoice's PDF."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import euros
from mlhg_app.refusals import ActionView, Refused, refusal_as_form_error
from seances.forms.invoice import InvoiceGenerateForm, InvoiceUploadForm
from seances.selectors import facture_of
from seances.services import invoice as invoice_services
from seances.views.permission_objects import ReleveObject


class InvoiceView(ReleveObject, PermissionRequiredView, View):
    """The statement and its invoice side by side, line by line; the prestataire's forms while none exists."""

    permission_required = "seances.view_facture"
    template_name = "seances/billing/invoice.html"

    def render_page(self, request, form=None, status=200):
        releve = self.releve
        facture = facture_of(releve)
        can_invoice = facture is None and request.user.has_perm("seances.invoice_releve", releve)
        prestataire = releve.programme.prestataire
        prefixe = invoice_services.invoice_last_prefix(prestataire)
        if can_invoice and form is None:
            form = InvoiceGenerateForm(
                initial={"prefixe": prefixe, "conditions_paiement": invoice_services.invoice_default_terms(releve)}
            )
        context = {
            "releve": releve,
            "programme": releve.programme,
            "facture": facture,
            "rows": invoice_services.invoice_side_by_side(releve, facture),
            "can_invoice": can_invoice,
            "form": form if can_invoice else None,
            "upload_form": InvoiceUploadForm() if can_invoice else None,
            "next_number": invoice_services.invoice_next_number(prestataire, prefixe) if can_invoice else "",
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request)

    def post(self, request, pk):
        releve = self.releve
        if not request.user.has_perm("seances.invoice_releve", releve):
            return self.handle_no_permission()
        form = InvoiceGenerateForm(request.POST)
        if form.is_valid():
            with refusal_as_form_error(form):
                facture = invoice_services.invoice_generate(releve=releve, user=request.user, **form.cleaned_data)
                messages.success(
                    request, f"Facture {facture.numero} émise : {euros(facture.total_ttc)} TTC, au format Factur-X."
                )
                return redirect("seances:invoice", pk=releve.pk)
        return self.render_page(request, form, status=200)


class InvoiceUploadView(ReleveObject, ActionView):
    """The prestataire uploads its own Factur-X invoice; refused (with the differences) unless it matches."""

    permission_required = "seances.invoice_releve"

    def act(self, request):
        form = InvoiceUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            raise Refused(" ".join(e for errs in form.errors.values() for e in errs))
        facture = invoice_services.invoice_upload(
            releve=self.releve, user=request.user, fichier=form.cleaned_data["fichier"]
        )
        return f"Facture {facture.numero} déposée : elle correspond au relevé {self.releve.numero}."

    def redirect_url(self):
        return reverse("seances:invoice", args=[self.releve.pk])


class InvoicePdfView(ReleveObject, PermissionRequiredView, View):
    permission_required = "seances.view_facture"

    def get(self, request, pk):
        facture = facture_of(self.releve)
        if facture is None:
            raise Http404("Ce relevé n'est pas encore facturé.")
        return file_response(facture.fichier, filename=f"{facture.numero.replace('/', '-')}.pdf")
