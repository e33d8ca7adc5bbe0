"""Every URL declares who may use it, and answers accordingly for every role."""

import sys
import types
from urllib.parse import urlparse

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from mlhg_app.access import PUBLIC, declared_access, iter_urls, undeclared_urls
from tests.access import http_method, permission_object, rule_allows, sample_url
from tests.factories import ROLES, IntervenantProgrammeFactory
from tests.web import login

# The apps whose every URL with an object checks its permission on that object.
OBJECT_PERMISSION_APPS = {"ami", "seances", "bilans"}

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


def _others(world):
    """For each role that owns objects, an account of the same role that owns none of the samples: another
    responsable (not the référent), another organisation's account, an intervenant of no sample séance,
    a conseiller of another group."""
    from mlhg_app.models import Antenne
    from tests.factories import MembreFactory, UserFactory
    from tests.url_samples.seances import programme

    prog = programme(world)
    conseiller = world["users"]["conseiller"]
    site = Antenne.objects.filter(kind=Antenne.Kind.ANTENNE).exclude(pk=conseiller.antenne_id).first()
    other_conseiller = UserFactory(email="conseiller.autre@exemple.fr", role="conseiller", antenne=site)
    prog.groupes.filter(antenne=site).first().membres.add(other_conseiller)
    other_intervenant = UserFactory(email="intervenant.autre@exemple.fr", role="intervenant")
    IntervenantProgrammeFactory(programme=prog, user=other_intervenant, prenom="Paul", nom="Autre")
    return {
        "responsable": UserFactory(email="responsable.autre@exemple.fr", role="responsable"),
        "prestataire": MembreFactory(user__email="prestataire.autre@exemple.fr").user,
        "intervenant": other_intervenant,
        "conseiller": other_conseiller,
    }


def _is_login_redirect(response):
    if response.status_code not in (301, 302):
        return False
    return urlparse(response["Location"]).path in {reverse("login"), reverse("admin:login")}


def _switched_off(callback) -> bool:
    """A public view of a feature that this configuration leaves off (single sign-on without a provider:
    `switched_on()` False) answers 404 to everyone; tests/mlhg_app/test_sso.py covers it switched on."""
    switched_on = getattr(getattr(callback, "view_class", None), "switched_on", None)
    return switched_on is not None and not switched_on()


def _is_inside_redirect(response):
    if response.status_code not in (301, 302):
        return False
    location = urlparse(response["Location"])
    return not location.netloc or location.netloc == "testserver"


@pytest.mark.django_db
def test_every_url_answers_each_role_as_declared(users, client_for):
    world = {"users": users}
    others = _others(world)
    problems = []
    for route, name, callback in _all_urls():
        assert name, f"l'URL {route} n'a pas de nom"
        rule = declared_access(callback)
        try:
            url, kwargs = sample_url(name, world)
        except Exception as exc:  # a URL with arguments needs a sample in tests/url_samples/
            problems.append(f"{route}: pas d'exemple d'arguments ({exc})")
            continue
        method = http_method(callback)
        accounts = [(role, users[role] if role else None) for role in [None, *ROLES]]
        has_object = permission_object(callback, url, method, kwargs) is not None
        if kwargs and rule != PUBLIC and name.split(":")[0] in OBJECT_PERMISSION_APPS and not has_object:
            problems.append(f"{route}: la vue ne charge pas son objet (get_permission_object)")
        # A same-role account that owns none of it (where the view checks its permission on the object).
        accounts += [(f"{role} (un autre)", other) for role, other in others.items() if has_object]
        for role, user in accounts:
            client = login(user) if user else Client()
            allowed = rule == PUBLIC or rule_allows(user, rule, callback, url, method, kwargs)
            response = getattr(client, method)(url)
            if _switched_off(callback):
                ok = response.status_code == 404
            elif allowed:
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
def test_admin_is_a_console_for_superusers_only(users, client_for):
    """Issue 15: staff work in the product; every admin page sends them, like anyone else, to its login."""
    from django.contrib import admin

    from mlhg_app.models import User
    from tests.web import login

    superuser = login(User.objects.create_superuser(email="technique@exemple.fr", password="x"))
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    for url in urls:
        assert superuser.get(url).status_code == 200, url
        for role in [None, *ROLES]:
            response = client_for(role).get(url)
            assert _is_login_redirect(response), (url, role, response.status_code)
