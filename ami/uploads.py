"""Checks on the files a prestataire uploads: type by content, size, name.

The type is recognised from the file's content (magic bytes), never from its
name: PDF, PNG and JPEG by their signature; DOCX and ODT by opening the ZIP and
reading its members (``word/document.xml`` and ``[Content_Types].xml`` for a
DOCX; a ``mimetype`` member reading ``application/vnd.oasis.opendocument.text``
for an ODT). The ``filetype`` package guesses DOCX from the first four ZIP
entries only, so the ZIP is read here with the standard library instead.

Nothing here writes: storing is `ami.services.dossier.fichier_add`.
"""

import hashlib
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MO = 1024 * 1024
MAX_FILE_SIZE = 10 * MO
MAX_DOSSIER_SIZE = 50 * MO
MAX_NAME_LENGTH = 100

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ACCEPTED_TYPES = {PDF, PNG, JPEG, DOCX, ODT}

ODT_MIMETYPE = ODT.encode("ascii")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class UploadCheck:
    """What a checked upload will be stored as."""

    nom: str
    taille: int
    sha256: str
    type_mime: str


def format_mo(size: int) -> str:
    """A size in Mo with one decimal, French style, rounded up ("12,4 Mo")."""
    value = math.ceil(size * 10 / MO) / 10
    return f"{value:.1f}".replace(".", ",") + " Mo"


def sanitize_filename(name: str) -> str:
    """A safe file name: no path, accents folded, only letters, digits and .-_; at most 100 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    name = re.sub(r"_{2,}", "_", name).strip("._-")
    if not name:
        name = "fichier"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip("._-") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def _read_head(upload, size: int = 4096) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_type(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(ODT_MIMETYPE) + 2).strip() == ODT_MIMETYPE:
                        return ODT
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    return None


def detect_type(upload) -> str | None:
    """The MIME type of an accepted kind of file, read from its content; None otherwise."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(ZIP_SIGNATURE):
        return _zip_type(upload)
    return None


def describe_content(upload) -> str:
    """In French, what an unaccepted file looks like (for the refusal message)."""
    head = _read_head(upload)
    if not head:
        return _("fichier vide")
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return _("exécutable")
    if head.startswith(ZIP_SIGNATURE):
        return _("archive ZIP")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("ancien format Microsoft Office")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _("image GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _("image WebP")
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return _("archive compressée")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may have been cut at the end of the sample.
        try:
            text = head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return _("inconnu")
    if all(char.isprintable() or char in "\r\n\t\f" for char in text):
        return _("texte")
    return _("inconnu")


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_check(upload, *, dossier_total: int = 0) -> UploadCheck:
    """Check an uploaded file; raise a French `ValidationError` saying why it is refused.

    ``dossier_total`` is the size in bytes of the files already in the draft.
    """
    original = re.split(r"[\\/]", upload.name or "")[-1] or "sans nom"
    size = upload.size
    if size > MAX_FILE_SIZE:
        raise ValidationError(
            _("Le fichier « %(nom)s » pèse %(taille)s : la limite est de 10 Mo par fichier.")
            % {"nom": original, "taille": format_mo(size)},
            code="file_too_large",
        )
    mime = detect_type(upload)
    if mime is None:
        raise ValidationError(
            _("Le fichier « %(nom)s » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : %(vu)s).")
            % {"nom": original, "vu": describe_content(upload)},
            code="file_type",
        )
    if dossier_total + size > MAX_DOSSIER_SIZE:
        raise ValidationError(
            _(
                "Le fichier « %(nom)s » (%(taille)s) ne peut pas être ajouté : les pièces du dossier pèsent déjà "
                "%(total)s et la limite est de 50 Mo par dossier."
            )
            % {"nom": original, "taille": format_mo(size), "total": format_mo(dossier_total)},
            code="dossier_too_large",
        )
    return UploadCheck(nom=sanitize_filename(original), taille=size, sha256=_sha256(upload), type_mime=mime)
