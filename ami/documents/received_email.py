"""A dossier received by email: the message (.eml) read with Python's `email` package (policy=default).

What staff are shown before confirming: the sender, the subject, the `Date:` header (the sender's
clock), the most recent `Received:` header (the MLHG server's, the top one) and the reception time
retained: the latest `Received:` timestamp, else the `Date:` header. The attachments, each checked
as a portal upload is (`mlhg_app.uploads.upload_check`). Nothing here writes.
"""

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mlhg_app.uploads import MO, display_name, format_mo, upload_check

# A message of 10 Mo attachments (the portal's limit per file) and 50 Mo in all, base64-encoded (+37 %).
MAX_EML_SIZE = 70 * MO
HEADER_SAMPLE = 64 * 1024


class NotAnEmail(ValueError):
    """The file is not an email message; the text says why, in French."""


@dataclass
class Attachment:
    nom: str
    contenu: bytes
    refus: str = ""  # why it cannot become a piece of the dossier (French), empty when accepted

    @property
    def taille(self) -> int:
        return len(self.contenu)

    @property
    def taille_affichee(self) -> str:
        return format_mo(self.taille)

    def as_upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.nom, self.contenu)


@dataclass
class ReceivedEmail:
    expediteur_email: str
    expediteur_nom: str
    sujet: str
    date_entete: datetime | None
    received_entete: str
    date_received: datetime | None
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def recu_le(self) -> datetime | None:
        """The reception time retained: the MLHG server's (latest Received), else the sender's Date."""
        return self.date_received or self.date_entete


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:  # « -0000 »: the zone is unknown, the time is not trusted
        return None
    return parsed


def _received_timestamp(header: str) -> datetime | None:
    """The date after the last « ; » of a Received header (RFC 5321 §4.4)."""
    _, sep, when = str(header).rpartition(";")
    return _parse_date(when.strip()) if sep else None


def _looks_like_headers(raw: bytes) -> bool:
    """A message starts with header lines (« Name: value »), in text, before a blank line."""
    head = raw[:HEADER_SAMPLE]
    if b"\x00" in head:
        return False
    first = head.lstrip(b"\r\n").split(b"\n", 1)[0]
    return re.match(rb"^[!-9;-~]+:", first) is not None or first.startswith(b"From ")


def _attachment_refusal(attachment: Attachment, total_before: int) -> str:
    try:
        upload_check(attachment.as_upload(), dossier_total=total_before)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def parse_eml(raw: bytes) -> ReceivedEmail:
    """Read a message; raise `NotAnEmail` (French) when it is none, too large, or has no sender.

    Each attachment gets its refusal (type, size, macros…) as a portal upload would, so that staff
    see before confirming which ones will become pieces of the dossier."""
    if len(raw) > MAX_EML_SIZE:
        raise NotAnEmail(
            f"Le message pèse {format_mo(len(raw))} : la limite est de {format_mo(MAX_EML_SIZE)}. "
            "Enregistrez les pièces séparément (saisie sans fichier .eml)."
        )
    if not raw.strip():
        raise NotAnEmail("Le fichier est vide : ce n'est pas un message électronique (.eml).")
    if not _looks_like_headers(raw):
        raise NotAnEmail(
            "Ce fichier n'est pas un message électronique (.eml) : il ne commence pas par des en-têtes "
            "(« From: », « Date: »…). Dans votre messagerie, utilisez « Enregistrer sous » ou « Télécharger le "
            "message » pour obtenir le fichier .eml."
        )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        sender = message.get("From")
        nom, adresse = email.utils.parseaddr(str(sender or ""))
    except (TypeError, ValueError, IndexError):
        nom, adresse = "", ""
    if "@" not in adresse:
        raise NotAnEmail(
            "Ce message n'indique pas d'expéditeur lisible (en-tête « From: ») : ce n'est pas un courriel "
            "exploitable. Utilisez la saisie sans fichier .eml."
        )
    received = [str(h) for h in (message.get_all("Received") or [])]
    stamps = [s for s in (_received_timestamp(h) for h in received) if s is not None]
    try:
        sujet = str(message.get("Subject") or "")
    except (TypeError, ValueError, IndexError):
        sujet = ""
    parsed = ReceivedEmail(
        expediteur_email=adresse.strip()[:254],
        expediteur_nom=nom.strip()[:200],
        sujet=" ".join(sujet.split())[:255],
        date_entete=_parse_date(message.get("Date")),
        received_entete=" ".join(received[0].split()) if received else "",
        date_received=max(stamps) if stamps else None,
    )
    total = 0
    for index, part in enumerate(message.iter_attachments(), start=1):
        try:
            contenu = part.get_content()
        except (LookupError, ValueError, TypeError, AssertionError):
            contenu = part.get_payload(decode=True) or b""
        if isinstance(contenu, str):
            contenu = contenu.encode("utf-8")
        elif not isinstance(contenu, bytes):  # an attached message (message/rfc822)
            contenu = contenu.as_bytes() if hasattr(contenu, "as_bytes") else b""
        nom = display_name(part.get_filename() or f"piece-{index}")
        attachment = Attachment(nom=nom, contenu=contenu)
        attachment.refus = _attachment_refusal(attachment, total)
        if not attachment.refus:
            total += attachment.taille
        parsed.attachments.append(attachment)
    return parsed
