"""The planning board's state changes: validate, ask for a change, move."""

from django.db import transaction
from django.utils import timezone

from ami.selectors import prestataire_recipients
from mlhg_app.french import day_date
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import messages_send
from mlhg_app.refusals import Refused
from seances.models import Seance
from seances.services.planning import seance_move_check
from seances.services.state import actor_text, seance_set_state

NOT_REFERENT = "Seul le responsable de secteur référent du programme valide ses séances."
NOT_PLANNER = "Seuls le prestataire du programme et la MLHG déplacent ses séances."


def seance_validate(*, seance: Seance, user) -> Seance:
    """The responsable validates a proposed séance; the convocations leave after commit."""
    if not user.has_perm("seances.validate_seance", seance):
        raise Refused(NOT_REFERENT)
    with transaction.atomic():
        seance = Seance.objects.select_for_update().get(pk=seance.pk)
        if seance.status != Seance.Status.PROPOSEE:
            raise Refused("Seule une séance proposée peut être validée.")
        seance.demande_modification = ""
        seance_set_state(seance=seance, status=Seance.Status.VALIDEE, by=user)  # convocations on commit
    return seance


def programme_validate_all(*, programme, user) -> int:
    if not user.has_perm("seances.validate_seance", programme):
        raise Refused(NOT_REFERENT)
    count = 0
    for seance in programme.seances.filter(status=Seance.Status.PROPOSEE).order_by("date"):
        seance_validate(seance=seance, user=user)
        count += 1
    return count


def seance_request_change(*, seance: Seance, user, comment: str) -> Seance:
    """The responsable asks the prestataire for a change, with a comment (emailed to the prestataire)."""
    if not user.has_perm("seances.validate_seance", seance):
        raise Refused(NOT_REFERENT)
    comment = comment.strip()
    if not comment:
        raise Refused("Expliquez la modification demandée.")
    if seance.status != Seance.Status.PROPOSEE:
        raise Refused("Une modification se demande sur une séance proposée.")
    seance.demande_modification = comment
    seance.save(update_fields=["demande_modification", "updated_at"])
    messages_send(
        users=prestataire_recipients(seance.programme.prestataire),
        kind="seance.demande_modification",
        subject=f"Demande de modification – séance du {day_date(seance.date)} ({seance.groupe})",
        template="seance_demande_modification",
        context={"seance": seance, "comment": comment, "by": user},
        obj=seance,
        occurrence=timezone.now().strftime("%Y%m%d%H%M%S"),
    )
    return seance


MOVE_RULE = (
    "Une séance déjà convoquée que l’on déplace reste convoquée : le nouvel horaire part aussitôt aux "
    "membres du groupe et à l’intervenant (« Séance déplacée », avec l’ancien et le nouvel horaire, et "
    "l’invitation mise à jour pour leur agenda) ; une séance pas encore convoquée change sans que personne "
    "ne soit prévenu deux fois."
)


def _queue_change(seance_id: int, *, ancienne_date, ancienne_heure, par: str):
    from seances.tasks import notify_seance_change  # late: seances.tasks → services.convocations → state

    enqueue(
        notify_seance_change,
        seance_id=seance_id,
        ancienne_date=ancienne_date.isoformat(),
        ancienne_heure=ancienne_heure.isoformat(timespec="minutes"),
        par=par,
    )


def seance_move(*, seance: Seance, date, heure_debut, intervenant, user) -> Seance:
    """Move a séance (prestataire or staff); the same hard rules as the planner, each refusal named.

    The rule (`MOVE_RULE`, shown on the board): a convoked séance stays convoked, its SEQUENCE grows
    by one and, after commit, everyone invited gets « Séance déplacée » with the old and the new times
    and the updated invitation (same UID); the intervenant who no longer leads it gets the
    cancellation. A proposed or validated séance (not convoked yet) just changes: its convocation,
    when it leaves, carries the new slot. The history names who moved it (`actor_text`). A refused
    move changes nothing and sends nothing.
    The séance's placement becomes « manuelle »: the planner never moves it again unless asked for it.
    """
    if not user.has_perm("seances.plan_programme", seance):
        raise Refused(NOT_PLANNER)
    with transaction.atomic():
        seance = (
            Seance.objects.select_for_update(of=("self",))
            .select_related("programme__responsable", "groupe")
            .get(pk=seance.pk)
        )
        if not user.has_perm("seances.move_seance", seance):
            raise Refused("Cette séance ne peut plus être déplacée.")
        problems = seance_move_check(seance=seance, date=date, heure_debut=heure_debut, intervenant=intervenant)
        if problems:
            raise Refused(" ".join(problems))
        old_date, old_time = seance.date, seance.heure_debut
        if (old_date, old_time, seance.intervenant_id) == (date, heure_debut, intervenant.pk):
            return seance
        par = actor_text(user)
        seance.date, seance.heure_debut, seance.intervenant = date, heure_debut, intervenant
        seance.placement = Seance.Placement.MANUELLE  # the planner keeps a person's move (issue 16)
        convoked = seance.status == Seance.Status.CONVOQUEE
        if convoked:
            seance.sequence += 1
        seance._change_reason = f"Déplacée par {par}"[:100]
        seance._history_user = user
        seance.save()
        if convoked:
            transaction.on_commit(
                lambda: _queue_change(seance.pk, ancienne_date=old_date, ancienne_heure=old_time, par=par)
            )
    return seance
