"""Every URL declares who may use it, and answers accordingly for every role."""

import sys
import types
from urllib.parse import urlparse

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path, resolve, reverse

from mlhg_app.access import PUBLIC, declared_access, iter_urls, undeclared_urls
from tests.conftest import ROLES
from tests.url_samples import all_samples

# Sample URL arguments for every URL that takes some (tests/url_samples/): a URL missing there fails the test.
URL_KWARGS = all_samples()

# What a request may answer.
ALLOWED = {200}
FORBIDDEN = {403, 404}


def _all_urls():
    return [(route, name, callback) for route, name, callback in iter_urls()]


def test_every_url_declares_an_access_rule():
    assert undeclared_urls() == []


def test_a_view_without_rule_is_reported(settings):
    """The check fails for a new view that forgets its rule (and passes declared ones)."""

    def forgotten(request):
        return HttpResponse("oubli")

    def declared(request):
        return HttpResponse("ok")

    declared.access_public = True
    module = types.ModuleType("tests_fake_urls")
    module.urlpatterns = [path("oubli/", forgotten, name="oubli"), path("ok/", declared, name="ok")]
    sys.modules["tests_fake_urls"] = module
    try:
        assert undeclared_urls("tests_fake_urls") == ["oubli/"]
        from django.core.management import call_command
        from django.core.management.base import SystemCheckError

        settings.ROOT_URLCONF = "tests_fake_urls"
        with pytest.raises(SystemCheckError, match="oubli/"):
            call_command("check")
    finally:
        del sys.modules["tests_fake_urls"]


def _resolve_url(name, world):
    factory = URL_KWARGS.get(name)
    kwargs = factory(world) if factory else {}
    return reverse(name, kwargs=kwargs)


def _method(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and "get" not in view_class.http_method_names:
        return "post"
    if view_class is not None and not hasattr(view_class, "get"):
        return "post"
    return "get"


def _permission_object(callback, url):
    """The object the view checks its permission against (`get_permission_object`; None: role-level)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None or not hasattr(view_class, "get_permission_object"):
        return None
    view = view_class()
    view.setup(RequestFactory().get(url), **resolve(url).kwargs)
    return view.get_permission_object()


def _is_login_redirect(response):
    if response.status_code not in (301, 302):
        return False
    return urlparse(response["Location"]).path in {reverse("login"), reverse("admin:login")}


def _is_inside_redirect(response):
    if response.status_code not in (301, 302):
        return False
    location = urlparse(response["Location"])
    return not location.netloc or location.netloc == "testserver"


@pytest.mark.django_db
def test_every_url_answers_each_role_as_declared(users, client_for):
    world = {"users": users}
    problems = []
    for route, name, callback in _all_urls():
        assert name, f"l'URL {route} n'a pas de nom"
        rule = declared_access(callback)
        try:
            url = _resolve_url(name, world)
        except Exception as exc:  # a URL with arguments needs a sample in URL_KWARGS
            problems.append(f"{route}: pas d'exemple d'arguments ({exc})")
            continue
        method = _method(callback)
        obj = _permission_object(callback, url) if rule != PUBLIC else None
        for role in [None, *ROLES]:
            client = client_for(role)
            response = getattr(client, method)(url)
            user = users[role] if role else None
            if rule == PUBLIC:
                allowed = True
            else:
                allowed = user is not None and user.has_perm(rule, obj)
            if allowed:
                ok = response.status_code in ALLOWED or (
                    _is_inside_redirect(response) and not _is_login_redirect(response)
                )
            elif role is None:
                ok = _is_login_redirect(response)
            else:
                ok = response.status_code in FORBIDDEN or _is_login_redirect(response)
            if not ok:
                problems.append(
                    f"{route} [{method}] en tant que {role or 'anonyme'} : {response.status_code} (règle {rule})"
                )
    assert problems == []


@pytest.mark.django_db
def test_admin_is_for_staff_only(users, client_for):
    from django.contrib import admin

    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    for url in urls:
        assert client_for("staff").get(url).status_code == 200, url
        for role in [None, *[r for r in ROLES if r != "staff"]]:
            response = client_for(role).get(url)
            assert _is_login_redirect(response), (url, role, response.status_code)
