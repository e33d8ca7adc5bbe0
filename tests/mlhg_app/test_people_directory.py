"""The directory of people for MLHG staff: search and filters, create and invite, edit, deactivate, reactivate."""

import datetime
import html

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mlhg_app.models import Antenne, User
from mlhg_app.selectors import antenne_headcount, antennes_with_headcount
from seances.models import Groupe
from tests.factories import PASSWORD, UserFactory
from tests.seances_world import build_programme
from tests.web import flash, login

IN_THE_YEAR = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC)


def text(response) -> str:
    return html.unescape(response.content.decode())


def person_data(user, **changes):
    data = {
        "last_name": user.last_name,
        "first_name": user.first_name,
        "role": user.role,
        "antenne": user.antenne_id or "",
        "action": "enregistrer",
    }
    if user.is_manager:
        data["is_manager"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def staff(users):
    return login(users["staff"])


@pytest.mark.django_db
def test_directory_searches_and_filters(staff, users):
    nord = Antenne.objects.get(code="nord-est")
    UserFactory(email="camille.roux@ml31.org", first_name="Camille", last_name="Roux", antenne=nord)
    UserFactory(email="ancien@ml31.org", first_name="Paul", last_name="Ancien", antenne=nord, is_active=False)
    url = reverse("people_list")
    page = text(staff.get(url, {"q": "roux"}))
    assert "camille.roux@ml31.org" in page and "conseiller@exemple.fr" not in page
    page = text(staff.get(url, {"antenne": nord.pk, "actif": "non"}))
    assert "ancien@ml31.org" in page and "camille.roux@ml31.org" not in page
    page = text(staff.get(url, {"role": "responsable"}))
    assert "responsable@exemple.fr" in page and "camille.roux@ml31.org" not in page
    assert "1 personne." in page


@pytest.mark.django_db
def test_directory_is_paginated_with_a_constant_number_of_queries(staff, reference):
    muret = Antenne.objects.get(code="muretain")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = staff.get(reverse("people_list"), {"actif": "oui"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    once = count()
    for i in range(120):
        UserFactory(email=f"p{i:03d}@ml31.org", last_name=f"Nom{i:03d}", antenne=muret)
    assert count() == once
    page = text(staff.get(reverse("people_list"), {"page": 3, "actif": "oui"}))
    assert "Page 3 sur 3" in page


@pytest.mark.django_db
def test_only_staff_see_the_directory_and_its_link(users):
    assert "Personnes" in text(login(users["staff"]).get(reverse("home")))
    for role in ("responsable", "evaluateur", "conseiller", "prestataire", "intervenant"):
        client = login(users[role])
        assert client.get(reverse("people_list")).status_code == 403, role
        assert f'href="{reverse("people_list")}"' not in text(client.get(reverse("home"))), role


@pytest.mark.django_db
def test_create_invites_by_email_never_with_a_password(staff, django_capture_on_commit_callbacks):
    muret = Antenne.objects.get(code="muretain")
    data = {"last_name": "Vidal", "first_name": "Chloé", "email": "Chloe.Vidal@ML31.org", "role": "conseiller"}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("people_create"), data | {"antenne": muret.pk}, follow=True)
    assert "Chloé Vidal est créé·e ; son invitation lui est envoyée à chloe.vidal@ml31.org." in flash(response)
    user = User.objects.get(email="chloe.vidal@ml31.org")
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["chloe.vidal@ml31.org"]]
    assert "/mot-de-passe-oublie/" in mail.outbox[0].body
    # The same address again, whatever its case: refused, what was typed kept.
    response = staff.post(reverse("people_create"), data | {"antenne": muret.pk, "email": "CHLOE.vidal@ml31.org"})
    page = text(response)
    assert "L'adresse chloe.vidal@ml31.org est déjà celle de Chloé Vidal" in page
    assert 'value="Vidal"' in page
    # A conseiller without a site.
    page = text(staff.post(reverse("people_create"), data | {"email": "autre@ml31.org"}))
    assert "Un conseiller doit être rattaché à un site." in page


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_the_manager_flag_on_a_group_member_is_refused_naming_the_group(staff, users):
    build_programme(users)
    conseiller = users["conseiller"]
    url = reverse("people_edit", args=[conseiller.pk])
    page = text(staff.post(url, person_data(conseiller, is_manager="on")))
    assert (
        "est encadrant hiérarchique : il ne peut pas être membre d'un groupe d'APP (séances hors présence "
        "hiérarchique, AMI §5.1). Membre de : Antenne Muretain (Programme 2026-2027). Retirez-le d'abord de ce groupe."
    ) in page
    assert not User.objects.get(pk=conseiller.pk).is_manager
    # A conseiller in no group may be flagged: he then counts no more in the site's headcount.
    other = UserFactory(email="chef@ml31.org", role="conseiller", antenne=conseiller.antenne)
    before = antenne_headcount(conseiller.antenne)
    response = staff.post(reverse("people_edit", args=[other.pk]), person_data(other, is_manager="on"), follow=True)
    assert "sont enregistrées" in flash(response)
    assert antenne_headcount(conseiller.antenne) == before - 1


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_deactivate_leaves_groups_blocks_login_keeps_history_and_reactivate(staff, users):
    build_programme(users)
    conseiller = users["conseiller"]
    antenne = conseiller.antenne
    before = antenne_headcount(antenne)
    url = reverse("people_edit", args=[conseiller.pk])
    response = staff.post(url, {"action": "desactiver"}, follow=True)
    assert flash(response) == (
        f"{conseiller} est désactivé·e : son compte ne permet plus de se connecter. "
        "Groupes quittés : Antenne Muretain (Programme 2026-2027)."
    )
    conseiller.refresh_from_db()
    assert not conseiller.is_active
    assert not Groupe.objects.filter(membres=conseiller).exists()
    assert antenne_headcount(antenne) == before - 1
    visitor = Client()
    response = visitor.post(reverse("login"), {"username": conseiller.email, "password": PASSWORD})
    assert response.status_code == 200  # the login page again, with its message
    assert "_auth_user_id" not in visitor.session
    page = text(staff.get(url))
    assert "désactivé" in page and "Historique" in page
    assert [h.is_active for h in conseiller.history.order_by("history_id")][-1] is False

    response = staff.post(url, {"action": "reactiver"}, follow=True)
    assert flash(response) == f"{conseiller} est réactivé·e."
    assert User.objects.get(pk=conseiller.pk).is_active
    # Staff cannot deactivate themselves.
    response = staff.post(reverse("people_edit", args=[users["staff"].pk]), {"action": "desactiver"}, follow=True)
    assert flash(response) == "Vous ne pouvez pas désactiver votre propre compte."


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_a_headcount_the_planned_groups_cannot_hold_is_flagged(staff, users):
    """The rule once checked on the typed headcount: now the directory's count, flagged when it grows."""
    build_programme(users)
    muret = users["conseiller"].antenne
    for i in range(16):
        UserFactory(email=f"m{i}@ml31.org", role="conseiller", antenne=muret)
    assert antenne_headcount(muret) == 17
    data = {"last_name": "Dix-Huit", "first_name": "Jean", "email": "j18@ml31.org", "role": "conseiller"}
    response = staff.post(reverse("people_create"), data | {"antenne": muret.pk}, follow=True)
    assert (
        "Antenne Muretain : 18 conseillers demandent au moins 2 groupes de 17 personnes au plus. "
        "Le Programme 2026-2027 en prévoit 1 : augmentez le nombre de groupes du site dans le programme."
    ) in flash(response)
    assert dict((a.code, a.effectif_conseillers) for a in antennes_with_headcount())["muretain"] == 18


@pytest.mark.django_db
def test_staff_role_is_not_given_here(staff, users):
    conseiller = users["conseiller"]
    page = text(staff.post(reverse("people_edit", args=[conseiller.pk]), person_data(conseiller, role="staff")))
    assert "Le rôle « Administration MLHG » ne se donne pas et ne se retire pas ici" in page
    assert User.objects.get(pk=conseiller.pk).role == "conseiller"


@pytest.mark.django_db
def test_the_sites_page_shows_the_headcounts_counted_from_the_directory_in_site_order(staff, users):
    muret = users["conseiller"].antenne
    UserFactory(email="c2@ml31.org", role="conseiller", antenne=muret)
    UserFactory(email="chef@ml31.org", role="conseiller", antenne=muret, is_manager=True)
    UserFactory(email="parti@ml31.org", role="conseiller", antenne=muret, is_active=False)
    page = text(staff.get(reverse("antenne_list")))
    names = [a.nom for a in Antenne.objects.order_by("ordre")]
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)
    row = page[page.index("Antenne Muretain") :].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in row


@pytest.mark.django_db
def test_the_directory_export_is_an_xlsx_of_the_filtered_list_without_formulas(staff, users):
    import io

    from openpyxl import load_workbook

    muret = users["conseiller"].antenne
    UserFactory(
        email="x@ml31.org", first_name='=HYPERLINK("http://x.example","clic")', last_name="Piège", antenne=muret
    )
    response = staff.get(reverse("people_export"), {"antenne": muret.pk})
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-mlhg.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Nom", "Prénom", "Courriel", "Rôle", "Site", "Encadrant", "Compte", "Dernière connexion"]
    assert [r[2] for r in rows[1:]] == [users["conseiller"].email, "x@ml31.org"]  # by name: Dupont…, Piège
    cell = sheet["B3"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x.example","clic")', "s", True)
