"""Jobs of the AMI: reminders and the closing of past deadlines. Thin, keyword ids, safe to run twice.

The jobs a service queues sit beside it, so that no service imports this module: `send_receipt`
(ami.services.submission), `send_letter` (ami.services.decision), `notify_rectificatif`
(ami.services.rectificatif), `notify_question` and `notify_question_asked` (ami.services.questions),
`send_for_signature` (ami.services.convention)."""

from celery import shared_task
from django.utils import timezone

from ami import services
from ami.models import AMI, Dossier


@shared_task
def remind_draft_dossiers() -> int:
    """Daily: fan out one reminder per unsubmitted draft, 7 days and 1 day before the deadline."""
    today = timezone.localdate()
    queued = 0
    for ami in AMI.objects.filter(status=AMI.Status.PUBLIE, date_limite__gt=timezone.now()):
        days_left = (timezone.localtime(ami.date_limite).date() - today).days
        occurrence = {7: "J-7", 1: "J-1"}.get(days_left)
        if occurrence is None:
            continue
        for dossier_id in ami.dossiers.filter(status=Dossier.Status.BROUILLON).values_list("pk", flat=True):
            remind_draft_dossier.delay(dossier_id=dossier_id, occurrence=occurrence)
            queued += 1
    return queued


@shared_task
def remind_draft_dossier(*, dossier_id: int, occurrence: str) -> int:
    return services.reminders.dossier_remind(dossier_id=dossier_id, occurrence=occurrence)


@shared_task
def close_past_deadline_amis() -> int:
    """Every minute: a published AMI whose deadline has passed becomes « clos »."""
    return services.eligibility.amis_close_past_deadline()


@shared_task
def remind_evaluators() -> int:
    """Daily after the deadline: every 3 days, one reminder per evaluator with unsubmitted grids."""
    today = timezone.localdate()
    queued = 0
    for ami in AMI.objects.filter(status__in=[AMI.Status.CLOS, AMI.Status.EN_ANALYSE], date_limite__lt=timezone.now()):
        days = (today - timezone.localtime(ami.date_limite).date()).days
        if days <= 0 or days % 3 != 0:
            continue
        for user_id in ami.evaluateurs.filter(is_active=True).values_list("pk", flat=True):
            remind_evaluator.delay(ami_id=ami.pk, user_id=user_id, occurrence=f"J+{days}")
            queued += 1
    return queued


@shared_task
def remind_evaluator(*, ami_id: int, user_id: int, occurrence: str) -> int:
    return services.reminders.evaluator_remind(ami_id=ami_id, user_id=user_id, occurrence=occurrence)
