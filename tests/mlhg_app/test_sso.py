"""Single sign-on, end to end against a real OpenID Connect provider (oidc-provider-mock, in a thread).

Our pages are driven with Django's test client; the provider's login page is answered over HTTP with
`requests`, as a browser would (the form where the person is chosen); the callback then exchanges the code with
the provider and checks the signed ID token for real. Nothing of ours nor of the provider is mocked.
"""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mlhg_app import sso
from tests.factories import PASSWORD, UserFactory
from tests.web import flash, put_provider_user

CLIENT_ID = "mlhg-app-tests"


def start(client, next_url=None):
    url = reverse("sso_login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return client.get(url)


def at_provider(response, issuer, **form):
    """The person answers the provider's login page; returns the callback path the provider sends back to."""
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(f"{issuer}/oauth2/authorize?")
    page = requests.get(authorize, timeout=10)
    assert page.status_code == 200
    answer = requests.post(authorize, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    assert back.path == reverse("sso_callback")
    return f"{back.path}?{back.query}"


def sso_login(client, issuer, sub, next_url=None):
    return client.get(at_provider(start(client, next_url), issuer, sub=sub))


def logged_in_as(client):
    return client.get(reverse("home")).wsgi_request.user


def refused_with(client, response) -> str:
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("login")
    assert not logged_in_as(client).is_authenticated
    return flash(response)


@pytest.mark.django_db
def test_staff_logs_in_through_sso_matched_by_email_whatever_its_case(sso_on, reference):
    person = UserFactory(email="direction@ml31.org", role="staff", is_staff=True, first_name="Hélène")
    put_provider_user(sso_on, "direction-sub", email="Direction@ML31.org", email_verified=True, name="Hélène D.")
    client = Client()
    response = sso_login(client, sso_on, "direction-sub")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_as(client) == person
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_sso_login_asks_no_totp_code_the_organisation_gave_its_own(sso_on, settings, reference):
    settings.OTP_REQUIRED_FOR_STAFF = True
    person = UserFactory(email="rh@ml31.org", role="staff", is_staff=True)
    TOTPDevice.objects.create(user=person, name="app", confirmed=True)
    put_provider_user(sso_on, "rh-sub", email="rh@ml31.org", email_verified=True)
    client = Client()
    assert sso_login(client, sso_on, "rh-sub")["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert client.get(reverse("account")).status_code == 200
    # The console is not staff's (issue 15); the same login opens it to a technical superuser.
    assert urlparse(client.get(reverse("admin:index"))["Location"]).path == reverse("admin:login")
    type(person).objects.filter(pk=person.pk).update(is_superuser=True)
    assert client.get(reverse("admin:index")).status_code == 200
    # The same person with a password: the code is asked, as before.
    other = Client()
    password = other.post(reverse("login"), {"username": "rh@ml31.org", "password": PASSWORD})
    assert urlparse(password["Location"]).path == reverse("otp_verify")


@pytest.mark.django_db
def test_sso_login_goes_on_to_the_page_asked_and_never_to_another_site(sso_on, reference):
    UserFactory(email="evaluatrice@ml31.org", role="evaluateur")
    put_provider_user(sso_on, "eval-sub", email="evaluatrice@ml31.org", email_verified=True)
    client = Client()
    assert sso_login(client, sso_on, "eval-sub", next_url="/compte/")["Location"] == "/compte/"
    other = Client()
    assert sso_login(other, sso_on, "eval-sub", next_url="https://ailleurs.example/")["Location"] == reverse("home")


@pytest.mark.django_db
def test_entra_claims_without_email_verified_use_email_then_preferred_username(sso_on, reference):
    """Microsoft Entra ID sends no `email_verified`: its `preferred_username` (the UPN) is the address."""
    person = UserFactory(email="manon.dupuy@ml31.org", role="conseiller", antenne=reference.get(code="muretain"))
    put_provider_user(sso_on, "entra-oid", preferred_username="Manon.Dupuy@ml31.org", name="Manon Dupuy")
    client = Client()
    assert sso_login(client, sso_on, "entra-oid")["Location"] == reverse("home")
    assert logged_in_as(client) == person


@pytest.mark.django_db
def test_unknown_email_is_refused_in_french_and_no_account_is_created(sso_on, reference):
    from mlhg_app.models import User

    put_provider_user(sso_on, "inconnu-sub", email="inconnu@ml31.org", email_verified=True)
    before = User.objects.count()
    client = Client()
    message = refused_with(client, sso_login(client, sso_on, "inconnu-sub"))
    assert message == sso.UNKNOWN.format(email="inconnu@ml31.org")
    assert User.objects.count() == before
    page = client.get(reverse("login"))
    assert "n’est pas dans l’annuaire de la plateforme" not in page.content.decode()  # shown once


@pytest.mark.django_db
def test_deactivated_person_is_refused(sso_on, reference):
    UserFactory(email="ancienne@ml31.org", role="conseiller", antenne=reference.get(code="muretain"), is_active=False)
    put_provider_user(sso_on, "ancienne-sub", email="ancienne@ml31.org", email_verified=True)
    client = Client()
    assert refused_with(client, sso_login(client, sso_on, "ancienne-sub")) == sso.DEACTIVATED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["prestataire", "intervenant"])
def test_external_people_are_refused_through_sso_and_keep_their_password(sso_on, reference, role):
    UserFactory(email=f"{role}@horizons.example", role=role)
    put_provider_user(sso_on, f"{role}-sub", email=f"{role}@horizons.example", email_verified=True)
    client = Client()
    assert refused_with(client, sso_login(client, sso_on, f"{role}-sub")) == sso.EXTERNAL
    password = client.post(reverse("login"), {"username": f"{role}@horizons.example", "password": PASSWORD})
    assert password.status_code == 302
    assert logged_in_as(client).email == f"{role}@horizons.example"


@pytest.mark.django_db
def test_an_unverified_email_is_refused(sso_on, reference):
    UserFactory(email="responsable@ml31.org", role="responsable")
    put_provider_user(sso_on, "unverified-sub", email="responsable@ml31.org", email_verified=False)
    client = Client()
    assert refused_with(client, sso_login(client, sso_on, "unverified-sub")) == sso.NO_EMAIL


@pytest.mark.django_db
def test_a_tampered_or_replayed_state_is_refused(sso_on, reference):
    UserFactory(email="direction@ml31.org", role="staff", is_staff=True)
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    client = Client()
    callback = at_provider(start(client), sso_on, sub="direction-sub")
    parts = urlparse(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    forged = f"{parts.path}?{urlencode(query | {'state': 'etat-falsifie'})}"
    assert refused_with(client, client.get(forged)) == sso.EXPIRED
    # Another browser (no state in its session) with the genuine answer: refused too.
    stranger = Client()
    assert refused_with(stranger, stranger.get(callback)) == sso.EXPIRED
    # The genuine answer in its own session logs in once; replayed, it is refused.
    assert client.get(callback)["Location"] == reverse("home")
    client.logout()
    assert refused_with(client, client.get(callback)) == sso.EXPIRED


@pytest.mark.django_db
def test_cancelled_at_the_provider_comes_back_with_a_message(sso_on, reference):
    client = Client()
    callback = at_provider(start(client), sso_on, action="deny")
    assert "error=access_denied" in callback
    assert refused_with(client, client.get(callback)) == sso.CANCELLED


@pytest.mark.django_db
def test_a_token_of_another_issuer_is_refused(sso_on, settings, reference):
    """The endpoints named one by one on 127.0.0.1: the provider signs its tokens as http://127.0.0.1:port,
    which is not the configured issuer (localhost)."""
    UserFactory(email="direction@ml31.org", role="staff", is_staff=True)
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    other = sso_on.replace("localhost", "127.0.0.1")
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{other}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{other}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{other}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{other}/jwks"
    client = Client()
    callback = at_provider(start(client), other, sub="direction-sub")
    assert refused_with(client, client.get(callback)) == sso.INVALID


@pytest.mark.django_db
def test_provider_down_gives_a_message_on_the_login_page_never_a_500(settings, reference):
    settings.SSO_ENABLED = True
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing answers
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "x"
    settings.OIDC_TIMEOUT = 2
    sso._discovered.clear()
    client = Client()
    response = start(client, next_url="/compte/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fcompte%2F"
    assert flash(response) == sso.UNAVAILABLE


@pytest.mark.django_db
def test_provider_down_at_the_callback_gives_a_message(sso_on, settings, reference):
    UserFactory(email="direction@ml31.org", role="staff", is_staff=True)
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    client = Client()
    callback = at_provider(start(client), sso_on, sub="direction-sub")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/oauth2/token"
    settings.OIDC_TIMEOUT = 2
    assert refused_with(client, client.get(callback)) == sso.UNAVAILABLE


@pytest.mark.django_db
def test_a_pair_locked_by_wrong_passwords_is_refused_through_sso_too(sso_on, reference):
    UserFactory(email="direction@ml31.org", role="staff", is_staff=True)
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "direction@ml31.org", "password": "faux"})
    assert refused_with(client, sso_login(client, sso_on, "direction-sub")) == sso.LOCKED


@pytest.mark.django_db
def test_refused_sso_attempts_are_counted_by_axes(sso_on, reference):
    from axes.models import AccessAttempt

    put_provider_user(sso_on, "inconnu-sub", email="inconnu@ml31.org", email_verified=True)
    client = Client()
    sso_login(client, sso_on, "inconnu-sub")
    sso_login(client, sso_on, "inconnu-sub")
    assert AccessAttempt.objects.get(username="inconnu@ml31.org").failures_since_start == 2


@pytest.mark.django_db
def test_logout_after_sso_ends_our_session_and_offers_the_providers(sso_on, reference):
    UserFactory(email="direction@ml31.org", role="staff", is_staff=True)
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    client = Client()
    sso_login(client, sso_on, "direction-sub")
    page = client.post(reverse("logout"))
    assert page.status_code == 200
    assert not logged_in_as(client).is_authenticated
    html = page.content.decode()
    assert "Fermer aussi la session de votre compte Microsoft" in html
    assert f'href="{sso_on}/oauth2/end_session?' in html
    # The link works at the provider: its end-session page answers.
    link = html.split(f'href="{sso_on}/oauth2/end_session?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert requests.get(f"{sso_on}/oauth2/end_session?{link}", timeout=10).status_code == 200
    assert "id_token_hint=" in link


@pytest.mark.django_db
def test_login_page_shows_the_sso_button_only_when_configured(settings, sso_on, reference):
    page = Client().get(reverse("login") + "?next=/compte/").content.decode()
    assert "Se connecter avec le compte Microsoft de la Mission Locale" in page
    assert f'href="{reverse("sso_login")}?next=%2Fcompte%2F"' in page
    settings.SSO_ENABLED = False
    assert "compte Microsoft" not in Client().get(reverse("login")).content.decode()
    assert Client().get(reverse("sso_login")).status_code == 404
    assert Client().get(reverse("sso_callback") + "?code=x&state=y").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_full_flow_over_http_against_the_live_server(sso_on, live_server, reference):
    """A browser's journey with `requests` following every redirect: our server, the provider, back."""
    person = UserFactory(email="direction@ml31.org", role="staff", is_staff=True, first_name="Hélène")
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}{reverse('login')}", timeout=10)
    assert "Se connecter avec le compte Microsoft de la Mission Locale" in login_page.text
    at_provider_page = browser.get(f"{live_server.url}{reverse('sso_login')}", timeout=10)
    assert at_provider_page.url.startswith(f"{sso_on}/oauth2/authorize?")
    home = browser.post(at_provider_page.url, data={"sub": "direction-sub"}, timeout=20)
    assert home.status_code == 200
    assert urlparse(home.url).path == reverse("home")
    assert person.get_full_name() in home.text


@pytest.mark.django_db
def test_a_person_already_logged_in_goes_on_without_the_provider(sso_on, users):
    from tests.web import login

    client = login(users["staff"])
    assert start(client, next_url="/compte/")["Location"] == "/compte/"
    assert start(client)["Location"] == reverse("home")


def test_an_issuer_without_its_client_secret_stops_start_up_naming_it():
    from tests.processes import run

    result = run(["manage.py", "check"], OIDC_ISSUER="https://login.microsoftonline.com/t/v2.0", OIDC_CLIENT_ID="id")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration incomplète : OIDC_ISSUER est défini, la variable OIDC_CLIENT_SECRET est obligatoire."
    ]


@pytest.mark.django_db
def test_a_person_deactivated_during_an_sso_session_is_logged_out_at_the_next_page(sso_on, reference):
    person = UserFactory(email="direction@ml31.org", role="staff", is_staff=True)
    put_provider_user(sso_on, "direction-sub", email="direction@ml31.org", email_verified=True)
    client = Client()
    sso_login(client, sso_on, "direction-sub")
    assert logged_in_as(client) == person
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert not logged_in_as(client).is_authenticated
