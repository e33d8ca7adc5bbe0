"""Attendance (émargement): who attended a séance, and the signed sheet's scan.

Named attendance is billing proof: the prestataire's side (its accounts, the
séance's intervenant) and MLHG staff only, never the responsable. The sheet to
print is a document (`seances.documents.emargement`).
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from mlhg_app.refusals import Refused
from mlhg_app.uploads import (
    DOCX,
    MAX_FILE_SIZE,
    ODT,
    content_refusal,
    describe_content,
    detect_type,
    display_name,
    format_mo,
)
from seances import calendar
from seances.models import Emargement, Seance
from seances.selectors import ATTENDANCE_STATUSES
from seances.services.feedback import queue_feedback_invitations
from seances.services.state import seance_set_state

NOT_RECORDER = "Seuls l'intervenant de la séance et le prestataire du programme l'enregistrent."

# A signed sheet may be a scan (PDF) or a photo (JPEG, PNG).
SHEET_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}  # MIME type → extension

# ---------------------------------------------------------------------------
# Has the séance taken place?
# ---------------------------------------------------------------------------


def seance_has_started(seance, *, now=None) -> bool:
    return calendar.seance_start(seance) <= (now or timezone.now())


def attendance_refusal(seance, *, now=None) -> str:
    """Why attendance cannot be recorded now ("" when it can)."""
    if seance.status not in ATTENDANCE_STATUSES:
        return f"Cette séance est « {seance.get_status_display().lower()} » : il n'y a pas d'émargement à saisir."
    if not seance_has_started(seance, now=now):
        return (
            f"La séance du {calendar.seance_when_text(seance)} n'a pas encore eu lieu : "
            "l'émargement se saisit une fois la séance passée."
        )
    return ""


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------


def check_sheet(uploaded) -> tuple[bytes, str]:
    """Read a scanned signed sheet: PDF, JPEG or PNG by content, else ValidationError (French).

    Returns the bytes and the file extension to store it with."""
    shown = display_name(uploaded.name)
    if uploaded.size > MAX_FILE_SIZE:
        raise ValidationError(
            f"Le fichier « {shown} » pèse {format_mo(uploaded.size)} : la limite est de 10 Mo par fichier."
        )
    mime = detect_type(uploaded)
    if mime not in SHEET_TYPES:
        seen = {DOCX: "DOCX", ODT: "ODT"}.get(mime) or describe_content(uploaded)
        raise ValidationError(f"Le fichier « {shown} » n'est pas un PDF, JPEG ou PNG (contenu reconnu : {seen}).")
    refusal = content_refusal(uploaded, mime, shown)
    if refusal is not None:
        raise refusal
    uploaded.seek(0)
    return uploaded.read(), SHEET_TYPES[mime]


def attendance_record(*, seance: Seance, user, presents, sheet: tuple[bytes, str] | None = None) -> Emargement:
    """Record who attended (members of the group only) and, optionally, the signed sheet.

    Side effects: creates or updates the séance's `Emargement` (history kept),
    stores the sheet under `emargements/`, and sets the séance « réalisée »
    if it was « convoquée » or « validée »; after commit, the present conseillers not invited yet are
    invited to give feedback (seances.services.feedback). Refuses (Refused) before the séance.
    """
    if not user.has_perm("seances.record_seance", seance):
        raise Refused(NOT_RECORDER)
    with transaction.atomic():
        seance = Seance.objects.select_for_update().select_related("groupe__antenne", "programme").get(pk=seance.pk)
        refusal = attendance_refusal(seance)
        if refusal:
            raise Refused(refusal)
        member_ids = set(seance.groupe.membres.values_list("pk", flat=True))
        outsiders = [p for p in presents if p.pk not in member_ids]
        if outsiders:
            raise Refused("Seuls les membres du groupe peuvent être notés présents.")
        emargement = Emargement.objects.filter(seance=seance).first() or Emargement(seance=seance)
        emargement.recorded_by = user
        emargement._history_user = user
        if sheet is not None:
            data, extension = sheet
            name = f"emargement-{seance.date:%Y-%m-%d}-seance-{seance.pk}.{extension}"
            emargement.feuille_signee.save(name, ContentFile(data), save=False)
        emargement.save()
        emargement.presents.set(presents)
        if seance.status in (Seance.Status.CONVOQUEE, Seance.Status.VALIDEE):
            try:
                seance_set_state(seance=seance, status=Seance.Status.REALISEE, by=user, motif="Émargement saisi")
            except Refused as refusal:  # e.g. a date on a weekend: nothing is recorded
                raise Refused(str(refusal)) from refusal
        if seance.status == Seance.Status.REALISEE:
            # each present conseiller is invited to give feedback, once (issue 20)
            transaction.on_commit(lambda: queue_feedback_invitations(seance.pk))
    return emargement
