"""Staff and evaluators: the dossiers that arrived, sealed until the deadline."""

import io
import zipfile

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from ami.documents.dossier import dossier_pdf, dossier_pdf_filename
from ami.selectors import dossiers_of_ami_for, last_version
from ami.views.objects import AMIObjectMixin, DossierObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import deadline_text

# The staff's list of an AMI's dossiers, a page at a time (issue 18: 300 dossiers at 10× in one render).
DOSSIER_PAGE_SIZE = 50


class DossierListView(AMIObjectMixin, PermissionRequiredView, TemplateView):
    permission_required = "ami.list_dossiers"
    template_name = "ami/staff/dossier_list.html"

    def get_context_data(self, **kwargs):
        ami = self.ami
        dossiers = dossiers_of_ami_for(self.request.user, ami)
        return {
            **super().get_context_data(**kwargs),
            "ami": ami,
            # Django's get_page: a page number past the end gives the last page, a word or nothing the first.
            "page": Paginator(dossiers, DOSSIER_PAGE_SIZE).get_page(self.request.GET.get("page")),
            "sealed": not ami.is_past_deadline(),
            "deadline": deadline_text(ami.date_limite),
        }


class DossierReadView(DossierObjectMixin, PermissionRequiredView, TemplateView):
    """A dossier's status; its content only for those who may read it (`ami.read_dossier`: the seal)."""

    permission_required = "ami.view_dossier"
    template_name = "ami/staff/dossier_read.html"

    def get_context_data(self, **kwargs):
        dossier = self.dossier
        readable = self.request.user.has_perm("ami.read_dossier", dossier)
        version = last_version(self.dossier) if readable else None
        return {
            **super().get_context_data(**kwargs),
            "dossier": dossier,
            "version": version,
            "contenu": version.contenu if version else None,
            "sealed": not dossier.ami.is_past_deadline(),
            "readable": readable,
            "deadline": deadline_text(dossier.ami.date_limite),
            "now": timezone.now(),
        }


class _OpenedDossierMixin(DossierObjectMixin):
    permission_required = "ami.read_dossier"

    def opened(self):
        version = last_version(self.dossier)
        if version is None:
            raise Http404("Aucune version déposée")
        return self.dossier, version


class DossierPdfView(_OpenedDossierMixin, PermissionRequiredView, TemplateView):
    def get(self, request, pk):
        _dossier, version = self.opened()
        return file_response(dossier_pdf(version), filename=dossier_pdf_filename(version), attachment=True)


class DossierZipView(_OpenedDossierMixin, PermissionRequiredView, TemplateView):
    def get(self, request, pk):
        dossier, version = self.opened()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(dossier_pdf_filename(version), dossier_pdf(version))
            used = set()
            for fichier in version.fichiers.order_by("pk"):
                name = f"{fichier.get_kind_display()} - {fichier.nom}".replace("/", "-")
                if name in used:
                    name = f"{fichier.pk}-{name}"
                used.add(name)
                with fichier.fichier.open("rb") as handle:
                    archive.writestr(f"pieces/{name}", handle.read())
        filename = f"{dossier.ami.reference}-{dossier.prestataire.siret}-v{version.numero}.zip"
        return file_response(buffer.getvalue(), filename=filename, content_type="application/zip", attachment=True)
