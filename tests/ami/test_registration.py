"""A prestataire registers its organisation, verifies its address, and invites colleagues."""

import datetime
import re
from zoneinfo import ZoneInfo

import cssselect2
import pytest
import time_machine
import tinyhtml5
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from ami import selectors
from ami.forms.registration import EMAIL_TAKEN
from ami.models import Membre, Prestataire
from mlhg_app.models import OutgoingMessage, User
from tests.factories import MembreFactory, PrestataireFactory, UserFactory
from tests.forms import REGISTRATION_FORM

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 5, 4, 10, 0, 0, tzinfo=PARIS)
PASSWORD = REGISTRATION_FORM["password1"]
VALID_SIRET = "73282932000074"

VERIFY_SUBJECT = "Confirmez votre adresse électronique – MLHG APP"
INVITATION_SUBJECT = "Invitation à rejoindre Horizons Supervision sur la plateforme APP de la MLHG"


def _root(response):
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def texts(response, selector: str) -> list[str]:
    return [" ".join("".join(e.etree_element.itertext()).split()) for e in _root(response).query_all(selector)]


def field_errors(response, name: str) -> list[str]:
    """The error messages shown at a form field (crispy-forms bootstrap5)."""
    return texts(response, f"#error_1_id_{name}, #error_2_id_{name}, #error_3_id_{name}")


def input_value(response, name: str) -> str | None:
    found = [e.etree_element.get("value") for e in _root(response).query_all(f"input[name={name}]")]
    return found[0] if found else None


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def link_in(message) -> str:
    """The path of the https://app.test/ link of an email's text."""
    url = re.search(r"https://app\.test(/\S+)", message.body).group(1)
    return url


def register(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("ami:register"), {**REGISTRATION_FORM, **changes})


# -- registration ------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_then_email_link_activates_and_logs_in(reference, django_capture_on_commit_callbacks):
    client = Client()
    assert client.get(reverse("ami:register")).status_code == 200

    with time_machine.travel(NOW, tick=False):
        response = register(client, django_capture_on_commit_callbacks)
        done = client.get(reverse("ami:register_done"))

    assert response.status_code == 302
    assert response["Location"] == reverse("ami:register_done")
    assert texts(done, "h1") == ["Vérifiez votre messagerie"]
    assert texts(done, "p.lead") == ["Nous avons envoyé un lien de vérification à claire.delmas@horizons.fr."]

    prestataire = Prestataire.objects.get()
    assert (prestataire.raison_sociale, prestataire.siret, prestataire.code_postal) == (
        "Horizons Supervision",
        VALID_SIRET,
        "31000",
    )
    user = User.objects.get(email="claire.delmas@horizons.fr")
    assert (user.role, user.is_active, user.first_name, user.last_name) == ("prestataire", False, "Claire", "Delmas")
    assert user.membre.prestataire == prestataire
    assert user.membre.email_verified_at is None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == VERIFY_SUBJECT
    assert message.to == ["claire.delmas@horizons.fr"]
    assert message.body.replace(link_in(message), "/LIEN") == (
        "Bonjour Claire,\n\n"
        "Vous avez inscrit Horizons Supervision sur la plateforme APP de la Mission Locale Haute-Garonne.\n\n"
        "Pour confirmer votre adresse électronique et activer votre compte, ouvrez ce lien "
        "(valable 3 jours, utilisable une fois) :\nhttps://app.test/LIEN\n\n"
        "Votre identifiant est votre adresse électronique : claire.delmas@horizons.fr\n\n"
        "Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message : le compte restera inactif.\n\n"
        "—\nPlateforme APP de la Mission Locale Haute-Garonne · https://app.test\n\n"
    )
    assert link_in(message).startswith("/ami/inscription/verifier/")
    assert OutgoingMessage.objects.filter(kind="prestataire.verify").count() == 1

    # Before verification, the account cannot log in.
    login = Client().post(reverse("login"), {"username": "claire.delmas@horizons.fr", "password": PASSWORD})
    assert login.status_code == 200

    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        verified = client.get(link_in(message))

        assert verified.status_code == 302
        assert verified["Location"] == reverse("home")
        assert flash(verified) == ["Votre adresse électronique est vérifiée : votre compte est activé."]
        user.refresh_from_db()
        assert user.is_active is True
        assert user.membre.email_verified_at == NOW + datetime.timedelta(days=2)
        home = client.get(reverse("home"))
        assert texts(home, "h1") == ["Bonjour Claire"]
        assert client.get(reverse("ami:organisation")).status_code == 200

        # And the password now works.
        again = Client().post(reverse("login"), {"username": "claire.delmas@horizons.fr", "password": PASSWORD})
        assert again.status_code == 302


@pytest.mark.django_db
def test_the_one_line_address_asks_the_browser_for_its_first_line(reference):
    body = Client().get(reverse("ami:register")).content.decode()
    address = re.search(r'<input[^>]*name="adresse"[^>]*>', body).group(0)
    # « street-address » is a multi-line value: on a one-line input the W3C checker calls it an error
    assert 'autocomplete="address-line1"' in address
    assert "street-address" not in body


@pytest.mark.django_db
def test_a_used_verification_link_says_so_and_offers_to_log_in(reference, django_capture_on_commit_callbacks):
    register(Client(), django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    assert Client().get(path).status_code == 302

    reused = Client().get(path)

    assert reused.status_code == 200
    assert texts(reused, ".alert-warning") == [
        "Ce lien a déjà été utilisé : votre adresse est vérifiée et votre compte est actif. "
        "Connectez-vous avec votre adresse électronique et votre mot de passe."
    ]
    assert "_auth_user_id" not in reused.wsgi_request.session


@pytest.mark.django_db
def test_an_expired_link_is_refused_and_a_new_one_can_be_requested(reference, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        register(Client(), django_capture_on_commit_callbacks)
    old = link_in(mail.outbox[0])
    client = Client()

    with time_machine.travel(NOW + datetime.timedelta(days=3, seconds=1), tick=False):
        expired = client.get(old)
        assert texts(expired, ".alert-warning") == [
            "Ce lien de vérification a expiré : il n'est valable que 3 jours. Demandez un nouveau lien ci-dessous."
        ]
        resent = client.post(old, {"action": "resend", "email": "CLAIRE.DELMAS@horizons.fr"})

    assert resent["Location"] == reverse("ami:register_done")
    assert flash(resent) == [
        "Si un compte en attente d'activation correspond à cette adresse, un nouveau lien vient d'y être envoyé. "
        "Il est valable 3 jours."
    ]
    assert [m.subject for m in mail.outbox] == [VERIFY_SUBJECT, VERIFY_SUBJECT]
    assert User.objects.get(email="claire.delmas@horizons.fr").is_active is False

    with time_machine.travel(NOW + datetime.timedelta(days=3, minutes=5), tick=False):
        assert client.get(link_in(mail.outbox[1]))["Location"] == reverse("home")
    assert User.objects.get(email="claire.delmas@horizons.fr").is_active is True


@pytest.mark.django_db
def test_a_link_just_before_three_days_still_works(reference, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        register(Client(), django_capture_on_commit_callbacks)
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        assert Client().get(link_in(mail.outbox[0]))["Location"] == reverse("home")


@pytest.mark.django_db
def test_resend_answers_the_same_for_an_unknown_or_active_address(reference, users):
    url = reverse("ami:verify_email", args=["jeton-invalide"])

    unknown = Client().post(url, {"action": "resend", "email": "personne@inconnu.fr"})
    active = Client().post(url, {"action": "resend", "email": "prestataire@exemple.fr"})

    assert unknown["Location"] == active["Location"] == reverse("ami:register_done")
    assert flash(unknown) == flash(active)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_tampered_link_is_not_valid(db):
    response = Client().get(reverse("ami:verify_email", args=["jeton-invalide"]))

    assert response.status_code == 200
    assert texts(response, "h1") == ["Lien de vérification non valable"]
    assert texts(response, ".alert-warning") == [
        "Ce lien de vérification n'est pas valable. Vérifiez que vous avez copié l'adresse complète depuis le "
        "courriel, ou demandez un nouveau lien ci-dessous."
    ]


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "siret, message",
    [
        ("732 829 320", "Le SIRET compte exactement 14 chiffres (reçu : 9 caractères)."),
        ("732829320000745", "Le SIRET compte exactement 14 chiffres (reçu : 15 caractères)."),
        ("73282932000075", "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les 14 chiffres."),
        ("7328293200007A", "Le SIRET ne contient que des chiffres : saisissez ses 14 chiffres."),
    ],
)
def test_a_wrong_siret_is_refused_at_the_field_and_nothing_typed_is_lost(
    reference, django_capture_on_commit_callbacks, siret, message
):
    response = register(Client(), django_capture_on_commit_callbacks, siret=siret)

    assert response.status_code == 200
    assert field_errors(response, "siret") == [message]
    assert input_value(response, "siret") == siret
    assert input_value(response, "raison_sociale") == "Horizons Supervision"
    assert input_value(response, "email") == "Claire.Delmas@Horizons.fr"
    assert input_value(response, "password1") is None
    assert Prestataire.objects.count() == 0
    assert mail.outbox == []


ATTEMPT_SUBJECT = "Tentative d'inscription avec votre adresse – MLHG APP"


def answer(response, client) -> tuple:
    """What a visitor sees after posting the registration form: the status, where it leads, the page there."""
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location"), texts(page, "h1"), texts(page, "main p")


# Replaces test_duplicate_email_and_siret_are_refused_at_their_fields, which asserted the hole
# (« Un compte existe déjà… » and « Une organisation avec ce SIRET est déjà inscrite » at the fields).
@pytest.mark.django_db
def test_hole_12_registration_answers_the_same_for_a_new_and_an_existing_email(
    reference, django_capture_on_commit_callbacks
):
    existing = MembreFactory(user__email="claire.delmas@horizons.fr", user__first_name="Claire").user
    known_client, new_client = Client(), Client()
    known = register(known_client, django_capture_on_commit_callbacks, siret="44200000000012")
    assert [m.to for m in mail.outbox] == [["claire.delmas@horizons.fr"]]
    new = register(
        new_client, django_capture_on_commit_callbacks, email="Claire.Delmas@Horizons.org", siret=VALID_SIRET
    )

    seen_known, seen_new = answer(known, known_client), answer(new, new_client)
    assert seen_known[:3] == seen_new[:3] == (302, reverse("ami:register_done"), ["Vérifiez votre messagerie"])
    assert [p.replace("horizons.org", "horizons.fr") for p in seen_new[3]] == seen_known[3]
    # Nothing was created for the known address; its owner is told, with a way to log in or reset.
    assert User.objects.filter(email="claire.delmas@horizons.fr").count() == 1
    assert Prestataire.objects.filter(siret="44200000000012").count() == 0
    notice = mail.outbox[0]
    assert notice.subject == ATTEMPT_SUBJECT
    assert "Quelqu'un vient de demander à inscrire une organisation avec votre adresse" in notice.body
    assert "https://app.test/connexion/" in notice.body
    assert "https://app.test" + reverse("password_reset") in notice.body
    existing.refresh_from_db()
    assert existing.check_password("mot-de-passe-solide-42")  # the account is untouched
    # The new address got its verification link.
    assert [m.subject for m in mail.outbox] == [ATTEMPT_SUBJECT, VERIFY_SUBJECT]
    assert mail.outbox[1].to == ["claire.delmas@horizons.org"]


@pytest.mark.django_db
def test_hole_12_an_existing_siret_is_not_revealed_and_its_accounts_are_told(
    reference, django_capture_on_commit_callbacks
):
    organisation = PrestataireFactory(siret=VALID_SIRET, raison_sociale="Horizons Supervision")
    MembreFactory(prestataire=organisation, user__email="gerant@horizons.fr")
    client = Client()
    response = register(client, django_capture_on_commit_callbacks, email="nouvelle@horizons.fr")

    assert answer(response, client)[:3] == (302, reverse("ami:register_done"), ["Vérifiez votre messagerie"])
    assert Prestataire.objects.filter(siret=VALID_SIRET).count() == 1
    assert not User.objects.filter(email="nouvelle@horizons.fr").exists()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["gerant@horizons.fr"], "Demande d'accès à Horizons Supervision – MLHG APP")
    ]
    body = mail.outbox[0].body
    assert "Claire Delmas (nouvelle@horizons.fr) a demandé à inscrire Horizons Supervision" in body
    assert "https://app.test" + reverse("ami:organisation") in body


@pytest.mark.django_db
def test_hole_12_registration_posts_are_throttled_per_ip_whatever_the_answer(
    reference, settings, django_capture_on_commit_callbacks
):
    settings.THROTTLE_PER_IP = 10
    for n in range(12):
        UserFactory(email=f"compte{n}@exemple.fr", role=User.Role.PRESTATAIRE, antenne=None)
    client = Client(REMOTE_ADDR="198.51.100.12")
    statuses = [
        register(client, django_capture_on_commit_callbacks, email=f"compte{n}@exemple.fr").status_code
        for n in range(12)
    ]
    assert statuses == [302] * 10 + [429] * 2
    assert len(mail.outbox) == 10


@pytest.mark.django_db
def test_passwords_and_postcode_are_checked_with_french_messages(reference, django_capture_on_commit_callbacks):
    mismatch = register(Client(), django_capture_on_commit_callbacks, password2="autre-chose-2026", code_postal="310")
    short = register(Client(), django_capture_on_commit_callbacks, password1="court", password2="court")

    assert field_errors(mismatch, "password2") == ["Les deux mots de passe ne sont pas identiques."]
    assert field_errors(mismatch, "code_postal") == ["Le code postal compte 5 chiffres, par exemple 31000."]
    assert field_errors(short, "password1") == [
        "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères."
    ]
    assert texts(short, ".alert-danger") == [
        "Le formulaire contient des erreurs : corrigez les champs signalés ci-dessous. "
        "Pour votre sécurité, saisissez à nouveau le mot de passe."
    ]
    assert User.objects.filter(email="claire.delmas@horizons.fr").count() == 0


# -- colleagues ------------------------------------------------------------------------------


def member_client(membre) -> Client:
    client = Client()
    client.force_login(membre.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def claire(reference):
    return MembreFactory(
        user=UserFactory(
            email="claire@horizons.fr", first_name="Claire", last_name="Delmas", role="prestataire", antenne=None
        ),
        prestataire=PrestataireFactory(raison_sociale="Horizons Supervision", siret=VALID_SIRET),
    )


def invite(client, capture, **changes):
    data = {"first_name": "Marc", "last_name": "Olivier", "email": "Marc.Olivier@horizons.fr", **changes}
    with capture(execute=True):
        return client.post(reverse("ami:organisation"), data)


@pytest.mark.django_db
def test_organisation_page_shows_the_details_and_accounts(claire):
    response = member_client(claire).get(reverse("ami:organisation"))

    assert texts(response, "h1") == ["Horizons Supervision"]
    assert texts(response, "dl dd")[:3] == ["Horizons Supervision", "SARL", VALID_SIRET]
    assert texts(response, "tbody tr td:nth-child(-n+3)") == ["Claire Delmas (vous)", "claire@horizons.fr", "Actif"]


@pytest.mark.django_db
def test_invited_colleague_chooses_a_password_and_sees_the_same_organisation(
    claire, django_capture_on_commit_callbacks
):
    client = member_client(claire)

    response = invite(client, django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("ami:organisation")
    assert flash(response) == [
        "Invitation envoyée à marc.olivier@horizons.fr : le lien reçu permet de choisir un mot de passe."
    ]
    marc = User.objects.get(email="marc.olivier@horizons.fr")
    assert (marc.role, marc.is_active, marc.has_usable_password()) == ("prestataire", False, False)
    assert (marc.membre.prestataire, marc.membre.invited_by) == (claire.prestataire, claire.user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == INVITATION_SUBJECT
    assert message.to == ["marc.olivier@horizons.fr"]
    assert "Claire Delmas vous invite à rejoindre le compte de Horizons Supervision" in message.body
    page = client.get(reverse("ami:organisation"))
    assert texts(page, "tbody tr td:nth-child(3)") == ["Actif", "Invitation envoyée"]

    colleague = Client()
    form = colleague.get(link_in(message))
    assert texts(form, "h1") == ["Rejoindre Horizons Supervision"]
    mismatch = colleague.post(link_in(message), {"new_password1": PASSWORD, "new_password2": "autre"})
    assert mismatch.status_code == 200
    assert User.objects.get(pk=marc.pk).is_active is False

    accepted = colleague.post(link_in(message), {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert accepted["Location"] == reverse("home")
    assert flash(accepted) == ["Votre mot de passe est enregistré : bienvenue sur la plateforme APP de la MLHG."]
    marc.refresh_from_db()
    assert marc.is_active is True
    assert marc.check_password(PASSWORD)
    assert marc.membre.email_verified_at is not None
    assert selectors.prestataire_of(marc) == claire.prestataire
    own = colleague.get(reverse("ami:organisation"))
    assert texts(own, "h1") == ["Horizons Supervision"]
    assert texts(own, "tbody tr td:nth-child(-n+3)") == [
        "Claire Delmas",
        "claire@horizons.fr",
        "Actif",
        "Marc Olivier (vous)",
        "marc.olivier@horizons.fr",
        "Actif",
    ]

    reused = Client().get(link_in(message))
    assert texts(reused, ".alert-warning") == [
        "Cette invitation a déjà été utilisée : votre compte est actif. "
        "Connectez-vous avec votre adresse électronique et votre mot de passe."
    ]


@pytest.mark.django_db
def test_an_invitation_expires_after_three_days_and_can_be_resent(claire, django_capture_on_commit_callbacks):
    client = member_client(claire)
    with time_machine.travel(NOW, tick=False):
        invite(client, django_capture_on_commit_callbacks)
        client.get(reverse("ami:organisation"))  # shows (and consumes) the confirmation
    marc = Membre.objects.get(user__email="marc.olivier@horizons.fr")

    with time_machine.travel(NOW + datetime.timedelta(days=4), tick=False):
        expired = Client().get(link_in(mail.outbox[0]))
        resent = client.post(reverse("ami:organisation"), {"resend": marc.pk})

    assert texts(expired, "h1") == ["Invitation non valable"]
    assert texts(expired, ".alert-warning")[0].startswith("Cette invitation a expiré : elle n'est valable que 3 jours.")
    assert flash(resent) == ["L'invitation a été renvoyée à marc.olivier@horizons.fr."]
    assert [m.subject for m in mail.outbox] == [INVITATION_SUBJECT, INVITATION_SUBJECT]
    with time_machine.travel(NOW + datetime.timedelta(days=4, hours=1), tick=False):
        assert texts(Client().get(link_in(mail.outbox[1])), "h1") == ["Rejoindre Horizons Supervision"]


@pytest.mark.django_db
def test_invited_colleague_can_ask_a_new_link_from_the_expired_page(claire, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        invite(member_client(claire), django_capture_on_commit_callbacks)
    old = link_in(mail.outbox[0])

    with time_machine.travel(NOW + datetime.timedelta(days=5), tick=False):
        response = Client().post(old, {"action": "resend", "email": "marc.olivier@horizons.fr"})

    assert response["Location"] == reverse("ami:register_done")
    assert [m.subject for m in mail.outbox] == [INVITATION_SUBJECT, INVITATION_SUBJECT]


@pytest.mark.django_db
def test_inviting_an_existing_address_is_refused_at_the_field(claire, django_capture_on_commit_callbacks):
    response = invite(member_client(claire), django_capture_on_commit_callbacks, email="CLAIRE@horizons.fr")

    assert response.status_code == 200
    assert field_errors(response, "email") == [EMAIL_TAKEN]
    assert input_value(response, "first_name") == "Marc"
    assert mail.outbox == []


@pytest.mark.django_db
def test_another_organisation_cannot_resend_our_invitations(claire, django_capture_on_commit_callbacks):
    invite(member_client(claire), django_capture_on_commit_callbacks)
    marc = Membre.objects.get(user__email="marc.olivier@horizons.fr")
    other = MembreFactory()

    response = member_client(other).post(reverse("ami:organisation"), {"resend": marc.pk})

    assert response.status_code == 404
    assert len(mail.outbox) == 1
    page = member_client(other).get(reverse("ami:organisation"))
    assert texts(page, "tbody tr td:nth-child(2)") == [other.user.email]


@pytest.mark.django_db
def test_registering_again_before_verifying_sends_the_verification_link_again(
    reference, django_capture_on_commit_callbacks
):
    register(Client(), django_capture_on_commit_callbacks)
    again = register(Client(), django_capture_on_commit_callbacks, siret="44200000000012")
    assert again["Location"] == reverse("ami:register_done")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["claire.delmas@horizons.fr"], VERIFY_SUBJECT)] * 2
    assert Prestataire.objects.count() == 1
