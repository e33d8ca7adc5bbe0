"""After the séance: the attendance sheet, the attendance record, the anonymous compte rendu, its reminder.

Named attendance is billing proof: the prestataire's side (its accounts, the
séance's intervenant) and MLHG staff only, never the responsable. Comptes
rendus are the prestataire's alone: only the bilan's aggregates use them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused
from mlhg_app.rules import is_intervenant
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
from seances.anonymisation import identifying_terms, names_for_filter, refusal_message
from seances.models import CompteRendu, Emargement, Seance
from seances.services.state import seance_set_state

NOT_RECORDER = "Seuls l'intervenant de la séance et le prestataire du programme l'enregistrent."


# A signed sheet may be a scan (PDF) or a photo (JPEG, PNG).
SHEET_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}  # MIME type → extension
ATTENDANCE_STATUSES = (Seance.Status.VALIDEE, Seance.Status.CONVOQUEE, Seance.Status.REALISEE)
REPORT_STATUSES = (Seance.Status.CONVOQUEE, Seance.Status.REALISEE)
REMINDER_DELAY_DAYS = 2
REMINDER_CATCH_UP_DAYS = 30
REMINDER_KIND = "seance.compte_rendu_rappel"
REMINDER_OCCURRENCE = "compte-rendu-j+2"

# ---------------------------------------------------------------------------
# Reads: who reaches which séance (others answer 404)
# ---------------------------------------------------------------------------


def _base():
    return Seance.objects.select_related("groupe__antenne", "programme__prestataire", "intervenant__user", "fenetre")


def seances_past_for_intervenant(user, *, today=None):
    """An intervenant's séances of today and before (not cancelled), most recent first, with what is recorded."""
    today = today or timezone.localdate()
    if not is_intervenant(user):
        return Seance.objects.none()
    return (
        _base()
        .filter(intervenant__user=user)
        .filter(date__lte=today, status__in=ATTENDANCE_STATUSES)
        .annotate(
            a_emargement=Exists(Emargement.objects.filter(seance=OuterRef("pk"))),
            a_compte_rendu=Exists(CompteRendu.objects.filter(seance=OuterRef("pk"))),
        )
        .order_by("-date", "-heure_debut")[:30]
    )


def group_members(seance):
    """The group's active members, by name."""
    return seance.groupe.membres.filter(is_active=True).order_by("last_name", "first_name", "email")


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


def compte_rendu_refusal(seance, *, now=None) -> str:
    """Why no compte rendu can be written now ("" when it can): the séance must have been held."""
    if seance.status not in REPORT_STATUSES:
        return (
            f"Cette séance est « {seance.get_status_display().lower()} » : "
            "un compte rendu se rédige pour une séance tenue."
        )
    if not seance_has_started(seance, now=now):
        return (
            f"La séance du {calendar.seance_when_text(seance)} n'a pas encore eu lieu : "
            "le compte rendu se rédige après la séance."
        )
    return ""


# ---------------------------------------------------------------------------
# The attendance sheet (PDF)
# ---------------------------------------------------------------------------


def attendance_sheet_context(seance) -> dict:
    return {
        "seance": seance,
        "membres": list(group_members(seance)),
        "date": calendar.date_text(seance.date),
        "horaire": f"{calendar.time_text(seance.heure_debut)} – {calendar.time_text(calendar.seance_end(seance).time())}",
        "site": seance.groupe.antenne.nom,
        "adresse": calendar.antenne_address(seance.groupe.antenne),
        "groupe": str(seance.groupe),
        "intervenant": calendar.intervenant_name(seance),
        "prestataire": seance.programme.prestataire,
        "lignes_vides": range(3),
    }


def attendance_sheet_pdf(seance) -> bytes:
    """The sheet to print and sign: the group's members by name, date, time, site, intervenant. No side effect."""
    from mlhg_app.pdf import render_pdf

    return render_pdf("pdf/emargement.html", attendance_sheet_context(seance))


def attendance_sheet_filename(seance) -> str:
    return f"emargement-{seance.date:%Y-%m-%d}-{seance.groupe.antenne.code}-{seance.groupe.numero}.pdf"


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
    if it was « convoquée » or « validée ». Refuses (Refused) before the séance.
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
    return emargement


def compte_rendu_save(*, seance: Seance, user, tenue: bool, methode: str, themes, observations: str) -> CompteRendu:
    """Write (or rewrite) the séance's anonymous compte rendu.

    Refuses (Refused) a séance not held yet, and observations that name a
    member or an MLHG user, or hold an email address or a phone number.
    Side effect: one `CompteRendu` row per séance (no history: the text never leaves the prestataire).
    """
    if not user.has_perm("seances.record_seance", seance):
        raise Refused(NOT_RECORDER)
    observations = (observations or "").strip()
    with transaction.atomic():
        seance = Seance.objects.select_for_update().select_related("groupe", "programme").get(pk=seance.pk)
        refusal = compte_rendu_refusal(seance)
        if refusal:
            raise Refused(refusal)
        terms = identifying_terms(observations, names_for_filter(seance))
        if terms:
            raise Refused(refusal_message(terms))
        compte_rendu = CompteRendu.objects.filter(seance=seance).first() or CompteRendu(seance=seance)
        compte_rendu.tenue = tenue
        compte_rendu.methode = methode
        compte_rendu.observations = observations
        compte_rendu.written_by = user
        compte_rendu.save()
        compte_rendu.themes.set(themes)
    return compte_rendu


# ---------------------------------------------------------------------------
# The reminder: 2 days after a séance held with no compte rendu, once
# ---------------------------------------------------------------------------


def _reminder_candidates(today):
    last = today - datetime.timedelta(days=REMINDER_DELAY_DAYS)
    first = last - datetime.timedelta(days=REMINDER_CATCH_UP_DAYS)
    return Seance.objects.filter(status__in=REPORT_STATUSES, date__lte=last, date__gte=first, compte_rendu__isnull=True)


def seances_compte_rendu_due(*, today=None) -> list[int]:
    """Ids of the séances held 2 days ago or more (up to 30 days back) still without a compte rendu."""
    return list(_reminder_candidates(today or timezone.localdate()).values_list("pk", flat=True))


def compte_rendu_remind(*, seance_id: int) -> bool:
    """Remind the séance's intervenant to write the compte rendu; once per séance (outgoing-message log).

    Sends nothing if the séance is gone, not held, too recent, or already has its compte rendu.
    Returns True when the email left now.
    """
    seance = (
        _reminder_candidates(timezone.localdate())
        .select_related("groupe__antenne", "programme", "intervenant__user")
        .filter(pk=seance_id)
        .first()
    )
    if seance is None:
        return False
    account = seance.intervenant.user
    recipient = account.email if account is not None and account.is_active else seance.intervenant.email
    if not recipient:
        return False
    path = reverse("seances:compte_rendu", kwargs={"pk": seance.pk})
    return message_send(
        kind=REMINDER_KIND,
        recipient=recipient,
        subject=f"Compte rendu à rédiger – séance du {calendar.date_text(seance.date)} ({seance.groupe})",
        template="compte_rendu_rappel",
        context={
            "nom": calendar.intervenant_name(seance),
            "seance": seance,
            "quand": calendar.seance_when_text(seance),
            "groupe": str(seance.groupe),
            "compte_rendu_url": f"{settings.SITE_URL}{path}",
            "emargement_url": f"{settings.SITE_URL}{reverse('seances:attendance', kwargs={'pk': seance.pk})}",
        },
        obj=seance,
        occurrence=REMINDER_OCCURRENCE,
    )
