"""Two-factor authentication (TOTP): enrolment from /compte/, the code after the password, staff forced to enrol."""

import html
from binascii import unhexlify

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mlhg_app import twofactor
from tests.factories import PASSWORD, TOTPDeviceFactory
from tests.web import flash, login


def text(response) -> str:
    """The page as the user reads it (HTML entities decoded)."""
    return html.unescape(response.content.decode())


def code_for(key_hex: str, *, offset: int = 0) -> str:
    return f"{totp(unhexlify(key_hex), t0=0, step=30, digits=6) + offset:06d}"[-6:]


def wrong_code(key_hex: str) -> str:
    right = code_for(key_hex)
    return "000000" if right != "000000" else "111111"


def password_step(email: str, next_url: str = ""):
    client = Client()
    data = {"username": email, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client, client.post(url, data)


def enrol(user) -> TOTPDevice:
    return TOTPDeviceFactory(user=user, name="test", key=twofactor.new_secret())


@pytest.mark.django_db
def test_evaluator_enrols_from_the_account_page_with_the_qr_code_and_a_first_code(users):
    client = login(users["evaluateur"])
    account = text(client.get(reverse("account")))
    assert "Activer la double authentification" in account
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200
    page_text = text(page)
    assert "<svg" in page_text
    secret = client.session[twofactor.SESSION_SECRET]
    assert twofactor.secret_for_display(secret) in page_text
    assert TOTPDevice.objects.count() == 0  # nothing stored before the first code confirms the key

    refused = client.post(reverse("otp_setup"), {"code": wrong_code(secret)})
    assert refused.status_code == 400
    assert twofactor.WRONG_CODE in text(refused)
    assert TOTPDevice.objects.count() == 0

    done = client.post(reverse("otp_setup"), {"code": code_for(secret)})
    assert done.status_code == 302
    assert flash(done).startswith("La double authentification est activée")
    device = TOTPDevice.objects.get(user=users["evaluateur"])
    assert device.confirmed and device.key == secret
    # the session that enrolled goes on without being asked for a code
    assert client.get(reverse("account")).status_code == 200
    assert "Activée : un code à 6 chiffres vous est demandé" in text(client.get(reverse("account")))


@pytest.mark.django_db
def test_roles_other_than_staff_and_evaluators_cannot_enrol(users):
    assert login(users["conseiller"]).get(reverse("otp_setup")).status_code == 403
    account = text(login(users["conseiller"]).get(reverse("account")))
    assert "double authentification" not in account


@pytest.mark.django_db
def test_login_asks_the_code_after_the_password_and_accepts_a_valid_one(users):
    device = enrol(users["staff"])
    client, response = password_step("staff@exemple.fr", next_url="/sites/")
    assert response.status_code == 302
    assert response["Location"] == reverse("otp_verify") + "?next=%2Fsites%2F"
    # until the code is given, every page leads to the code page
    blocked = client.get(reverse("antenne_list"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("otp_verify"))
    page = client.get(response["Location"])
    assert "Code de vérification" in text(page)
    done = client.post(reverse("otp_verify"), {"code": code_for(device.key), "next": "/sites/"})
    assert done.status_code == 302
    assert done["Location"] == "/sites/"
    assert client.get(reverse("antenne_list")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_french_message_and_then_slowed_down(users):
    device = enrol(users["evaluateur"])
    client, _response = password_step("evaluateur@exemple.fr")
    refused = client.post(reverse("otp_verify"), {"code": wrong_code(device.key)})
    assert refused.status_code == 400
    assert (
        "Code incorrect. Saisissez le code à 6 chiffres affiché en ce moment par votre application "
        "d'authentification (il change toutes les 30 secondes)." in text(refused)
    )
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))
    # right after a failure, even the right code waits (django-otp's throttling: 1, 2, 4… s)
    slowed = client.post(reverse("otp_verify"), {"code": code_for(device.key)})
    assert "Trop de codes incorrects : patientez 1 seconde avant" in text(slowed)
    letters = client.post(reverse("otp_verify"), {"code": "abc"})
    assert "Le code compte exactement 6 chiffres, par exemple 123456." in text(letters)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):
        assert client.post(reverse("otp_verify"), {"code": code_for(device.key)}).status_code == 302
        assert client.get(reverse("account")).status_code == 200


@pytest.mark.django_db
def test_a_user_without_two_factor_logs_in_with_the_password_alone(users):
    client, response = password_step("evaluateur@exemple.fr")
    assert response["Location"] == reverse("home")
    assert client.get(reverse("account")).status_code == 200


@pytest.mark.django_db
def test_the_admin_login_does_not_skip_the_code(users):
    from mlhg_app.models import User

    enrol(User.objects.create_superuser(email="technique@exemple.fr", password=PASSWORD))
    client = Client()
    client.post(reverse("admin:login"), {"username": "technique@exemple.fr", "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify"))


@pytest.mark.django_db
def test_staff_must_enrol_before_any_staff_page_when_required(users, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client = login(users["staff"])
    for url in [reverse("home"), reverse("antenne_list"), reverse("admin:index"), reverse("ami:list")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("otp_setup")), url
    page = text(client.get(reverse("otp_setup")))
    assert "L'administration de la MLHG exige la double authentification" in page
    secret = client.session[twofactor.SESSION_SECRET]
    client.post(reverse("otp_setup"), {"code": code_for(secret)})
    assert client.get(reverse("antenne_list")).status_code == 200
    # and it cannot be switched off
    refused = client.post(reverse("otp_setup"), {"code": code_for(secret, offset=0)})
    assert "elle ne peut pas être désactivée" in text(refused)
    assert TOTPDevice.objects.filter(user=users["staff"]).count() == 1
    # other roles are not concerned
    assert login(users["evaluateur"]).get(reverse("account")).status_code == 200


@pytest.mark.django_db
def test_an_evaluator_disables_two_factor_with_a_current_code(users):
    device = enrol(users["evaluateur"])
    client, _response = password_step("evaluateur@exemple.fr")
    client.post(reverse("otp_verify"), {"code": code_for(device.key)})
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):
        done = client.post(reverse("otp_setup"), {"code": code_for(device.key)})
    assert done.status_code == 302
    assert flash(done) == "La double authentification est désactivée."
    assert not TOTPDevice.objects.filter(user=users["evaluateur"]).exists()
    _client, again = password_step("evaluateur@exemple.fr")
    assert again["Location"] == reverse("home")


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["x", "account", "//ailleurs.example/", "https://ailleurs.example/"])
def test_hole_13_a_crafted_next_after_the_code_leads_home(users, next_value):
    device = enrol(users["staff"])
    client, _response = password_step("staff@exemple.fr")
    done = client.post(reverse("otp_verify"), {"code": code_for(device.key), "next": next_value})
    assert done.status_code == 302
    assert done["Location"] == reverse("home")


@pytest.mark.django_db
def test_staff_reset_a_lost_phone_from_the_directory_without_the_admin(users):
    """Issue 15: the lost phone is staff's work, done on the person's page of the directory (no key shown)."""
    from mlhg_app.models import User

    colleague = User.objects.create_user(email="collegue@exemple.fr", role="staff", is_staff=True)
    device = enrol(colleague)
    staff = login(users["staff"])
    url = reverse("people_edit", args=[colleague.pk])
    page = text(staff.get(url))
    assert "Réinitialiser la double authentification" in page and device.key not in page
    response = staff.post(url, {"action": "double_authentification"})
    assert response.status_code == 302
    assert flash(response).startswith("La double authentification de collegue@exemple.fr est réinitialisée")
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert "Réinitialiser la double authentification" not in text(staff.get(url))
    # a technical superuser's device is not staff's to remove
    root = User.objects.create_superuser(email="technique@exemple.fr", password=PASSWORD)
    enrol(root)
    response = staff.post(reverse("people_edit", args=[root.pk]), {"action": "double_authentification"})
    assert "ne se réinitialise pas ici" in flash(response)
    assert TOTPDevice.objects.filter(user=root).exists()
