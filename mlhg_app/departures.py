"""What a person leaves when their account is deactivated, in the apps that come after the foundation.

`mlhg_app` never imports the later apps: an app that holds memberships (seances: the APP groups)
registers, in its `AppConfig.ready`, a function that takes the person out of them:

    from mlhg_app import departures
    departures.register("seances.groupes", leave_groups)

- `leave(user) -> list[str]` runs inside the deactivation's transaction and returns, in French, what
  the person left (« Antenne Muretain – groupe 1 (Programme 2026-2027) »), shown to staff.
"""

from collections.abc import Callable

Leave = Callable[[object], list[str]]

_leaves: dict[str, Leave] = {}


def register(name: str, leave: Leave) -> None:
    """Add (or replace) the departure `name`."""
    _leaves[name] = leave


def leave_all(user) -> list[str]:
    """Take `user` out of everything the apps registered; what they left, in French."""
    left = []
    for leave in _leaves.values():
        left.extend(leave(user))
    return left
