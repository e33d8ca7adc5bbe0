"""What each role has to do now: the « À faire » list of the home page.

`mlhg_app` never imports the later apps, so each app registers its providers in its
`AppConfig.ready` (like `retention.register` and `personal_data.register`):

    from mlhg_app import todo
    todo.register("staff", ami.selectors.todo_staff)

Contract of a provider, `provider(user, now) -> Iterable[Item | Upcoming]`:

- it lives in its app's `selectors.py` and counts only what the user may see, through the
  selectors that carry the rules (`dossiers_readable_by`, `seances_visible_to`…): a count never
  includes another owner's objects;
- it yields an `Item` only when there is something to do (a count of at least 1, or a fact such
  as the conseiller's next séance), and may yield `Upcoming` dates: the soonest is shown on the
  calm « Rien à faire pour le moment » line when the list is empty;
- it runs a fixed number of queries, whatever the amount of data (one aggregate query per
  question, never one per object): `tests/mlhg_app/test_home_todo.py` counts them at 1× and 3×.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Item:
    """One thing to do: its label (already in the singular or plural of `count`), the page where it is
    done, how many (None for a fact that has no count), when it is due, a short detail, other links."""

    label: str
    url: str
    count: int | None = None
    due: datetime.date | datetime.datetime | None = None
    detail: str = ""
    links: tuple[Link, ...] = ()

    @property
    def due_date(self) -> datetime.date | None:
        if isinstance(self.due, datetime.datetime):
            return timezone.localtime(self.due).date()
        return self.due

    @classmethod
    def counting(cls, n: int, singular: str, plural: str, **fields) -> "Item":
        """`n` things to do, labelled in the singular or the plural of `n` (`counted`)."""
        return cls(label=counted(n, singular, plural), count=n, **fields)


@dataclass(frozen=True)
class Upcoming:
    """A date to come (the next séance, a deadline), shown when there is nothing to do."""

    label: str
    when: datetime.date | datetime.datetime
    url: str = ""

    @property
    def when_date(self) -> datetime.date:
        if isinstance(self.when, datetime.datetime):
            return timezone.localtime(self.when).date()
        return self.when


@dataclass
class Todo:
    items: list[Item] = field(default_factory=list)
    upcoming: Upcoming | None = None


Provider = Callable[[object, datetime.datetime], Iterable[Item | Upcoming]]

_providers: dict[str, list[Provider]] = {}


def register(role: str, *providers: Provider) -> None:
    """Add `providers`, in this order, to the home page of `role` (registering the same function twice adds
    it once)."""
    registered = _providers.setdefault(role, [])
    for provider in providers:
        if provider not in registered:
            registered.append(provider)


def providers_for(role: str) -> list[Provider]:
    return list(_providers.get(role, []))


def todo_for(user, now: datetime.datetime | None = None) -> Todo:
    """The user's « À faire » list: dated items first (soonest first), then the others in the order their
    apps registered them; and the soonest date to come."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Todo()
    now = now or timezone.now()
    items: list[Item] = []
    upcoming: list[Upcoming] = []
    for provider in providers_for(user.role):
        for entry in provider(user, now):
            (upcoming if isinstance(entry, Upcoming) else items).append(entry)
    dated = sorted((i for i in items if i.due is not None), key=lambda i: i.due_date)
    undated = [i for i in items if i.due is None]
    soonest = min(upcoming, key=lambda u: u.when_date, default=None)
    return Todo(items=dated + undated, upcoming=soonest)


def counted(n: int, singular: str, plural: str) -> str:
    """The label in the singular or the plural of `n`: « Séance à valider » for 1, « Séances à valider » for 3."""
    return singular if n == 1 else plural
