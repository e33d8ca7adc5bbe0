"""Where to go after a form: the `next` a page sends back, checked, or the page's own default.

A `next` comes from the request, so a visitor can write anything in it. Only a path on this
site is followed (« /ami/… »): never another host or scheme, never a URL name (Django's
`redirect` would try to reverse it and fail with a 500), never a control character.
"""

import unicodedata

from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, *, default: str) -> str:
    """The request's `next` (POST, then GET) when it is a path on this site, else `default` (a URL)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not any(unicodedata.category(char)[0] == "C" for char in target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
