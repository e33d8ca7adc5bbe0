"""Convocations and calendars. STUB (to be implemented): the contract below is fixed."""


def seance_convoke(*, seance) -> int:
    """Email each member and the intervenant an .ics invitation (METHOD:REQUEST); status → convoquée.

    Returns the number of emails sent now (0 if already sent: outgoing-message log)."""
    return 0


def seance_notify_change(*, seance) -> int:
    """After a change of date/time/intervenant of a convoked séance (sequence already incremented):
    send the update (.ics with the higher SEQUENCE) to everyone concerned."""
    return 0


def seance_notify_cancel(*, seance) -> int:
    """A convoked séance is cancelled: send METHOD:CANCEL to everyone concerned."""
    return 0
