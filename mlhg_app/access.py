"""The one mechanism by which every view declares who may use it.

- Class-based views inherit `PermissionRequiredView` and set
  `permission_required` (a django-rules permission), or inherit `PublicView`.
  A view that handles an object overrides `get_permission_object()`: it loads
  the object once (404 if it does not exist), caches it on the view, and the
  permission's predicates are checked against it (`has_perm(perm, obj)`: 403).
- Function views are decorated with `permission_required(perm)` or `public`.

Anonymous visitors of a protected view are sent to the login page; a logged-in
user without the permission gets a 403. `declared_access` reads a URL's
callback and tells which rule it declared; the URL-access test uses it to fail
on any view that forgets.
"""

from django.urls import URLResolver, get_resolver
from rules.contrib.views import PermissionRequiredMixin
from rules.contrib.views import permission_required as rules_permission_required

PUBLIC = "public"


class PublicView:
    """Marker: the view is open to everyone, anonymous visitors included."""

    access_public = True


class PermissionRequiredView(PermissionRequiredMixin):
    """A view reserved to the users who hold `permission_required`."""

    permission_required: str = ""

    def get_permission_object(self):
        """The object the permission is checked against; None for a role-level permission (lists)."""
        return None


def public(view_func):
    view_func.access_public = True
    return view_func


def permission_required(perm: str):
    def decorator(view_func):
        wrapped = rules_permission_required(perm)(view_func)
        wrapped.permission_required = perm
        return wrapped

    return decorator


def declared_access(callback) -> str | None:
    """The rule a URL callback declared: a permission name, PUBLIC, or None."""
    target = getattr(callback, "view_class", None) or callback
    if getattr(target, "access_public", False):
        return PUBLIC
    perm = getattr(target, "permission_required", None)
    if isinstance(perm, str) and perm:
        return perm
    return None


def iter_urls(urlconf=None):
    """Yield (route, qualified name, callback) for every URL, the admin apart.

    The admin's URLs are guarded by the admin site itself (`MLHGAdminSite.has_permission`).
    """

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern, prefix + str(pattern.pattern), ns)
            else:
                name = f"{namespace}{pattern.name}" if pattern.name else None
                yield prefix + str(pattern.pattern), name, pattern.callback

    yield from walk(get_resolver(urlconf), "", "")


def undeclared_urls(urlconf=None) -> list[str]:
    """The routes whose view declares no access rule."""
    return [route for route, _name, callback in iter_urls(urlconf) if declared_access(callback) is None]
