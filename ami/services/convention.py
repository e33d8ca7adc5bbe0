"""The convention's life: établie → signée, in one table, changed by one function."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from ami.models import Convention
from mlhg_app.refusals import Refused

C = Convention.Status

# The only table of allowed convention transitions: {from: {to, ...}}. « signée » is final.
TRANSITIONS: dict[str, set[str]] = {C.ETABLIE: {C.SIGNEE}}


def convention_set_state(*, convention: Convention, status: str, by=None, now=None) -> bool:
    """Move `convention` to `status`; the only place its state changes. Returns False (and does nothing:
    no history row) when it is already in `status`.

    Refuses (Refused, in French) a transition absent from `TRANSITIONS`, and a signature before
    the standstill period is over (`signable_from`). Side effects: « signée » records when
    (`signed_at`) and the history who (`by`). No email: nothing was sent on a signature before.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        convention.signed_at = locked.signed_at  # the caller's object follows the row
        if locked.status == status:
            return False
        if status not in TRANSITIONS.get(locked.status, set()):
            raise Refused(
                f"La convention est {locked.get_status_display().lower()} : "
                f"elle ne peut pas devenir {C(status).label.lower()}."
            )
        if status == C.SIGNEE and locked.signable_from is not None and now < locked.signable_from:
            when = date_format(timezone.localtime(locked.signable_from), "j F Y à H:i")
            raise Refused(f"La convention ne peut être signée qu'à partir du {when}, à la fin du délai de suspension.")
        locked.signed_at = convention.signed_at = now
        locked._change_reason = f"Statut : {C(status).label}"
        if by is not None:
            locked._history_user = by
        locked.save(update_fields=["signed_at"])
    return True
