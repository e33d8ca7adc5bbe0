"""Staff reports of the selection: price simulation, audit journal; the rapport d'analyse and the archive
are exports made by a job (ami/documents/exports.py)."""

from django.shortcuts import render
from django.urls import reverse
from django.views import View

from ami.documents import exports as ami_exports
from ami.forms.pricing import PriceSimulationForm
from ami.models import AMI
from ami.pricing import SIMULATION_MAX_ROWS
from ami.selectors import ami_journal, price_criterion
from ami.views.objects import AMIObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.exports import export_request
from mlhg_app.refusals import ActionView

JOURNAL_PAGE_SIZE = 50


class ExportRequestView(AMIObjectMixin, ActionView):
    """Staff ask for a slow export of the AMI: a job makes the file, the export's page follows it."""

    permission_required = "ami.manage_selection"
    kind = ""

    def act(self, request):
        self.export = export_request(kind=self.kind, object_id=self.ami.pk, user=request.user)

    def redirect_url(self):
        return reverse("export", args=[self.export.pk])


class RapportView(ExportRequestView):
    kind = ami_exports.RAPPORT


class PriceSimulationView(AMIObjectMixin, PermissionRequiredView, View):
    """The points a range of prices would get, before publication (drafts included)."""

    permission_required = "ami.view_ami"
    include_drafts = True
    template_name = "ami/reports/price_simulation.html"

    def get(self, request, reference):
        ami = self.ami
        price = price_criterion(ami)
        form = PriceSimulationForm(request.GET or PriceSimulationForm.DEFAULTS, ami=ami)
        rows = form.rows(weight=price.poids, chosen=ami.formule_prix) if price is not None and form.is_valid() else None
        formulas = [
            {"value": value, "label": label, "chosen": value == ami.formule_prix}
            for value, label in AMI.FormulePrix.choices
        ]
        return render(
            request,
            self.template_name,
            {
                "ami": ami,
                "form": form,
                "price": price,
                "rows": rows,
                "formulas": formulas,
                "max_rows": SIMULATION_MAX_ROWS,
            },
        )


class AuditView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.manage_selection"
    template_name = "ami/reports/audit.html"

    def get(self, request, reference):
        ami = self.ami
        page = ami_journal(ami).page(request.GET.get("page"), JOURNAL_PAGE_SIZE)
        return render(request, self.template_name, {"ami": ami, "page": page})


class ArchiveView(ExportRequestView):
    """The AMI's archive holds every dossier's content: refused while the dossiers are sealed."""

    kind = ami_exports.ARCHIVE
    permission_required = "ami.archive_ami"

    def get_permission_denied_message(self):
        return ami_exports.ARCHIVE_SEALED if self.request.user.has_perm("ami.manage_selection") else ""
