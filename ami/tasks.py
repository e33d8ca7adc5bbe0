"""Jobs of the AMI: receipts and reminders. Thin, keyword ids, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from ami import services
from ami.models import AMI, Dossier, DossierVersion


@shared_task
def send_receipt(*, version_id: int) -> int:
    version = (
        DossierVersion.objects.select_related("dossier__ami", "dossier__prestataire").filter(pk=version_id).first()
    )
    if version is None:
        return 0
    return services.submission.receipt_send(version=version)


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
