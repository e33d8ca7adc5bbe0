"""Uploaded files: recognised by their content (magic bytes), not their extension.

Accepted: PDF, DOCX, ODT, JPEG and PNG; at most 10 MB a file and 50 MB for a
dossier's current files. Names are sanitised. A refusal says why, in French.
"""

import hashlib
import io
import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.db.models import Sum

MAX_FILE = 10 * 1024 * 1024
MAX_DOSSIER = 50 * 1024 * 1024
ACCEPTED = "PDF, DOCX, ODT, JPEG ou PNG"

KINDS = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": ("ODT", "application/vnd.oasis.opendocument.text"),
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
}


def detect(head: bytes, data: bytes | None = None) -> str:
    """The content type seen: one of KINDS, or a French description of what it is."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return "odt"
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
        except zipfile.BadZipFile:
            return "archive ZIP endommagée"
        return "archive ZIP"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "exécutable"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image GIF"
    try:
        head.decode("utf-8")
        return "texte"
    except UnicodeDecodeError:
        return "inconnu"


def mo(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " Mo"


def sanitize_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "fichier"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 5:
        stem = stem.strip("-.") or "fichier"
        return f"{stem[: 100 - len(ext) - 1]}.{ext}"
    return name[:100]


def check_upload(uploaded, *, dossier=None) -> tuple[bytes, str]:
    """Read and check one uploaded file; returns (content, kind) or raises ValidationError."""
    name = uploaded.name
    if uploaded.size > MAX_FILE:
        raise ValidationError(f"Le fichier « {name} » pèse {mo(uploaded.size)} : la limite est de 10 Mo par fichier.")
    data = uploaded.read()
    kind = detect(data[:16], data)
    if kind not in KINDS:
        raise ValidationError(f"Le fichier « {name} » n'est pas un {ACCEPTED} (contenu reconnu : {kind}).")
    if dossier is not None:
        used = dossier.fichiers.filter(detache_at__isnull=True).aggregate(total=Sum("taille"))["total"] or 0
        if used + len(data) > MAX_DOSSIER:
            raise ValidationError(
                f"Le fichier « {name} » ({mo(len(data))}) dépasserait la limite de 50 Mo par dossier "
                f"(déjà {mo(used)} déposés)."
            )
    return data, kind


def fichier_store(*, dossier, kind_piece: str, uploaded, intervenant=None):
    """Check and store an upload as a `Fichier` of the dossier (CV or recommendation letter)."""
    from django.core.files.base import ContentFile

    from ami.models import Fichier

    data, kind = check_upload(uploaded, dossier=dossier)
    fichier = Fichier(
        dossier=dossier,
        kind=kind_piece,
        intervenant=intervenant,
        nom=sanitize_name(uploaded.name),
        taille=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        type_mime=KINDS[kind][1],
    )
    fichier.fichier.save(fichier.nom, ContentFile(data), save=False)
    fichier.save()
    return fichier
