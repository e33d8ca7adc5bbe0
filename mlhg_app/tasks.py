from celery import shared_task

from mlhg_app import services
from mlhg_app.models import User


@shared_task
def ping() -> str:
    """A round trip through the broker, for health checks and tests."""
    return "pong"


@shared_task
def send_welcome(*, user_id: int) -> bool:
    """Send a new account its invitation email (once, however often queued)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return services.user_welcome_send(user=user)


@shared_task
def purge_expired() -> dict:
    """RGPD: delete what is past its retention period (mlhg_app/retention.py); safe to run twice."""
    from django.utils import timezone

    from mlhg_app import retention

    return retention.purge_expired(now=timezone.now())


@shared_task
def requeue_pending_jobs() -> int:
    """Every 5 minutes: queue again the jobs a page could not hand to Redis (mlhg_app/jobs.py)."""
    from mlhg_app import jobs

    return jobs.requeue_pending()


@shared_task(acks_late=True)
def run_export(*, export_id: int) -> str:
    """A slow export (report, archive) rendered into its stored file (mlhg_app/exports.py)."""
    from mlhg_app import exports

    return exports.export_run(export_id=export_id)
