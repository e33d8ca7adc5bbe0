"""Checks on the files a prestataire uploads: type by content, size, name.

The type is recognised from the file's content (magic bytes), never from its
name: PDF, PNG and JPEG by their signature; DOCX and ODT by opening the ZIP and
reading its members (``word/document.xml`` and ``[Content_Types].xml`` for a
DOCX; a ``mimetype`` member reading ``application/vnd.oasis.opendocument.text``
for an ODT). The ``filetype`` package guesses DOCX from the first four ZIP
entries only, so the ZIP is read here with the standard library instead.

Beyond the type, `content_problem` refuses what a type alone would let in: a
DOCX or ODT that is a ZIP bomb (judged on the sizes and entry count declared in
the ZIP's directory, before anything is decompressed), one that carries macros
(``vbaProject.bin``, a macro-enabled content type, an ODT ``Basic/`` or
``Scripts/`` folder), and a PDF or image that is also a ZIP archive (polyglot).

Nothing here writes: storing is `ami.services.dossier.fichier_add`.
"""

import hashlib
import lzma
import math
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MO = 1024 * 1024
MAX_FILE_SIZE = 10 * MO
MAX_DOSSIER_SIZE = 50 * MO
MAX_NAME_LENGTH = 100
MAX_SHOWN_NAME_LENGTH = 80
# A DOCX or ODT of 10 Mo holds far less than this; more means a ZIP bomb.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 100 * MO
MAX_XML_READ = 1 * MO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ACCEPTED_TYPES = {PDF, PNG, JPEG, DOCX, ODT}
# The extensions a stored name may end with, per recognised type (the first is given to a name without one).
EXTENSIONS = {PDF: ("pdf",), PNG: ("png",), JPEG: ("jpg", "jpeg"), DOCX: ("docx",), ODT: ("odt",)}

ODT_MIMETYPE = ODT.encode("ascii")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
# What a damaged or hostile ZIP may raise while its directory or a member is read.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
    struct.error,
)
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}


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
    if name.split(".", 1)[0].upper() in WINDOWS_RESERVED:
        name = "fichier_" + name
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip("._-") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH].rstrip("._-")
    return name


def name_for_type(name: str, mime: str) -> str:
    """A sanitised name whose extension is the content's (« rapport.html » holding a PDF → « rapport.pdf »)."""
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in EXTENSIONS[mime]:
        return name
    extension = EXTENSIONS[mime][0]
    stem = (stem if dot else name)[: MAX_NAME_LENGTH - len(extension) - 1].rstrip("._-") or "fichier"
    return f"{stem}.{extension}"


def display_name(name: str) -> str:
    """The name the user gave, as shown in a message: no folders, no control or direction characters, short."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] not in "CZ" or char == " ").strip()
    if len(name) > MAX_SHOWN_NAME_LENGTH:
        name = name[: MAX_SHOWN_NAME_LENGTH - 1] + "…"
    return name or "sans nom"


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
    except ZIP_ERRORS:
        return None
    finally:
        upload.seek(0)
    return None


def _archive_problem(upload, mime: str) -> str | None:
    """Why a DOCX or ODT is refused although its type is right: a ZIP bomb, or macros inside."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_ENTRIES:
                return _("il contient %(n)s éléments compressés (au plus %(max)s) : c'est une archive piégée") % {
                    "n": len(members),
                    "max": MAX_ZIP_ENTRIES,
                }
            declared = sum(member.file_size for member in members)
            if declared > MAX_ZIP_UNCOMPRESSED:
                return _("une fois décompressé, il pèserait %(taille)s (au plus 100 Mo) : c'est une archive piégée") % {
                    "taille": format_mo(declared)
                }
            names = [member.filename.replace("\\", "/").lower() for member in members]
            macro = any(name.rsplit("/", 1)[-1] in {"vbaproject.bin", "vbadata.xml"} for name in names)
            if mime == ODT:
                macro = macro or any(name.startswith(("basic/", "scripts/")) for name in names)
            elif "[Content_Types].xml" in archive.namelist():
                with archive.open("[Content_Types].xml") as member:
                    macro = macro or b"macroenabled" in member.read(MAX_XML_READ).lower()
            if macro:
                return _(
                    "il contient des macros (du code exécutable) ; enregistrez-le sans macros "
                    "(document DOCX ou ODT ordinaire) ou en PDF"
                )
    except ZIP_ERRORS:
        return _("le document est endommagé ; enregistrez-le à nouveau ou en PDF")
    finally:
        upload.seek(0)
    return None


def content_problem(upload, mime: str) -> str | None:
    """In French, why a file of an accepted type is still refused (None when it is fine).

    A DOCX or ODT must not be a ZIP bomb nor carry macros; a PDF or an image must
    not also be a ZIP archive (a polyglot file that opens differently elsewhere).
    """
    if mime in (DOCX, ODT):
        return _archive_problem(upload, mime)
    try:
        polyglot = zipfile.is_zipfile(upload)
    except ZIP_ERRORS:
        polyglot = False
    finally:
        upload.seek(0)
    if polyglot:
        return _("il contient aussi une archive ZIP (fichier polyglotte) ; enregistrez-le à nouveau")
    return None


def content_refusal(upload, mime: str, shown: str) -> ValidationError | None:
    """The French refusal of `content_problem` for the file shown as ``shown``, or None."""
    problem = content_problem(upload, mime)
    if problem is None:
        return None
    return ValidationError(
        _("Le fichier « %(nom)s » est refusé : %(raison)s.") % {"nom": shown, "raison": problem},
        code="file_content",
    )


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
    original = re.split(r"[\\/]", upload.name or "")[-1]
    shown = display_name(original)
    size = upload.size
    if size > MAX_FILE_SIZE:
        raise ValidationError(
            _("Le fichier « %(nom)s » pèse %(taille)s : la limite est de 10 Mo par fichier.")
            % {"nom": shown, "taille": format_mo(size)},
            code="file_too_large",
        )
    mime = detect_type(upload)
    if mime is None:
        raise ValidationError(
            _("Le fichier « %(nom)s » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : %(vu)s).")
            % {"nom": shown, "vu": describe_content(upload)},
            code="file_type",
        )
    refusal = content_refusal(upload, mime, shown)
    if refusal is not None:
        raise refusal
    if dossier_total + size > MAX_DOSSIER_SIZE:
        raise ValidationError(
            _(
                "Le fichier « %(nom)s » (%(taille)s) ne peut pas être ajouté : les pièces du dossier pèsent déjà "
                "%(total)s et la limite est de 50 Mo par dossier."
            )
            % {"nom": shown, "taille": format_mo(size), "total": format_mo(dossier_total)},
            code="dossier_too_large",
        )
    return UploadCheck(
        nom=name_for_type(sanitize_filename(original), mime), taille=size, sha256=_sha256(upload), type_mime=mime
    )
