"""Participation certificates: a conseiller's own yearly attestation, and staff's bulk issue of a programme's
attestations for the HR training records (one ZIP of PDFs, made by an export job: `seances.attestations`)."""

import tempfile

from django.core.exceptions import PermissionDenied
from django.core.files import File

from mlhg_app import exports
from mlhg_app.refusals import Refused
from seances.documents.certificate import certificate_filename, certificate_pdf, certificates_zip
from seances.models import Programme
from seances.selectors import certificate_holders, seances_present

EXPORT_KIND = "seances.attestations"
NOT_STAFF = "Seule l'administration de la MLHG délivre les attestations de participation en nombre."


def certificate_get(*, person, programme: Programme, user) -> tuple[bytes, str]:
    """The attestation of `person` for the programme year, as `user` asks it (the person, or staff).

    Refused: another person's attestation (not staff); no séance attended that year. No side effect."""
    if not user.has_perm("seances.view_certificate", person):
        raise Refused("Une attestation de participation n'est délivrée qu'à la personne concernée et à la MLHG.")
    if not seances_present(person, programme).exists():
        raise Refused(
            f"Aucune séance suivie en {programme.annee_debut}-{programme.annee_debut + 1} n'est enregistrée "
            "à votre nom : l'attestation sera disponible après votre première séance émargée."
        )
    return certificate_pdf(person, programme), certificate_filename(person, programme)


def certificates_request(*, programme: Programme, user):
    """Staff ask for every attestation of the programme year (a ZIP): a `StoredExport`, its job queued on commit.

    Refused: not staff; nobody present at a séance yet."""
    if not user.has_perm("seances.issue_certificates", programme):
        raise Refused(NOT_STAFF)
    if not certificate_holders(programme).exists():
        raise Refused("Aucune séance émargée dans ce programme : pas encore d'attestation à délivrer.")
    return exports.export_request(kind=EXPORT_KIND, object_id=programme.pk, user=user)


def render_certificates(programme_id: int, user):
    """The export's file: one attestation per person present at a séance of the programme (ZIP)."""
    programme = Programme.objects.select_related("prestataire").get(pk=programme_id)
    if not user.has_perm("seances.issue_certificates", programme):
        raise PermissionDenied(NOT_STAFF)
    handle = tempfile.TemporaryFile(suffix=".zip")  # on disk: one PDF per conseiller
    certificates_zip(certificate_holders(programme), programme, handle)
    handle.seek(0)
    name = f"attestations-participation-{programme.annee_debut}-{programme.annee_debut + 1}.zip"
    return File(handle), name, "application/zip"


def register_exports() -> None:
    exports.register(EXPORT_KIND, render_certificates, label="Attestations de participation (ZIP de PDF)")
