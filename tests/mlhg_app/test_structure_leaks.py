"""The leak suite (issue 19): two structures, every role in each, the objects of every URL in each (the
samples of the access test, tests/url_samples). Every account of structure A asks for every object URL,
export and file of structure B, under B's address and under its own: no answer gives B's data. The same
crawl on A's own objects answers (so that this test can fail)."""

from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from ami.models import AMI, Prestataire
from mlhg_app.access import PUBLIC, declared_access, iter_urls
from mlhg_app.models import Antenne, User
from mlhg_app.structures import every_structure, structure_scope
from tests.access import URL_KWARGS, http_method, rule_allows, sample_url
from tests.factories import ROLES, UserFactory
from tests.structures import other_structure, with_reference
from tests.web import login

STAFF_SIDE = {"staff", "evaluateur", "responsable", "conseiller"}
# What any provider's account may do on any structure's published call (providers are shared): ask a
# question on it (an empty question: the form again, 200).
OPEN_TO_EVERY_PROVIDER = {"ami.ask_question"}


def accounts(structure, domain):
    """One active account per role: the staff-side ones in `structure`, the prestataire-side ones shared
    (but each structure's own here: another organisation)."""
    site = Antenne.objects.get(structure=structure, code="muretain")
    return {
        role: UserFactory(
            email=f"{role}@{domain}",
            role=role,
            antenne=site if role == User.Role.CONSEILLER else None,
            structure=structure if role in STAFF_SIDE else None,
            is_staff=role == User.Role.STAFF,
        )
        for role in ROLES
    }


def world_of(structure, domain):
    """The structure's accounts and, built inside its scope, the sample objects of every URL with
    arguments: {name: (url, kwargs, callback, rule)}."""
    with structure_scope(structure):
        world = {"users": accounts(structure, domain)}
        urls = {}
        for _route, name, callback in iter_urls():
            if name not in URL_KWARGS:
                continue
            url, kwargs = sample_url(name, world)
            urls[name] = (url, kwargs, callback, declared_access(callback))
    return world, urls


def markers(structure, world) -> list[str]:
    """Strings only structure B's private data contains: its accounts' addresses, the organisations that
    answered its calls (its calls themselves are public: any provider may answer them)."""
    with every_structure():
        organisations = list(
            Prestataire.objects.filter(dossiers__ami__structure=structure).values_list("raison_sociale", flat=True)
        )
    return [*(u.email for u in world["users"].values()), *organisations]


def _login_redirect(response) -> bool:
    return response.status_code in (301, 302) and urlparse(response["Location"]).path.endswith(reverse("login"))


@pytest.fixture
def structures(reference, structure):
    other = with_reference(other_structure("ariege", nom="Mission Locale de l'Ariège"))
    return structure, other


def test_no_account_of_a_structure_gets_anything_of_another(structures):
    mlhg, other = structures
    world_a, urls_a = world_of(mlhg, "mlhg.test")
    world_b, urls_b = world_of(other, "ariege.test")
    b_only = [m for m in markers(other, world_b) if m]
    assert len(urls_b) > 100  # every object URL, export and file download has a sample

    leaks = []
    for role, user in [(None, None), *world_a["users"].items()]:
        client = login(user) if user else Client()
        for url, kwargs, callback, rule in urls_b.values():
            method = http_method(callback)
            # B's objects named by their ids (never A's): a 200 for them is a leak whatever it shows
            by_id = any(isinstance(value, int) for value in kwargs.values())
            for prefix in ("/ariege", "/mlhg"):
                response = getattr(client, method)(prefix + url)
                found = [m for m in b_only if m in _body(response)]
                in_b = not _from_a(response, mlhg)
                if found:
                    leaks.append(f"{prefix}{url} [{method}] en tant que {role or 'anonyme'} : {found[:3]}")
                elif response.status_code == 200 and rule != PUBLIC and (in_b or by_id):
                    if rule in OPEN_TO_EVERY_PROVIDER and role == "prestataire" and not by_id:
                        continue
                    leaks.append(f"{prefix}{url} [{method}] en tant que {role or 'anonyme'} : 200 (règle {rule})")
                elif (
                    method == "post"
                    and response.status_code in (301, 302)
                    and not _login_redirect(response)
                    and (in_b or by_id)
                    and rule != PUBLIC
                ):
                    leaks.append(f"{prefix}{url} [POST] en tant que {role or 'anonyme'} : action faite ({rule})")
    assert leaks == []

    # The same crawl on A's own objects, as the account its rule allows: they answer.
    answered, refused = 0, []
    for url, kwargs, callback, rule in urls_a.values():
        method = http_method(callback)
        with structure_scope(mlhg):
            allowed = [
                u
                for u in world_a["users"].values()
                if rule == PUBLIC or rule_allows(u, rule, callback, url, method, kwargs)
            ]
        if not allowed or method != "get":
            continue
        response = login(allowed[0]).get("/mlhg" + url)
        if response.status_code == 200 or (response.status_code == 302 and not _login_redirect(response)):
            answered += 1
        else:
            refused.append(f"/mlhg{url} en tant que {allowed[0].role} : {response.status_code}")
    assert refused == [] and answered > 50


def _body(response) -> str:
    if response.status_code != 200:
        return ""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _from_a(response, structure) -> bool:
    """A page answered in structure A's scope (A's own object of the same number, say)."""
    return getattr(response.wsgi_request, "structure", None) == structure


def test_a_provider_of_two_structures_sees_in_each_only_what_it_does_there(structures):
    """One organisation answers both calls: under each structure's address, its dossier there only."""
    from ami.models import Dossier
    from tests.factories import DossierFactory, MembreFactory, PrestataireFactory

    mlhg, other = structures
    prestataire = PrestataireFactory(raison_sociale="Horizons Supervision")
    account = MembreFactory(prestataire=prestataire, user__email="contact@horizons.test").user
    with structure_scope(mlhg):
        here = DossierFactory(ami=AMI.objects.get(), prestataire=prestataire)
    with structure_scope(other):
        there = DossierFactory(ami=AMI.objects.get(), prestataire=prestataire)
    client = login(account)
    assert client.get(f"/mlhg/ami/dossiers/{here.pk}/").status_code == 200
    assert client.get(f"/mlhg/ami/dossiers/{there.pk}/").status_code == 404
    assert client.get(f"/ariege/ami/dossiers/{there.pk}/").status_code == 200
    assert client.get(f"/ariege/ami/dossiers/{here.pk}/").status_code == 404
    with every_structure():
        assert Dossier.objects.filter(prestataire=prestataire).count() == 2
