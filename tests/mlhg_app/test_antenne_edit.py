"""The sites page for staff (issue 15: what the admin edited, now in the product): a site's name, address,
display order and unavailable days, through `antenne_update`, with its history; the headcount read from the
directory, never typed."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mlhg_app.models import Antenne
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antenne_headcount
from mlhg_app.services.antennes import antenne_update
from tests.factories import UserFactory
from tests.web import flash, login


def text(response) -> str:
    return html.unescape(response.content.decode())


def site_data(antenne, **changes) -> dict:
    data = {
        "nom": antenne.nom,
        "adresse": antenne.adresse,
        "code_postal": antenne.code_postal,
        "ville": antenne.ville,
        "ordre": antenne.ordre,
        "jours_indisponibles": [str(d) for d in antenne.jours_indisponibles or []],
    }
    data.update(changes)
    return data


@pytest.fixture
def site(users):
    return Antenne.objects.get(code="muretain")


@pytest.mark.django_db
def test_the_list_links_each_site_to_its_edit_page_for_staff_only(users, site):
    page = text(login(users["staff"]).get(reverse("antenne_list")))
    assert reverse("antenne_edit", args=[site.pk]) in page
    for role in ["responsable", "evaluateur"]:
        page = text(login(users[role]).get(reverse("antenne_list")))
        assert "Sites de la Mission Locale" in page and "/modifier/" not in page


@pytest.mark.django_db
def test_staff_edit_a_site_and_the_change_is_in_its_history(users, site):
    staff = login(users["staff"])
    url = reverse("antenne_edit", args=[site.pk])
    response = staff.post(
        url,
        site_data(
            site, nom="Antenne du Muretain", adresse="12 avenue Jean Jaurès", code_postal="31600",
            ville="Muret", ordre="3", jours_indisponibles=["0", "4"],
        ),
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == url
    site.refresh_from_db()
    assert (site.nom, site.adresse, site.code_postal, site.ville, site.ordre) == (
        "Antenne du Muretain", "12 avenue Jean Jaurès", "31600", "Muret", 3,
    )  # fmt: skip
    assert site.jours_indisponibles == [0, 4]
    last = site.history.order_by("-history_date").first()
    assert (last.history_user, last.nom, last.jours_indisponibles) == (users["staff"], "Antenne du Muretain", [0, 4])
    assert flash(response) == "Le site « Antenne du Muretain » est enregistré."
    page = text(staff.get(url))
    assert "lundi, vendredi" in page  # the history row, and the list
    assert "lundi, vendredi" in text(staff.get(reverse("antenne_list")))


@pytest.mark.django_db
def test_a_bad_code_postal_is_refused_in_french_and_the_input_is_kept(users, site):
    staff = login(users["staff"])
    before = (site.nom, site.code_postal, site.history.count())
    response = staff.post(
        reverse("antenne_edit", args=[site.pk]),
        site_data(site, nom="Muret (nouveau nom)", code_postal="3160", jours_indisponibles=["2"]),
    )
    assert response.status_code == 200
    page = text(response)
    assert "Le code postal s'écrit avec cinq chiffres (par exemple 31000)." in page
    assert 'value="Muret (nouveau nom)"' in page and 'value="3160"' in page
    assert 'value="2" checked' in page or ('value="2"' in page and "checked" in page)
    for bad in ["31 600", "ABCDE", "316000"]:
        page = text(staff.post(reverse("antenne_edit", args=[site.pk]), site_data(site, code_postal=bad)))
        assert "cinq chiffres" in page, bad
    site.refresh_from_db()
    assert (site.nom, site.code_postal, site.history.count()) == before


@pytest.mark.django_db
def test_a_day_outside_the_week_or_a_name_taken_is_refused(users, site):
    staff = login(users["staff"])
    url = reverse("antenne_edit", args=[site.pk])
    page = text(staff.post(url, site_data(site, jours_indisponibles=["5"])))
    assert "Les jours indisponibles vont du lundi au vendredi." in page
    other = Antenne.objects.exclude(pk=site.pk).first()
    page = text(staff.post(url, site_data(site, nom=other.nom.upper())))
    assert f"Un autre site s'appelle déjà « {other.nom.upper()} »." in page
    page = text(staff.post(url, site_data(site, ordre="-1")))
    assert response_has_error(page) and 'value="-1"' in page
    with pytest.raises(Refused, match="lundi au vendredi"):
        antenne_update(
            antenne=site, by=users["staff"], nom=site.nom, adresse=site.adresse, code_postal=site.code_postal,
            ville=site.ville, ordre=site.ordre, jours_indisponibles=[0, 7],
        )  # fmt: skip
    site.refresh_from_db()
    assert site.nom != other.nom.upper() and 5 not in (site.jours_indisponibles or [])


def response_has_error(page: str) -> bool:
    return "invalid-feedback" in page or "is-invalid" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["responsable", "prestataire", "evaluateur", "intervenant", "conseiller"])
def test_other_roles_cannot_edit_a_site(users, site, role):
    client = login(users[role])
    url = reverse("antenne_edit", args=[site.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, site_data(site, nom="Pris")).status_code == 403
    site.refresh_from_db()
    assert site.nom != "Pris"


@pytest.mark.django_db
def test_the_headcount_is_read_from_the_directory_with_a_link_to_it(users, site):
    UserFactory(email="cadre@exemple.fr", role="conseiller", antenne=site, is_manager=True)
    UserFactory(email="parti@exemple.fr", role="conseiller", antenne=site, is_active=False)
    count = antenne_headcount(site)
    staff = login(users["staff"])
    page = text(staff.get(reverse("antenne_edit", args=[site.pk])))
    assert f"{count} conseiller" in page
    directory = f"{reverse('people_list')}?antenne={site.pk}&role=conseiller&actif=oui"
    assert f'href="{html.escape(directory)}"' in page or f'href="{directory}"' in page
    assert 'name="effectif' not in page  # never typed
    listed = text(staff.get(directory))
    assert users["conseiller"].email in listed and "parti@exemple.fr" not in listed


@pytest.mark.django_db
def test_the_edit_page_keeps_its_queries_constant_as_the_history_grows(users, site):
    staff = login(users["staff"])
    url = reverse("antenne_edit", args=[site.pk])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url).status_code == 200
        return len(ctx)

    antenne_update(
        antenne=site, by=users["staff"], nom=site.nom, adresse=site.adresse, code_postal=site.code_postal,
        ville=site.ville, ordre=site.ordre, jours_indisponibles=[1],
    )  # fmt: skip
    few = queries()
    for day in [2, 3, 4, 0, 1]:
        antenne_update(
            antenne=site, by=UserFactory(role="staff", is_staff=True), nom=site.nom, adresse=site.adresse,
            code_postal=site.code_postal, ville=site.ville, ordre=site.ordre, jours_indisponibles=[day],
        )  # fmt: skip
    assert queries() == few
