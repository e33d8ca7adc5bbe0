"""The anonymous compte rendu of a séance, and its reminder.

Comptes rendus are the prestataire's alone: only the bilan's aggregates use them.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused
from seances import calendar
from seances.anonymisation import identifying_terms, names_for_filter, refusal_message
from seances.models import CompteRendu, Seance
from seances.selectors import COMPTE_RENDU_DELAY_DAYS, REPORT_STATUSES
from seances.services.attendance import NOT_RECORDER, seance_has_started

REMINDER_DELAY_DAYS = COMPTE_RENDU_DELAY_DAYS  # the staff's home counts the same late séances
REMINDER_CATCH_UP_DAYS = 30
REMINDER_KIND = "seance.compte_rendu_rappel"
REMINDER_OCCURRENCE = "compte-rendu-j+2"


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
