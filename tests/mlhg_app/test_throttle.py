"""No email bombing: password reset, registration and verification links are limited per address and per IP."""

import datetime
import html

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ami.models import Prestataire
from mlhg_app.client_address import client_ip
from mlhg_app.throttle import REFUSED
from tests.factories import PASSWORD
from tests.forms import REGISTRATION_FORM

RESET_SENT = "Réinitialisation de votre mot de passe – MLHG APP"


def text(response) -> str:
    return html.unescape(response.content.decode())


def luhn_siret(prefix: str) -> str:
    """A valid SIRET (Luhn) starting with these 13 digits."""
    for last in "0123456789":
        digits = [int(c) for c in prefix + last]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
        if total % 10 == 0:
            return prefix + last
    raise AssertionError("unreachable")


@pytest.mark.django_db
def test_the_fourth_reset_request_for_one_address_in_an_hour_sends_nothing_and_says_why(users):
    client = Client()
    start = timezone.now()
    for minute in (0, 2, 4):  # the reset email itself is sent at most once a minute
        with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
            response = client.post(reverse("password_reset"), {"email": "prestataire@exemple.fr"})
            assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == [RESET_SENT] * 3
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        fourth = client.post(reverse("password_reset"), {"email": "prestataire@exemple.fr"})
    assert fourth.status_code == 429
    assert REFUSED in text(fourth)
    assert len(mail.outbox) == 3
    # an hour after the first request, the address may ask again
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert client.post(reverse("password_reset"), {"email": "prestataire@exemple.fr"}).status_code == 302
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_reset_requests_are_limited_per_ip_whatever_the_addresses(users, settings):
    settings.THROTTLE_PER_IP = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    for email in ("staff@exemple.fr", "inconnu@exemple.fr"):
        assert client.post(reverse("password_reset"), {"email": email}).status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "prestataire@exemple.fr"})
    assert refused.status_code == 429
    assert REFUSED in text(refused)
    assert [m.to for m in mail.outbox] == [["staff@exemple.fr"]]
    # another client is not concerned
    assert Client(REMOTE_ADDR="203.0.113.8").post(reverse("password_reset"), {"email": "prestataire@exemple.fr"})[
        "Location"
    ] == reverse("password_reset_done")
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_registrations_from_one_ip_are_limited_and_the_refused_one_creates_nothing(
    reference, settings, django_capture_on_commit_callbacks
):
    settings.THROTTLE_PER_IP = 1
    client = Client(REMOTE_ADDR="198.51.100.4")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("ami:register"), REGISTRATION_FORM).status_code == 302
    assert len(mail.outbox) == 1
    second = dict(
        REGISTRATION_FORM, email="autre@horizons.fr", siret=luhn_siret("4420000000001"), raison_sociale="Autre"
    )
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("ami:register"), second)
    assert refused.status_code == 429
    assert REFUSED in text(refused)
    assert 'value="Autre"' in refused.content.decode()  # what was typed is still there
    assert Prestataire.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_verification_links_are_limited_per_address(reference, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ami:register"), REGISTRATION_FORM)
    assert len(mail.outbox) == 1
    url = reverse("ami:verify_email", kwargs={"token": "lien-abime"})
    start = timezone.now()
    for minute in (0, 2, 4):
        with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
            assert client.post(url, {"email": REGISTRATION_FORM["email"]}).status_code == 302
    assert len(mail.outbox) == 4
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        refused = client.post(url, {"email": REGISTRATION_FORM["email"]})
    assert refused.status_code == 429
    assert REFUSED in text(refused)
    assert len(mail.outbox) == 4


# -- the client's address behind the reverse proxy -----------------------------------------

PROXY = "10.0.0.2"


def behind_proxy(forwarded_for: str) -> Client:
    """A client reaching the app through the reverse proxy, which appends its peer to X-Forwarded-For."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.django_db
def test_hole_16_behind_one_trusted_proxy_two_clients_are_counted_apart(users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.THROTTLE_PER_IP = 1
    first, second = behind_proxy("198.51.100.20"), behind_proxy("198.51.100.21")
    assert first.post(reverse("password_reset"), {"email": "staff@exemple.fr"}).status_code == 302
    assert first.post(reverse("password_reset"), {"email": "inconnu@exemple.fr"}).status_code == 429
    # the other client behind the same proxy is not concerned
    assert second.post(reverse("password_reset"), {"email": "prestataire@exemple.fr"}).status_code == 302
    # a client cannot pass for another by writing its own X-Forwarded-For: the proxy appends the real one
    spoofing = behind_proxy("198.51.100.99, 198.51.100.20")
    assert spoofing.post(reverse("password_reset"), {"email": "conseiller@exemple.fr"}).status_code == 429
    assert [m.to for m in mail.outbox] == [["staff@exemple.fr"], ["prestataire@exemple.fr"]]


@pytest.mark.django_db
def test_hole_16_without_a_trusted_proxy_x_forwarded_for_is_ignored(users, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.THROTTLE_PER_IP = 1
    assert (
        behind_proxy("198.51.100.20").post(reverse("password_reset"), {"email": "staff@exemple.fr"}).status_code == 302
    )
    # a new X-Forwarded-For does not make a new client: the address is REMOTE_ADDR's
    refused = behind_proxy("198.51.100.21").post(reverse("password_reset"), {"email": "prestataire@exemple.fr"})
    assert refused.status_code == 429
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_hole_16_a_login_locked_behind_the_proxy_locks_only_that_client(users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, colleague = behind_proxy("198.51.100.30"), behind_proxy("198.51.100.31")
    for _ in range(5):
        attacker.post(reverse("login"), {"username": "staff@exemple.fr", "password": "faux"})
    assert attacker.post(reverse("login"), {"username": "staff@exemple.fr", "password": PASSWORD}).status_code == 429
    assert colleague.post(reverse("login"), {"username": "staff@exemple.fr", "password": PASSWORD}).status_code == 302
    settings.TRUSTED_PROXY_COUNT = 0  # without a trusted proxy, everyone behind it has the proxy's address
    other = behind_proxy("198.51.100.32")
    for _ in range(5):
        other.post(reverse("login"), {"username": "prestataire@exemple.fr", "password": "faux"})
    late = behind_proxy("198.51.100.33")
    assert late.post(reverse("login"), {"username": "prestataire@exemple.fr", "password": PASSWORD}).status_code == 429


@pytest.mark.parametrize(
    "count, forwarded_for, expected",
    [
        (0, "198.51.100.20", PROXY),
        (1, "198.51.100.20", "198.51.100.20"),
        (1, "198.51.100.99, 198.51.100.20", "198.51.100.20"),
        (2, "198.51.100.99, 198.51.100.20, 10.0.0.1", "198.51.100.20"),
        (2, "198.51.100.20", PROXY),  # fewer hops than configured: not trusted
        (1, "", PROXY),
    ],
)
def test_hole_16_the_client_is_the_address_the_first_trusted_proxy_received_from(
    settings, rf, count, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, **headers)) == expected


@pytest.mark.django_db
def test_two_requests_at_the_same_moment_cannot_both_take_the_last_place(settings, monkeypatch):
    """Two servers answering at once: the second request arrives while the first is between its
    reading of the counters and its writing of them (the check and the count were two steps)."""
    from django.core.cache import cache
    from django.test import RequestFactory

    from mlhg_app import throttle

    settings.THROTTLE_PER_ADDRESS = 1
    first, second = RequestFactory().post("/", REMOTE_ADDR="198.51.100.1"), RequestFactory().post("/")
    answers, meanwhile = [], [second]
    real_add = cache.add

    def add_meanwhile(key, *args, **kwargs):
        # the other server's request runs at this exact moment, once
        if meanwhile:
            answers.append(throttle.request_allowed(request=meanwhile.pop(), action="reset", email="a@exemple.fr"))
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", add_meanwhile)
    answers.append(throttle.request_allowed(request=first, action="reset", email="a@exemple.fr"))
    assert sorted(answers) == [False, True]  # one place, one request through
    # the refused one was not counted: the address has used exactly its one place
    assert cache.get(throttle._keys("reset", "a@exemple.fr", None)[0][0]) == 1
