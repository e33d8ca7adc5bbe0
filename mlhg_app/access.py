"""The one mechanism by which every view declares who may use it.

- Class-based views inherit `PermissionRequiredView` and set
  `permission_required` (a django-rules permission), or inherit `PublicView`.
  A view that handles an object inherits `permission_object(attribute, getter)`:
  its `get_permission_object()` loads the object once from the URL (404 if it
  does not exist), caches it on the view, and the permission's predicates are
  checked against it (`has_perm(perm, obj)`: 403). A view whose object is
  loaded otherwise overrides `get_permission_object()` itself.
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


def permission_object(attribute: str, getter, kwarg: str | tuple[str, ...] = "pk"):
    """A mixin whose `get_permission_object()` is `getter(self.kwargs[kwarg])`, loaded once and kept
    as `self.<attribute>`.

    `getter` raises Http404 when there is no such object (a selector, or `get_object_or_404`).
    `kwarg` names the URL argument; a tuple names several, passed to `getter` in that order.
    Put the mixin before `PermissionRequiredView` in the view's bases.
    """
    names = (kwarg,) if isinstance(kwarg, str) else tuple(kwarg)

    def get_permission_object(self):
        if not hasattr(self, attribute):
            setattr(self, attribute, getter(*(self.kwargs[name] for name in names)))
        return getattr(self, attribute)

    name = f"PermissionObject_{attribute}"
    return type(name, (), {"get_permission_object": get_permission_object, "__module__": __name__})


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
