"""What the tests that walk every URL share (tests/test_access.py, tests/e2e/test_axe.py, tests/e2e/test_csp.py):
the sample arguments of each URL, the method a view answers, what its declared rule allows a user."""

from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from tests.url_samples import all_samples

# Sample URL arguments for every URL that takes some (tests/url_samples/): a URL missing there fails the test.
URL_KWARGS = all_samples()


def sample_url(name, world):
    factory = URL_KWARGS.get(name)
    kwargs = factory(world) if factory else {}
    return reverse(name, kwargs=kwargs), kwargs


def http_method(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and "get" not in view_class.http_method_names:
        return "post"
    if view_class is not None and not hasattr(view_class, "get"):
        return "post"
    return "get"


def rule_allows(user, rule, callback, url, method, kwargs) -> bool:
    """What the declaration allows this user: for a view that checks an object, the permission on the
    object it loads (`get_permission_object`; none → refused)."""
    if user is None:
        return False
    try:
        obj = permission_object(callback, url, method, kwargs)
    except Http404:
        return False
    return user.has_perm(rule, obj)


def permission_object(callback, url, method, kwargs):
    view_class = getattr(callback, "view_class", None)
    if view_class is None or not hasattr(view_class, "get_permission_object"):
        return None
    request = getattr(RequestFactory(), method)(url)
    view = view_class(**getattr(callback, "view_initkwargs", {}))
    view.setup(request, **kwargs)
    return view.get_permission_object()
