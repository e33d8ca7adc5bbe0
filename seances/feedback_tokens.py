"""The feedback links' tokens (issue 20): computed from (person, séance) with the platform's secret, never stored.

The database keeps only a token's SHA-256, on an `AvisInvitation` without the person
(seances/services/feedback.py)."""

import hashlib
import hmac

from django.utils.crypto import salted_hmac


def feedback_token(user, seance) -> str:
    """The person's token for the séance: only the platform's secret computes it, so it cannot be forged."""
    return salted_hmac("seances.feedback", f"{user.pk}:{seance.pk}:{seance.uid}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def is_addressee(user, token: str, seance) -> bool:
    """The link was made for this person (constant-time comparison of the recomputed token)."""
    return bool(
        seance is not None
        and getattr(user, "pk", None)
        and hmac.compare_digest(feedback_token(user, seance), token or "")
    )
