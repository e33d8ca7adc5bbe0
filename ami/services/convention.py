"""The convention's life: établie → envoyée pour signature → signée, then its avenants, the same way.

One table of transitions for a convention and for an avenant (`TRANSITIONS`), changed by one function
(`convention_set_state`). Sending emails the PDF to the prestataire's accounts (`convention_send`,
`avenant_send`); signing is the signed PDF uploaded by either side, checked by its content: a real PDF
whose text holds the document's number (`signed_copy_upload`). An avenant amends prices or volumes
from its date (`avenant_create`); the programme and the statements follow it once signed
(`seances.pricing`).
"""

import datetime
import hashlib
import io
import re
from decimal import Decimal

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ami.documents.letters import avenant_filename, avenant_pdf
from ami.models import Avenant, Convention
from ami.selectors import convention_end, dossier_recipients
from mlhg_app.french import date_at, day_date
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused
from mlhg_app.uploads import MAX_FILE_SIZE, PDF, content_problem, detect_type, display_name, format_mo

C = Convention.Status

# The only table of allowed transitions of a convention or an avenant: {from: {to, ...}}. « signée » is final.
TRANSITIONS: dict[str, set[str]] = {C.ETABLIE: {C.ENVOYEE}, C.ENVOYEE: {C.SIGNEE}}


def _label(document) -> str:
    return "L'avenant" if isinstance(document, Avenant) else "La convention"


STATE_WORDS = {C.ETABLIE: "établie", C.ENVOYEE: "envoyée", C.SIGNEE: "signée"}


def _state_word(document, status: str) -> str:
    """« établie », « envoyée », « signée »; masculine for an avenant."""
    word = STATE_WORDS[status]
    return word[:-1] if isinstance(document, Avenant) else word


def _signable_from(document):
    convention = document if isinstance(document, Convention) else document.convention
    return convention.signable_from


def convention_set_state(*, convention: Convention | Avenant, status: str, by=None, now=None) -> bool:
    """Move a convention (or an avenant) to `status`; the only place its state changes. Returns False (and
    does nothing: no history row) when it is already in `status`.

    Refuses (Refused, in French) a transition absent from `TRANSITIONS`, and a signature before the
    standstill period is over (`signable_from`). Side effects: « envoyée » records when and who
    (`sent_at`, `sent_by`), « signée » when and who (`signed_at`, `signed_by`); the history keeps them.
    """
    now = now or timezone.now()
    model = type(convention)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=convention.pk)
        for name in ("sent_at", "sent_by_id", "signed_at", "signed_by_id"):
            setattr(convention, name, getattr(locked, name))  # the caller's object follows the row
        if locked.status == status:
            return False
        if status not in TRANSITIONS.get(locked.status, set()):
            raise Refused(
                f"{_label(locked)} est {_state_word(locked, locked.status)} : "
                f"{'il' if isinstance(locked, Avenant) else 'elle'} ne peut pas devenir {_state_word(locked, status)}."
            )
        signable_from = _signable_from(locked)
        if status == C.SIGNEE and signable_from is not None and now < signable_from:
            when = date_at(signable_from)
            raise Refused(
                f"{_label(locked)} ne peut être signé{'' if isinstance(locked, Avenant) else 'e'} qu'à partir du "
                f"{when}, à la fin du délai de suspension."
            )
        fields = ["sent_at", "sent_by"] if status == C.ENVOYEE else ["signed_at", "signed_by"]
        for target in (locked, convention):
            setattr(target, fields[0], now)
            setattr(target, fields[1], by)
        if status == C.SIGNEE:
            for name in ("fichier_signe", "signe_sha256"):
                setattr(locked, name, getattr(convention, name))
            fields += ["fichier_signe", "signe_sha256"]
        locked._change_reason = f"Statut : {C(status).label}"
        if by is not None:
            locked._history_user = by
        locked.save(update_fields=fields)
    return True


# -- sending for signature ---------------------------------------------------------------------------


def _convention_of(document) -> Convention:
    return document if isinstance(document, Convention) else document.convention


def convention_send(*, convention: Convention | Avenant, user, now=None) -> bool:
    """Send the convention (or an avenant) for signature: its PDF emailed to the prestataire's accounts.

    Side effects: « envoyée pour signature » (when, who); after commit, one email per active account of
    the prestataire, the PDF attached (once each: the outgoing-message log)."""
    convention_obj = _convention_of(convention)
    if not dossier_recipients(convention_obj.dossier):
        raise Refused(
            "Le prestataire n'a aucun compte actif sur la plateforme : invitez d'abord un de ses membres "
            "pour qu'il reçoive et dépose l'exemplaire signé."
        )
    changed = convention_set_state(convention=convention, status=C.ENVOYEE, by=user, now=now)
    if changed:
        kind = "avenant" if isinstance(convention, Avenant) else "convention"
        pk = convention.pk
        transaction.on_commit(lambda: enqueue(send_for_signature, kind=kind, pk=pk))
    return changed


def signature_request_email(*, document: Convention | Avenant) -> int:
    """Email the document's PDF to each active account of the prestataire, once each, and to the sender of a
    dossier received by email (`dossier_recipients`), who returns it signed by email for staff to upload."""
    convention = _convention_of(document)
    with document.fichier.open("rb") as handle:
        pdf = handle.read()
    avenant = document if isinstance(document, Avenant) else None
    subject = (
        f"Avenant n° {avenant.numero} à la convention {convention.numero} à signer"
        if avenant
        else f"Convention de prestation {convention.numero} à signer"
    )
    sent = 0
    ami = convention.decision.ami
    for email, salutation, user in dossier_recipients(convention.dossier):
        sent += message_send(
            kind="convention.signature",
            recipient=email,
            subject=subject,
            template="convention_signature",
            context={"convention": convention, "avenant": avenant, "user": user, "salutation": salutation, "ami": ami},
            obj=document,
            attachments=[(document.fichier.name.rsplit("/", 1)[-1], pdf, "application/pdf")],
        )
    return sent


# Beside the service that queues it (docs/architecture.md); ami/tasks.py imports it for Celery.
@shared_task(name="ami.tasks.send_for_signature")
def send_for_signature(*, kind: str, pk: int) -> int:
    model = Avenant if kind == "avenant" else Convention
    document = model.objects.filter(pk=pk).first()
    if document is None or document.sent_at is None:
        return 0
    return signature_request_email(document=document)


# -- the signed copy ---------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf), empty when it cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return ""
        return "\n".join(page.extract_text() or "" for page in reader.pages[:50])
    except (PdfReadError, ValueError, TypeError, KeyError, OSError, RecursionError):
        return ""


def signed_copy_check(document: Convention | Avenant, upload) -> tuple[bytes, str]:
    """The upload's bytes and SHA-256 when it is the signed copy of `document`; Refused (French) otherwise.

    A real PDF (by its content, `mlhg_app.uploads`), at most 10 Mo, not a polyglot, whose text contains
    the document's number (the convention's, or the avenant's « CONV-…-AV1 »)."""
    shown = display_name(upload.name or "")
    if upload.size > MAX_FILE_SIZE:
        raise Refused(
            f"Le fichier « {shown} » pèse {format_mo(upload.size)} : la limite est de 10 Mo.", field="fichier"
        )
    if detect_type(upload) != PDF:
        raise Refused(f"Le fichier « {shown} » n'est pas un PDF : déposez l'exemplaire signé en PDF.", field="fichier")
    problem = content_problem(upload, PDF)
    if problem:
        raise Refused(f"Le fichier « {shown} » est refusé : {problem}.", field="fichier")
    upload.seek(0)
    data = upload.read()
    reference = document.reference
    text = _compact(pdf_text(data))
    if _compact(reference) not in text:
        what = "cet avenant" if isinstance(document, Avenant) else "cette convention"
        raise Refused(
            f"Le fichier « {shown} » ne semble pas être {what} : son texte ne contient pas le numéro {reference}. "
            "Déposez le PDF reçu, signé (signature électronique ou PDF numérisé avec reconnaissance du texte).",
            field="fichier",
        )
    return data, hashlib.sha256(data).hexdigest()


def signed_copy_upload(*, document: Convention | Avenant, upload, user, now=None) -> Convention | Avenant:
    """Record the signed copy of a convention or an avenant, uploaded by staff or by the prestataire.

    Refused: not sent for signature yet, already signed, not the document (see `signed_copy_check`), the
    standstill period not over. Side effects: the signed PDF stored with its SHA-256, « signée » with
    who and when (history)."""
    if document.status == C.SIGNEE:
        raise Refused(f"{_label(document)} est déjà {_state_word(document, C.SIGNEE)}.")
    if document.status != C.ENVOYEE:
        raise Refused(f"{_label(document)} n'a pas encore été {_state_word(document, C.ENVOYEE)} pour signature.")
    data, sha256 = signed_copy_check(document, upload)
    name = f"{document.reference}-signe.pdf"
    with transaction.atomic():
        document.fichier_signe.save(name, ContentFile(data), save=False)
        document.signe_sha256 = sha256
        try:
            convention_set_state(convention=document, status=C.SIGNEE, by=user, now=now)
        except Refused:
            storage, stored = document.fichier_signe.storage, document.fichier_signe.name
            transaction.on_commit(lambda: storage.delete(stored))
            raise
    return document


# -- avenants ---------------------------------------------------------------------------------------


def avenant_create(
    *,
    convention: Convention,
    user,
    date_effet: datetime.date,
    objet: str,
    prix_seance_groupe: Decimal | None = None,
    prix_seance_sous_groupe: Decimal | None = None,
    seances_par_site: int | None = None,
    date_fin_prestation: datetime.date | None = None,
) -> Avenant:
    """Establish a dated avenant to a signed convention: new prices of a séance, a new volume, or a new
    end of the prestation (`date_fin_prestation`: a renewal for one more year, which may then take effect
    after the convention's present end).

    Refused: a convention not signed, nothing changed, a date outside the convention's period (as
    prolonged by its signed avenants and by this one) or not after the previous avenant's, a prolongation
    that does not go beyond the present end, an avenant still waiting for its signature. Side effects:
    the numbered `Avenant` and its PDF."""
    objet = (objet or "").strip()
    if not objet:
        raise Refused("Indiquez l'objet de l'avenant.", field="objet")
    terms = {
        "prix_seance_groupe": prix_seance_groupe,
        "prix_seance_sous_groupe": prix_seance_sous_groupe,
        "seances_par_site": seances_par_site,
    }
    if all(value is None for value in terms.values()) and date_fin_prestation is None:
        raise Refused("Un avenant modifie au moins un prix, le volume de séances ou la fin de la prestation.")
    for field in ("prix_seance_groupe", "prix_seance_sous_groupe"):
        if terms[field] is not None and terms[field] <= 0:
            raise Refused("Un prix est positif.", field=field)
    if seances_par_site is not None and seances_par_site < 1:
        raise Refused("Au moins une séance par site et par an.", field="seances_par_site")
    with transaction.atomic():
        convention = Convention.objects.select_for_update().select_related("dossier__prestataire").get(pk=convention.pk)
        if convention.status != C.SIGNEE:
            raise Refused("Un avenant s'établit sur une convention signée.")
        end = convention_end(convention)
        if date_fin_prestation is not None and date_fin_prestation <= end:
            raise Refused(
                f"La prestation court déjà jusqu'au {day_date(end)} : une prolongation va au-delà.",
                field="date_fin_prestation",
            )
        end = date_fin_prestation or end
        if not convention.date_debut <= date_effet <= end:
            raise Refused(
                f"La date d'effet doit être dans la période de la convention (du {day_date(convention.date_debut)} "
                f"au {day_date(end)}).",
                field="date_effet",
            )
        previous = convention.avenants.order_by("-numero").first()
        if previous is not None and previous.status != C.SIGNEE:
            raise Refused(
                f"L'avenant n° {previous.numero} attend encore sa signature : faites-le signer avant d'en établir un autre."
            )
        if previous is not None and date_effet <= previous.date_effet:
            raise Refused(
                f"La date d'effet doit suivre celle de l'avenant n° {previous.numero} "
                f"({day_date(previous.date_effet)}).",
                field="date_effet",
            )
        numero = (previous.numero + 1) if previous else 1
        avenant = Avenant(
            convention=convention,
            numero=numero,
            date_effet=date_effet,
            objet=objet,
            created_by=user,
            date_fin_prestation=date_fin_prestation,
            **terms,
        )
        avenant._history_user = user
        avenant.save()
        avenant.fichier.save(avenant_filename(avenant), ContentFile(avenant_pdf(avenant)), save=True)
    return avenant
