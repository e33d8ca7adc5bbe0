"""Links to many objects of one kind on a page (a row each): the URL reversed once, each pk written in."""

from collections.abc import Callable

from django.urls import reverse

# An integer no object has: the place of the pk in the URL reversed once.
_SENTINEL = 987654321987654321


def pk_url(name: str, *args) -> Callable[[int], str]:
    """`url(pk)` = `reverse(name, args=[*args, pk])`, for hundreds of pks at the cost of one `reverse`."""
    url = reverse(name, args=[*args, _SENTINEL])
    parts = url.split(str(_SENTINEL))
    if len(parts) != 2:  # the pk is not written as such in this URL: reversed each time
        return lambda pk: reverse(name, args=[*args, pk])
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"
