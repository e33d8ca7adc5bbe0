"""Participant feedback, anonymous by construction (issue 20): the invitations after a séance held, and the answer.

Who may answer is never stored beside what was answered:

- each present conseiller's link carries a token the platform computes from (person, séance) with its secret
  (`feedback_token`); the database keeps only an `AvisInvitation` with the token's SHA-256, the séance and
  its expiry, never the person;
- answering writes an `Avis` (programme, site, window and the answers; no person, no séance, no time) and
  deletes the invitation in the same transaction: a replayed link finds no invitation, a forged one never
  matched any, a second answer is impossible; nothing is stored when it is refused;
- the programme's answers are then re-written in a random order (their keys are random UUIDs): neither the
  order of the rows nor their transaction numbers say who answered last;
- whom the platform invited is the outgoing-message log's (one email per person and séance), so a person is
  invited once even when the attendance sheet is corrected later.
"""

import datetime
import secrets

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.models import OutgoingMessage
from mlhg_app.refusals import Refused
from seances import calendar
from seances.anonymisation import identifying_terms, names_for_filter
from seances.feedback_tokens import feedback_token, is_addressee, token_hash
from seances.models import Avis, AvisInvitation, Emargement, Programme, Seance

INVITATION_KIND = "seances.avis_invitation"
QUESTIONS = (
    ("libre", "Je me suis senti·e libre de parler"),
    ("pratique", "La séance m'aide dans ma pratique"),
    ("recul", "La séance m'a aidé·e à prendre du recul"),
)
SCALE = range(1, 6)

INVALID_LINK = (
    "Ce lien d'avis n'est pas valide ou a déjà servi : chaque participant donne son avis une seule fois par "
    "séance. Rien n'a été enregistré."
)
NOT_YOURS = "Ce lien d'avis ne vous est pas destiné : il est personnel. Rien n'a été enregistré."
EXPIRED = "Ce lien d'avis a expiré le {date} : les avis se donnent dans les {days} jours qui suivent la séance."
BAD_SCORE = "Répondez à chaque question par une note de 1 à 5."


def feedback_expiry(seance) -> datetime.date:
    return seance.date + datetime.timedelta(days=settings.FEEDBACK_DAYS)


def feedback_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('seances:feedback', kwargs={'token': token})}"


# ---------------------------------------------------------------------------
# The invitations, after the séance is held
# ---------------------------------------------------------------------------


def feedback_invite(*, seance: Seance) -> int:
    """Invite each present conseiller of a séance held to give feedback, once per person and séance.

    Side effects, per present conseiller not invited yet (the outgoing-message log knows whom) and while the
    link is valid: one `AvisInvitation` (token hash, no person) and one email with the link, in one
    transaction. Returns how many were invited now."""
    seance = Seance.objects.select_related("groupe__antenne", "programme", "intervenant").get(pk=seance.pk)
    expiry = feedback_expiry(seance)
    if seance.status != Seance.Status.REALISEE or expiry < timezone.localdate():
        return 0
    emargement = Emargement.objects.filter(seance=seance).first()
    if emargement is None:
        return 0
    presents = list(emargement.presents.filter(is_active=True, role="conseiller").exclude(email=""))
    invited = set(
        OutgoingMessage.objects.filter(
            kind=INVITATION_KIND, object_type=seance._meta.label_lower, object_id=str(seance.pk)
        ).values_list("recipient", flat=True)
    )
    count = 0
    for person in presents:
        if person.email.strip().lower() in invited:
            continue
        token = feedback_token(person, seance)
        with transaction.atomic():
            AvisInvitation.objects.get_or_create(
                token_hash=token_hash(token), defaults={"seance": seance, "expire_le": expiry}
            )
            count += message_send(
                kind=INVITATION_KIND,
                recipient=person.email,
                subject=f"Votre avis sur la séance du {calendar.date_text(seance.date)} (anonyme, 1 minute)",
                template="avis_invitation",
                context={
                    "user": person,
                    "quand": calendar.seance_when_text(seance),
                    "avis_url": feedback_url(token),
                    "expire_le": calendar.date_text(expiry),
                    "questions": [label for _key, label in QUESTIONS],
                },
                obj=seance,
            )
    return count


@shared_task(name="seances.tasks.invite_feedback")
def invite_feedback(*, seance_id: int) -> int:
    """Queued on commit once a séance's attendance is recorded: its feedback invitations (safe to run twice)."""
    seance = Seance.objects.filter(pk=seance_id).first()
    if seance is None:
        return 0
    return feedback_invite(seance=seance)


def queue_feedback_invitations(seance_id: int) -> None:
    enqueue(invite_feedback, seance_id=seance_id)


# ---------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------


def feedback_remark_refusal(remarque: str, seance) -> str:
    """Why the optional remark cannot be kept ("" when it is anonymous): the name filter of the comptes rendus."""
    terms = identifying_terms(remarque, names_for_filter(seance))
    if not terms:
        return ""
    quoted = ", ".join(f"« {term} »" for term in terms)
    return f"Votre remarque contient des éléments identifiants : {quoted}. Retirez-les : les avis sont anonymes."


def _reshuffle(programme_id: int) -> None:
    """Re-write the programme's answers in a random order: the rows' physical order and transaction numbers
    then follow no one's moment of answering (their random keys are kept)."""
    rows = list(Avis.objects.filter(programme_id=programme_id))
    secrets.SystemRandom().shuffle(rows)
    Avis.objects.filter(programme_id=programme_id).delete()
    Avis.objects.bulk_create(rows)


def feedback_answer(*, user, token: str, libre: int, pratique: int, recul: int, remarque: str = "") -> None:
    """Record one anonymous answer for the séance of the link, and make the link unusable.

    Refuses (Refused, nothing stored) a forged, used or expired link, someone else's link, a score outside
    1–5 and a remark that names a person or holds an email address or a phone number. Side effects: one `Avis`
    (programme, site, window, answers; no person, séance or time), the invitation deleted, the programme's
    answers re-written in a random order; all in one transaction."""
    remarque = (remarque or "").strip()
    scores = {"libre": libre, "pratique": pratique, "recul": recul}
    with transaction.atomic():
        invitation = (
            AvisInvitation.objects.select_for_update()
            .select_related("seance__groupe__antenne", "seance__programme", "seance__fenetre")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None:
            raise Refused(INVALID_LINK)
        if not is_addressee(user, token, invitation.seance):
            raise Refused(NOT_YOURS)
        if invitation.expire_le < timezone.localdate():
            raise Refused(EXPIRED.format(date=calendar.date_text(invitation.expire_le), days=settings.FEEDBACK_DAYS))
        for key, value in scores.items():
            if value not in SCALE:
                raise Refused(BAD_SCORE, field=key)
        seance = invitation.seance
        refusal = feedback_remark_refusal(remarque, seance)
        if refusal:
            raise Refused(refusal, field="remarque")
        # One answer per programme at a time: the re-writing below reads them all.
        Programme.objects.select_for_update().filter(pk=seance.programme_id).first()
        Avis.objects.create(
            programme_id=seance.programme_id,
            antenne_id=seance.groupe.antenne_id,
            fenetre_id=seance.fenetre_id,
            remarque=remarque,
            **scores,
        )
        invitation.delete()
        _reshuffle(seance.programme_id)
