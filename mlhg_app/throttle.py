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


def request_allowed(*, request, action: str, email: str) -> bool:
    """Count one request of `action` for `email` from this client; False when over a limit.

    A refused request is not counted, so the limits reopen an hour after the first one.
    """
    keys = _keys(action, email, client_ip(request))
    timeout = int(settings.THROTTLE_WINDOW.total_seconds())
    try:
        counts = cache.get_many([key for key, _limit in keys])
        if any(counts.get(key, 0) >= limit for key, limit in keys):
            logger.warning("throttle: %s refusé (limite par adresse ou par IP atteinte)", action)
            return False
        for key, _limit in keys:
            if not cache.add(key, 1, timeout=timeout):
                cache.incr(key)
    except Exception as exc:  # a cache failure never blocks a user (logged)
        logger.error("throttle: cache indisponible (%r) : demande %s acceptée sans limite", exc, action)
    return True
