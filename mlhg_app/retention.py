"""RGPD retention: what is deleted when its retention period is over.

The periods are settings (`RETENTION_*` in mlhg_app/settings.py). The Celery beat task
`mlhg_app.tasks.purge_expired` (daily, mlhg_app/celery.py) calls every registered
purger and logs what each deleted, and why: counts, never content.

Contract of a purger, registered by its app (in `AppConfig.ready`, or a module
imported there), since `mlhg_app` never imports the other apps:

    from mlhg_app import retention
    retention.register("ami.dossiers_non_retenus", purge_func, reason="…")

- `purge_func(now) -> dict[str, int]`: deletes what is past its retention period
  at `now` (an aware datetime; tests pass their own) and returns counts by kind of
  thing deleted, e.g. `{"dossiers": 2, "fichiers": 5}` (zeros included).
- It is idempotent: a second call with the same `now` deletes nothing more.
- It deletes rows in one transaction, with their django-simple-history records
  (the history would otherwise keep the content), and removes their files from
  storage only after the commit (`delete_files_on_commit`): a failure leaves the
  data as it was, never a row without its file.
- It never raises for one bad object: it logs it and goes on.
- `reason` (optional) is one French sentence, or `func(now) -> str` to name the
  period in force, logged with the counts: which rule and which period applied.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

logger = logging.getLogger(__name__)

Purger = Callable[[datetime.datetime], dict[str, int]]


@dataclass(frozen=True)
class Registered:
    name: str
    func: Purger
    reason: str | Callable[[datetime.datetime], str] = ""

    def reason_at(self, now: datetime.datetime) -> str:
        return self.reason(now) if callable(self.reason) else self.reason


_purgers: dict[str, Registered] = {}


def register(name: str, func: Purger, *, reason: str | Callable[[datetime.datetime], str] = "") -> None:
    """Add (or replace) the purger `name`."""
    _purgers[name] = Registered(name=name, func=func, reason=reason)


def registered() -> list[Registered]:
    return list(_purgers.values())


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same moment `years` years earlier (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def delete_files_on_commit(names: list[str]) -> None:
    """Remove these stored files once the current transaction commits."""
    names = [name for name in names if name]

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except Exception as exc:  # the disk's OSError, a bucket's botocore errors: logged, the others go on
                logger.error("purge: fichier %s non supprimé : %r", name, exc)

    transaction.on_commit(remove)


def delete_with_files(queryset, file_field: str = "fichier") -> tuple[int, int]:
    """Delete the rows of `queryset`, and their stored files once the transaction commits (inside the
    caller's transaction, or one of its own): (rows, files)."""
    with transaction.atomic():
        files = [name for name in queryset.values_list(file_field, flat=True) if name]
        count = queryset.count()
        queryset.delete()
        delete_files_on_commit(files)
    return count, len(files)


def register_short_lived(name: str, model, date_field: str, *, kind: str, what: str) -> None:
    """Register the purger `name` of rows kept for a short while (an export, an HR file to import): those of
    `model` whose `date_field` is older than RETENTION_EXPORT_DAYS days go, with their stored `fichier`
    (after commit). It counts `{kind: rows, "fichiers": files}`; its reason reads « <what> de plus de N jours »."""

    def purge(now: datetime.datetime) -> dict[str, int]:
        cutoff = now - datetime.timedelta(days=settings.RETENTION_EXPORT_DAYS)
        count, files = delete_with_files(model.objects.filter(**{f"{date_field}__lt": cutoff}))
        return {kind: count, "fichiers": files}

    register(name, purge, reason=lambda now: f"{what} de plus de {settings.RETENTION_EXPORT_DAYS} jours")


def delete_history(model, ids) -> int:
    """Delete the django-simple-history records of these objects of `model`."""
    history = getattr(model, "history", None)
    if history is None or not ids:
        return 0
    deleted, _ = history.model.objects.filter(**{f"{model._meta.pk.attname}__in": list(ids)}).delete()
    return deleted


def purge_expired(*, now: datetime.datetime) -> dict[str, dict[str, int]]:
    """Run every registered purger at `now`; returns and logs their counts."""
    results = {}
    for item in registered():
        try:
            counts = item.func(now)
        except Exception:  # one failing purger must not stop the others
            logger.exception("purge %s : échec, rien de supprimé par cette règle", item.name)
            continue
        results[item.name] = counts
        reason = item.reason_at(now)
        logger.info(
            "purge %s : %s%s",
            item.name,
            ", ".join(f"{kind} supprimés : {count}" for kind, count in counts.items()) or "rien",
            f" ({reason})" if reason else "",
        )
    return results
