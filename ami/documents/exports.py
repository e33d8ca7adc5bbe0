"""The AMI's slow exports, made by a job into a stored file (mlhg_app/exports.py): the rapport
d'analyse (PDF) and the archive (ZIP). Registered in `AmiConfig.ready`."""

import tempfile

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils.text import slugify

from ami.documents.archive import ami_archive
from ami.documents.rapport import rapport_filename, rapport_pdf
from ami.models import AMI
from mlhg_app import exports

RAPPORT = "ami.rapport"
ARCHIVE = "ami.archive"
ARCHIVE_SEALED = "L'archive de l'AMI ne peut être préparée qu'après la date limite : les dossiers sont scellés."


def render_rapport(ami_id: int, user):
    ami = AMI.objects.get(pk=ami_id)
    return rapport_pdf(ami), rapport_filename(ami), "application/pdf"


def render_archive(ami_id: int, user):
    """The archive for the staff member who asked, checked again here: the job may have been queued earlier."""
    ami = AMI.objects.get(pk=ami_id)
    if not user.has_perm("ami.archive_ami", ami):
        raise PermissionDenied(ARCHIVE_SEALED)
    handle = tempfile.TemporaryFile(suffix=".zip")  # on disk: an archive holds every dossier's files
    ami_archive(ami, handle, user=user)
    handle.seek(0)
    return File(handle), f"archive-{slugify(ami.reference)}.zip", "application/zip"


def register() -> None:
    exports.register(RAPPORT, render_rapport, label="Rapport d'analyse (PDF)")
    exports.register(ARCHIVE, render_archive, label="Archive de l'AMI (ZIP)")
