import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mlhg_app.models import OutgoingMessage
from tests.factories import PASSWORD

WRONG = "Adresse électronique ou mot de passe incorrect."


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_login_by_email_lands_on_the_role_home(users):
    client = Client()
    response = login(client, "Conseiller@Exemple.fr", PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert "Vous retrouvez ici vos convocations" in home.content.decode()


@pytest.mark.django_db
def test_wrong_password_message_is_the_same_whether_the_email_exists(users):
    known = login(Client(), "staff@exemple.fr", "mauvais-mot-de-passe").content.decode()
    unknown = login(Client(), "inconnu@exemple.fr", "mauvais-mot-de-passe").content.decode()
    assert WRONG in known
    assert WRONG in unknown


@pytest.mark.django_db
def test_five_failures_lock_the_account_for_this_address_with_a_french_message(users):
    client = Client()
    for _ in range(4):
        assert WRONG in login(client, "staff@exemple.fr", "faux").content.decode()
    locked = login(client, "staff@exemple.fr", "faux")
    assert locked.status_code == 429
    assert "bloquée pendant 15 minutes" in locked.content.decode()
    # even the right password is refused while locked
    assert login(client, "staff@exemple.fr", PASSWORD).status_code == 429
    # another account from the same address is not locked
    assert login(client, "conseiller@exemple.fr", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_french_link_that_works_once(users):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "prestataire@exemple.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Réinitialisation de votre mot de passe – MLHG APP"
    assert message.to == ["prestataire@exemple.fr"]
    assert (
        OutgoingMessage.objects.filter(kind="account.password_reset", recipient="prestataire@exemple.fr").count() == 1
    )
    link = next(line for line in message.body.splitlines() if line.startswith("https://app.test/"))
    path = link.removeprefix("https://app.test")
    form_page = client.get(path, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-mot-2026", "new_password2": "Un-nouveau-mot-2026"},
    )
    assert done.status_code == 302
    assert login(Client(), "prestataire@exemple.fr", "Un-nouveau-mot-2026").status_code == 302
    again = Client().get(path, follow=True)
    assert "Lien expiré ou déjà utilisé" in again.content.decode()


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(users):
    response = Client().post(reverse("password_reset"), {"email": "personne@nulle-part.fr"}, follow=True)
    assert "Si un compte existe pour cette adresse" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_line_manager_flag(users):
    assert users["responsable"].is_line_manager
    assert not users["conseiller"].is_line_manager
    users["conseiller"].is_manager = True
    assert users["conseiller"].is_line_manager


@pytest.mark.django_db
def test_pages_are_in_french(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in page
    assert "Adresse électronique" in page
    assert "Mot de passe" in page
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.content.decode()
