"""A form repeated on a page (one a row, hundreds at 10× data) rendered by crispy once, then stamped.

`stamped(key, render, fills)`: `render()` is crispy's HTML of the form built with placeholders for what
differs from row to row (its prefix, its texts, its numbers); it runs once per `key` and language in a process,
then each row's values are written in place of the placeholders, in one pass, escaped. A choice that changes
the markup (a radio checked, an option selected) belongs in `key`, not in `fills`.
"""

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

_RENDERED: dict[tuple, str] = {}
_MAX = 256


def stamped(key: tuple, render: Callable[[], str], fills: dict[str, object]) -> SafeString:
    """The HTML of `render()` (made once per key), each placeholder of `fills` replaced by its value, escaped."""
    cache_key = (key, get_language())
    html = _RENDERED.get(cache_key)
    if html is None:
        if len(_RENDERED) >= _MAX:
            _RENDERED.clear()
        html = _RENDERED[cache_key] = str(render())
    values = {placeholder: escape(value) for placeholder, value in fills.items()}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(values, key=len, reverse=True)))
    # crispy's HTML, with only escaped values put in
    return mark_safe(pattern.sub(lambda found: values[found.group(0)], html))  # noqa: S308 # nosec B308 B703
