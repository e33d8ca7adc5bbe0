"""Jobs of the bilan: notifications and reminders (its PDF export is mlhg_app.tasks.run_export). Thin, keyword ids, safe to run twice.

They call the services that send (notifications, reminders), which never queue a task: the services that
queue these jobs (state, review, reunion) import this module at their top, and no circle forms.
"""

from celery import shared_task
from django.utils import timezone

from bilans.services import notifications, reminders


@shared_task
def notify_remise(*, bilan_id: int, numero: int) -> int:
    return notifications.notify_remise(bilan_id=bilan_id, numero=numero)


@shared_task
def notify_comment(*, commentaire_id: int) -> int:
    return notifications.notify_comment(commentaire_id=commentaire_id)


@shared_task
def notify_validation(*, bilan_id: int) -> int:
    return notifications.notify_validation(bilan_id=bilan_id)


@shared_task
def notify_reunion(*, bilan_id: int, sequence: int) -> int:
    return notifications.notify_reunion(bilan_id=bilan_id, sequence=sequence)


@shared_task
def remind_bilans() -> int:
    """Daily: one reminder task per programme whose bilan is due in 30 or 7 days, or late (weekly)."""
    due = reminders.reminders_due(timezone.localdate())
    for programme_id, occurrence in due:
        remind_bilan.delay(programme_id=programme_id, occurrence=occurrence)
    return len(due)


@shared_task
def remind_bilan(*, programme_id: int, occurrence: str) -> int:
    return reminders.bilan_remind(programme_id=programme_id, occurrence=occurrence)
