"""Private calendar feeds (.ics): one per conseiller or intervenant, created on demand, renewed by revoking."""

import secrets

from django.db import transaction
from django.utils import timezone

from seances.models import CalendarFeed
from seances.selectors import feed_kind_for, user_feed


def calendar_feed_create(*, kind: str, user=None, antenne=None) -> CalendarFeed:
    """A new private feed with a secret token (`secrets.token_urlsafe(32)`). Side effect: one row."""
    return CalendarFeed.objects.create(kind=kind, user=user, antenne=antenne, token=secrets.token_urlsafe(32))


def user_feed_get_or_create(*, user) -> CalendarFeed:
    """The user's active feed, created on first demand. Side effect: at most one new row."""
    with transaction.atomic():
        feed = user_feed(user)
        if feed is None:
            feed = calendar_feed_create(kind=feed_kind_for(user), user=user)
    return feed


def user_feed_renew(*, user) -> CalendarFeed:
    """Revoke the user's feeds (their old addresses answer 404 from now on) and create a new one.

    Side effects: `revoked_at` set on each active feed of the user; one new row."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        return calendar_feed_create(kind=feed_kind_for(user), user=user)
