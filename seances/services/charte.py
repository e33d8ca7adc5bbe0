"""The groups' confidentiality charter: a conseiller accepts it for each programme of their groups."""

from django.db import transaction

from seances.models import CharteAcceptation
from seances.selectors import charte_pending_programmes


def charte_accept(*, user) -> int:
    """The conseiller accepts the confidentiality charter of each programme where they are a member.

    Side effects: one `CharteAcceptation(user, programme)` per programme not
    yet accepted (idempotent). Returns how many were created."""
    created = 0
    with transaction.atomic():
        for programme in charte_pending_programmes(user):
            _obj, new = CharteAcceptation.objects.get_or_create(user=user, programme=programme)
            created += new
    return created
