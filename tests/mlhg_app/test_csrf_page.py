"""A form sent without its security token (an expired page, cookies refused) gets a French page in the
house style, with the way out, never Django's English « Forbidden (403) / CSRF verification failed »."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


def body(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_a_post_without_token_gets_the_french_csrf_page(reference):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x@exemple.fr", "password": "x"})
    assert response.status_code == 403
    page = body(response)
    assert "<h1>Formulaire expiré</h1>" in page
    assert "Rechargez la page" in page and "cookies" in page
    assert '<html lang="fr"' in page and "Mission Locale Haute-Garonne" in page  # the house layout and footer
    assert "CSRF verification failed" not in page and "Forbidden" not in page


@pytest.mark.django_db
def test_a_logged_in_person_sees_the_page_with_their_menu(reference):
    user = UserFactory(email="c@exemple.fr")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("account"), {})
    assert response.status_code == 403
    page = body(response)
    assert "<h1>Formulaire expiré</h1>" in page
    assert "Se déconnecter" in page or "Déconnexion" in page


@pytest.mark.django_db
def test_the_admin_console_is_in_french(reference):
    superuser = UserFactory(email="su@exemple.fr", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    names = [app["name"] for app in response.context["app_list"]]
    names += [m["name"] for app in response.context["app_list"] for m in app["models"]]
    assert "Utilisateurs" in names and "Tentatives de connexion" in names
    english = {"Users", "Groups", "TOTP devices", "Access attempts", "Access logs", "Access failures", "Sites"}
    assert not english & (set(names) - {"Sites"})  # « Sites » is French as well (the MLHG's sites)
    page = body(response)
    assert "Console technique de la plateforme APP" in page and "TOTP" not in page
    assert "Site administration" not in page and "Log out" not in page
