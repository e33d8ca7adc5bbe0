"""A request works for one structure (issue 19, mlhg_app/routing.py): named by its host name or its path
prefix (kept by reverse()), or the only one; an address that names none answers a French 404; a scoped
read without a structure raises, loudly, with a French page."""

import logging
import sys
import types

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django_scopes import ScopeError

from ami.models import AMI, Dossier
from ami.reference import REFERENCE
from mlhg_app.access import public
from mlhg_app.models import User
from mlhg_app.structures import structure_scope
from tests.factories import PASSWORD, UserFactory
from tests.structures import other_structure, with_reference

DETAIL = f"/ami/appel/{REFERENCE}/"


@pytest.fixture(autouse=True)
def _no_default_structure(settings):
    """A production deployment of several structures: none by default (DEFAULT_STRUCTURE empty)."""
    settings.DEFAULT_STRUCTURE = ""


@pytest.fixture
def two(reference, structure):
    """MLHG and a second structure, each with its own published AMI of the same reference."""
    other = with_reference(other_structure())
    AMI.objects.filter(reference=REFERENCE, structure=structure).update(status=AMI.Status.PUBLIE)
    AMI.objects.filter(reference=REFERENCE, structure=other).update(
        status=AMI.Status.PUBLIE, titre="AMI de la Mission Locale Autre"
    )
    return structure, other


def test_a_path_prefix_names_the_structure_and_links_keep_it(two):
    mlhg, other = two
    page = Client().get(f"/autre{DETAIL}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "AMI de la Mission Locale Autre" in text and "Organisation de réunions" not in text
    assert 'href="/autre/ami/' in text and 'href="/ami/' not in text  # reverse() keeps the prefix
    page = Client().get(f"/mlhg{DETAIL}")
    assert page.status_code == 200 and "AMI de la Mission Locale Autre" not in page.content.decode()


def test_a_host_name_names_the_structure(two, settings):
    mlhg, other = two
    other.domaine = "autre.example.org"
    other.save()
    settings.ALLOWED_HOSTS = ["autre.example.org", "testserver"]
    page = Client(HTTP_HOST="autre.example.org").get(DETAIL)
    assert page.status_code == 200 and "AMI de la Mission Locale Autre" in page.content.decode()


def test_the_default_structure_serves_the_addresses_that_name_none(two, settings):
    """The demo's MLHG at the root, its second structure under its prefix (DEFAULT_STRUCTURE)."""
    mlhg, other = two
    assert "Aucune structure à cette adresse" in Client().get(DETAIL).content.decode()
    settings.DEFAULT_STRUCTURE = mlhg.slug
    page = Client().get(DETAIL)
    assert page.status_code == 200
    assert "Organisation de réunions" in page.content.decode()
    assert "AMI de la Mission Locale Autre" not in page.content.decode()
    assert "AMI de la Mission Locale Autre" in Client().get(f"/autre{DETAIL}").content.decode()


def test_an_address_that_names_no_structure_answers_a_french_404(two, settings):
    assert Client().get(f"/inconnue{DETAIL}").status_code == 404
    page = Client().get(f"/inconnue{DETAIL}")
    assert "Aucune structure à cette adresse" in page.content.decode()
    settings.ALLOWED_HOSTS = ["inconnue.example.org", "testserver"]
    page = Client(HTTP_HOST="inconnue.example.org").get(DETAIL)
    assert page.status_code == 404 and "Aucune structure à cette adresse" in page.content.decode()


def test_with_one_structure_nothing_is_named_and_an_unknown_prefix_is_a_french_404(reference):
    AMI.objects.update(status=AMI.Status.PUBLIE)
    assert Client().get(DETAIL).status_code == 200
    page = Client().get(f"/inconnue{DETAIL}")
    assert page.status_code == 404 and "Page introuvable" in page.content.decode()


def test_the_portal_lists_every_structures_open_calls_each_at_its_address(two):
    page = Client().get("/ami/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'href="/mlhg{DETAIL}"' in text and f'href="/autre{DETAIL}"' in text
    assert "Mission Locale Haute-Garonne" in text and "AMI de la Mission Locale Autre" in text


def test_a_structures_people_log_in_and_act_only_in_their_own(two):
    mlhg, other = two
    staff = UserFactory(email="achats@ml31.org", role=User.Role.STAFF, is_staff=True, antenne=None, structure=mlhg)
    assert staff.structure == mlhg
    refused = Client().post("/autre/connexion/", {"username": staff.email, "password": PASSWORD})
    assert "Ce compte appartient à une autre Mission Locale" in refused.content.decode()
    client = Client()
    assert client.post("/mlhg/connexion/", {"username": staff.email, "password": PASSWORD}).status_code == 302
    assert client.get(f"/mlhg/ami/appel/{REFERENCE}/dossiers/").status_code == 200
    elsewhere = client.get(f"/autre/ami/appel/{REFERENCE}/dossiers/")
    assert elsewhere.status_code == 302 and "/connexion/" in elsewhere["Location"]  # a visitor there


@pytest.mark.outside_scopes
@pytest.mark.django_db
def test_outside_any_scope_a_scoped_query_raises(structure):
    with pytest.raises(ScopeError):
        Dossier.objects.count()
    with pytest.raises(ScopeError):
        list(AMI.objects.filter(reference=REFERENCE))
    with pytest.raises(ScopeError):
        User.objects.in_structure().count()
    with structure_scope(structure):
        assert Dossier.objects.count() == 0


@public
def _reads_without_structure(request):
    return HttpResponse(str(AMI.objects.count()))


def test_a_scoped_read_without_structure_is_refused_loudly_with_a_french_page(two, settings, caplog):
    module = types.ModuleType("tests_structureless_urls")
    module.urlpatterns = [path("connexion/lecture/", _reads_without_structure)]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    try:
        with caplog.at_level(logging.CRITICAL, logger="mlhg_app.structures"):
            page = Client(raise_request_exception=False).get("/connexion/lecture/")
    finally:
        del sys.modules[module.__name__]
    assert page.status_code == 500 and "Structure non déterminée" in page.content.decode()
    assert any("aucune structure active" in r.getMessage() for r in caplog.records)


def test_a_page_makes_as_many_queries_with_ten_structures_as_with_one(reference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.web import login

    AMI.objects.update(status=AMI.Status.PUBLIE)
    staff = login(UserFactory(email="achats@ml31.org", role=User.Role.STAFF, is_staff=True, antenne=None))

    def count(url):
        staff.get(url)  # the session and caches warm
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200
        return len(queries)

    alone = count(f"/ami/appel/{REFERENCE}/dossiers/")
    for n in range(9):
        other_structure(f"autre{n}")
    assert count(f"/mlhg/ami/appel/{REFERENCE}/dossiers/") == alone


def test_a_structure_slug_never_takes_an_address_of_the_application(two):
    other_structure("ami")
    page = Client().get("/ami/")
    assert page.status_code == 200 and f'href="/mlhg{DETAIL}"' in page.content.decode()


def test_a_structures_own_pages_carry_its_name_and_never_mlhgs(two):
    """The home page, the accessibility statement and the privacy page of a structure named by its prefix
    (they once said « Mission Locale Haute-Garonne » whatever the structure)."""
    mlhg, other = two
    for address in ("/autre/", "/autre/accessibilite/", "/autre/confidentialite/"):
        page = Client().get(address)
        assert page.status_code == 200, address
        text = page.content.decode()
        assert other.nom in text and "Haute-Garonne" not in text, address
    assert "Mission Locale Haute-Garonne" in Client().get("/mlhg/accessibilite/").content.decode()
