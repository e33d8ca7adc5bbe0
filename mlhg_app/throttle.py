"""Throttling of the requests that send an email to an address a visitor typed.

Registration, password reset and verification links: without a limit, anyone could
flood an address with our emails (email bombing). Each kind of request is counted
per address (`THROTTLE_PER_ADDRESS`) and per client IP (`THROTTLE_PER_IP`, the same
address django-axes sees: `mlhg_app.client_address.client_ip`, behind the trusted proxies)
over `THROTTLE_WINDOW` (an hour from the first request counted), in Django's cache (see CACHES in settings). Over the limit, the view sends
nothing and shows `REFUSED`, the same whether the address has an account or not.

If the cache is unavailable, the request is let through (logged): a broken cache must
not lock people out of their account.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from mlhg_app.client_address import client_ip

logger = logging.getLogger(__name__)

REFUSED = (
    "Trop de demandes ont été faites pour cette adresse électronique ou depuis votre connexion. "
    "Par sécurité, aucun courriel n'a été envoyé : réessayez dans une heure."
)


def _keys(action: str, email: str, ip: str | None) -> list[tuple[str, int]]:
    keys = []
    if email:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        keys.append((f"throttle:{action}:email:{digest}", settings.THROTTLE_PER_ADDRESS))
    if ip:
        keys.append((f"throttle:{action}:ip:{ip}", settings.THROTTLE_PER_IP))
    return keys


def _count(key: str, timeout: int) -> int:
    """One more request on `key`, atomically (Redis INCR when the cache is shared): the new count."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    return cache.incr(key)


def request_allowed(*, request, action: str, email: str) -> bool:
    """Count one request of `action` for `email` from this client; False when over a limit.

    Counted first, then compared: two requests made at the same moment to two servers get two
    different counts, so they cannot both take the last place. A refused request is uncounted again,
    so the limits reopen an hour after the first one.
    """
    keys = _keys(action, email, client_ip(request))
    timeout = int(settings.THROTTLE_WINDOW.total_seconds())
    try:
        counted = []
        for key, limit in keys:
            count = _count(key, timeout)
            counted.append(key)
            if count > limit:
                for done in counted:
                    cache.decr(done)
                logger.warning("throttle: %s refusé (limite par adresse ou par IP atteinte)", action)
                return False
    except Exception as exc:  # a cache failure never blocks a user (logged)
        logger.error("throttle: cache indisponible (%r) : demande %s acceptée sans limite", exc, action)
    return True
