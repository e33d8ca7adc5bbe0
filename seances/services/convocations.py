"""Convocations and calendars: invitations (.ics), updates, cancellations and reminders by email.

Every email goes through `message_send`, whose log (kind, séance, recipient,
occurrence) makes each function safe to run twice: an invitation is sent once
per SEQUENCE (`occurrence="seq{n}"`), a reminder once per `J-7` / `J-1`.
Each email is sent in its own transaction, so a failure half-way is retried
without sending the others twice.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mlhg_app.messaging import message_send
from mlhg_app.models import OutgoingMessage, User
from seances import calendar, selectors
from seances.models import IntervenantProgramme, Seance
from seances.services.state import actor_text, seance_set_state

KIND_CONVOCATION = "seance.convocation"
KIND_MODIFICATION = "seance.modification"
KIND_ANNULATION = "seance.annulation"
KIND_RAPPEL = "seance.rappel"
REMINDERS = {"J-7": 7, "J-1": 1}


def _load(seance, *, lock: bool = False) -> Seance:
    qs = Seance.objects.select_related("groupe__antenne", "programme", "intervenant", "fenetre")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=seance.pk)


def _context(seance) -> dict:
    antenne = seance.groupe.antenne
    return {
        "seance": seance,
        "quand": calendar.seance_when_text(seance),
        "date": calendar.date_text(seance.date),
        "heure": calendar.time_text(seance.heure_debut),
        "fin": calendar.time_text(calendar.seance_end(seance).time()),
        "duree": calendar.duration_text(seance.programme.duree_minutes),
        "groupe": str(seance.groupe),
        "site": antenne.nom,
        "adresse": calendar.antenne_address(antenne),
        "intervenant": calendar.intervenant_name(seance),
        "my_seances_url": calendar.my_seances_url(),
    }


def _send_all(
    seance,
    *,
    kind: str,
    template: str,
    subject: str,
    occurrence: str,
    method: str | None,
    extra=None,
    context: dict | None = None,
) -> int:
    """One email per attendee (members and intervenant), with the .ics when a method is given."""
    ctx = {**_context(seance), **(context or {})}
    attachments = None
    if method:
        filename = "annulation.ics" if method == "CANCEL" else "invitation.ics"
        attachments = [(filename, calendar.seance_ics(seance, method), f"text/calendar; method={method}")]
    recipients = calendar.seance_attendees(seance) + list(extra or [])
    sent = 0
    for email, name, role in recipients:
        sent += message_send(
            kind=kind,
            recipient=email,
            subject=subject,
            template=template,
            context={**ctx, "nom": name, "est_intervenant": role == "CHAIR"},
            obj=seance,
            occurrence=occurrence,
            attachments=attachments,
        )
    return sent


def _convoked_before(seance) -> bool:
    """Its convocations left at a lower SEQUENCE: it moved since, and the update is not a new convocation."""
    sent = OutgoingMessage.objects.filter(
        kind=KIND_CONVOCATION, object_type="seances.seance", object_id=str(seance.pk), occurrence__startswith="seq"
    )
    return sent.exists() and not sent.filter(occurrence=f"seq{seance.sequence}").exists()


def seance_convoke(*, seance) -> int:
    """Email each member and the intervenant an .ics invitation (METHOD:REQUEST); status → convoquée.

    Side effects: a validated séance becomes « convoquée » (`seance_set_state`,
    so its history records it); one email per attendee, kind
    `seance.convocation`, occurrence `seq{n}`. A séance neither validated nor
    convoked is left alone. Returns the number of emails sent now (0 if
    already sent: outgoing-message log)."""
    with transaction.atomic():
        seance = _load(seance, lock=True)
        if seance.status == Seance.Status.VALIDEE:
            seance_set_state(seance=seance, status=Seance.Status.CONVOQUEE, motif="Convocations envoyées")
        elif seance.status != Seance.Status.CONVOQUEE:
            return 0
        elif _convoked_before(seance):
            return 0  # moved since its convocation: « Séance déplacée » told them (seance_notify_change)
    return _send_all(
        seance,
        kind=KIND_CONVOCATION,
        template="seance_convocation",
        subject=f"Convocation : analyse de pratiques professionnelles le {calendar.seance_when_text(seance)}",
        occurrence=f"seq{seance.sequence}",
        method="REQUEST",
    )


def _former_intervenants(seance) -> list[tuple[str, str, str]]:
    """The intervenants this séance had before (from its history), who must be told it is no longer theirs."""
    ids = set(seance.history.values_list("intervenant_id", flat=True)) - {seance.intervenant_id}
    current = seance.intervenant.email.strip().lower()
    out = []
    for former in IntervenantProgramme.objects.filter(pk__in=ids):
        email = former.email.strip().lower()
        if email and email != current:
            out.append((email, f"{former.prenom} {former.nom}", "CHAIR"))
    return out


def seance_notify_change(*, seance, ancienne_date: str = "", ancienne_heure: str = "", par: str = "") -> int:
    """After a convoked séance moved (sequence already incremented): « Séance déplacée » to everyone
    invited, with the old and the new times, who moved it, and the .ics (METHOD:REQUEST, same UID,
    the higher SEQUENCE) that updates their calendar.

    Side effects: one email per attendee (kind `seance.modification`, occurrence `seq{n}`); a former
    intervenant gets the cancellation (kind `seance.annulation`, METHOD:CANCEL, the same higher
    SEQUENCE). Nothing for a séance no longer convoked. Returns the number of emails sent now."""
    seance = _load(seance)
    if seance.status != Seance.Status.CONVOQUEE:
        return 0
    ancien = ""
    if ancienne_date and ancienne_heure:
        ancien = (
            f"{calendar.date_text(datetime.date.fromisoformat(ancienne_date))} à "
            f"{calendar.time_text(datetime.time.fromisoformat(ancienne_heure))}"
        )
    occurrence = f"seq{seance.sequence}"
    extra = {"ancien_quand": ancien, "par": par}
    sent = _send_all(
        seance,
        kind=KIND_MODIFICATION,
        template="seance_deplacee",
        subject=f"Séance déplacée : analyse de pratiques professionnelles le {calendar.seance_when_text(seance)}",
        occurrence=occurrence,
        method="REQUEST",
        context=extra,
    )
    for email, name, _role in _former_intervenants(seance):
        sent += message_send(
            kind=KIND_ANNULATION,
            recipient=email,
            subject=f"Séance retirée : analyse de pratiques professionnelles du {calendar.date_text(seance.date)}",
            template="seance_annulation",
            context={**_context(seance), **extra, "nom": name, "est_intervenant": True, "retiree": True},
            obj=seance,
            occurrence=occurrence,
            attachments=[("annulation.ics", calendar.seance_ics(seance, "CANCEL"), "text/calendar; method=CANCEL")],
        )
    return sent


def seance_notify_cancel(*, seance) -> int:
    """A convoked séance is cancelled: send METHOD:CANCEL to everyone concerned.

    Side effects: one email per attendee (and former intervenant), kind
    `seance.annulation`, occurrence `seq{n}`, with the .ics (METHOD:CANCEL,
    STATUS:CANCELLED). Returns the number of emails sent now."""
    seance = _load(seance)
    last = seance.history.filter(status=Seance.Status.ANNULEE).select_related("history_user").first()
    by = last.history_user if last is not None else None
    return _send_all(
        seance,
        context={"par": actor_text(by) if by is not None else ""},
        kind=KIND_ANNULATION,
        template="seance_annulation",
        subject=f"Séance annulée : analyse de pratiques professionnelles du {calendar.seance_when_text(seance)}",
        occurrence=f"seq{seance.sequence}",
        method="CANCEL",
        extra=_former_intervenants(seance),
    )


def member_moved(*, groupe_id: int, user_id: int, joined: bool) -> int:
    """A conseiller joined or left a group: for each of the group's convoked séances still to come, the
    invitation (METHOD:REQUEST) or its withdrawal (METHOD:CANCEL), to that person only, once.

    Each of these messages raises the séance's SEQUENCE by one first, so that a withdrawal comes after
    the invitation it withdraws (RFC 5546 §3.2.5) and an invitation after a former withdrawal; the
    others' next update is higher still. Safe to run twice: a message already sent at the séance's
    current SEQUENCE is not sent (nor the SEQUENCE raised) again."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    seance_ids = Seance.objects.filter(
        groupe_id=groupe_id, status=Seance.Status.CONVOQUEE, date__gte=timezone.localdate()
    ).values_list("pk", flat=True)
    name = user.get_full_name() or user.email
    kind = KIND_CONVOCATION if joined else KIND_ANNULATION
    method = "REQUEST" if joined else "CANCEL"
    prefix = f"{'ajout' if joined else 'retrait'}-{user.pk}"
    sent = 0
    for seance_id in list(seance_ids):
        with transaction.atomic():
            seance = _load(Seance(pk=seance_id), lock=True)
            done = OutgoingMessage.objects.filter(
                kind=kind,
                object_type="seances.seance",
                object_id=str(seance.pk),
                recipient=user.email.strip().lower(),
                occurrence=f"{prefix}-seq{seance.sequence}",
            ).exists()
            if done or seance.status != Seance.Status.CONVOQUEE:
                continue
            Seance.objects.filter(pk=seance.pk).update(sequence=F("sequence") + 1)
            seance.sequence += 1
            sent += message_send(
                kind=kind,
                recipient=user.email,
                subject=(
                    f"Convocation : analyse de pratiques professionnelles le {calendar.seance_when_text(seance)}"
                    if joined
                    else f"Vous ne faites plus partie du groupe : séance du {calendar.seance_when_text(seance)}"
                ),
                template="seance_convocation" if joined else "seance_annulation",
                context={**_context(seance), "nom": name, "est_intervenant": False, "membre_retire": not joined},
                obj=seance,
                occurrence=f"{prefix}-seq{seance.sequence}",
                attachments=[
                    ("invitation.ics" if joined else "annulation.ics", calendar.seance_ics(seance, method),
                     f"text/calendar; method={method}")
                ],
            )  # fmt: skip
    return sent


def seance_remind(*, seance_id: int, occurrence: str) -> int:
    """Remind each member and the intervenant of a convoked séance, 7 days (`J-7`) and 1 day (`J-1`) before.

    Sends only if the séance is still convoked and still that many days
    ahead; once per recipient and occurrence (outgoing-message log).
    Returns the number of emails sent now."""
    days = REMINDERS.get(occurrence)
    seance = (
        Seance.objects.select_related("groupe__antenne", "programme", "intervenant", "fenetre")
        .filter(pk=seance_id, status=Seance.Status.CONVOQUEE)
        .first()
    )
    if days is None or seance is None or (seance.date - timezone.localdate()).days != days:
        return 0
    when = "demain" if days == 1 else f"dans {days} jours"
    return _send_all(
        seance,
        kind=KIND_RAPPEL,
        template="seance_rappel",
        subject=f"Rappel : analyse de pratiques professionnelles {when}, le {calendar.seance_when_text(seance)}",
        occurrence=occurrence,
        method=None,
        context={"quand_relatif": when, "occurrence": occurrence},
    )


def seances_to_remind(*, today=None) -> list[tuple[int, str]]:
    """(séance id, occurrence) of the convoked séances exactly 7 days and 1 day ahead."""
    today = today or timezone.localdate()
    out = []
    for occurrence, days in REMINDERS.items():
        target = today + datetime.timedelta(days=days)
        out.extend((pk, occurrence) for pk in selectors.seances_convoked_on(target))
    return out
