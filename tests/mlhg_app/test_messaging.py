import pytest
from django.core import mail

from mlhg_app.messaging import message_send
from mlhg_app.models import OutgoingMessage, User
from mlhg_app.services import users as services
from mlhg_app.services.users import send_welcome


@pytest.mark.django_db
def test_welcome_email_is_sent_once_however_often_the_task_runs(users):
    user = users["intervenant"]
    assert send_welcome.apply(kwargs={"user_id": user.pk}).get() is True
    assert send_welcome.apply(kwargs={"user_id": user.pk}).get() is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Votre accès à la plateforme APP de la Mission Locale Haute-Garonne"
    assert message.to == ["intervenant@exemple.fr"]
    assert "Pour choisir votre mot de passe, ouvrez ce lien" in message.body
    html = message.alternatives[0][0]
    assert "Choisir mon mot de passe" in html
    row = OutgoingMessage.objects.get()
    assert (row.kind, row.object_type, row.object_id, row.recipient) == (
        "account.welcome",
        "mlhg_app.user",
        str(user.pk),
        "intervenant@exemple.fr",
    )


@pytest.mark.django_db
def test_task_for_a_deleted_user_returns_quietly(users):
    user = users["conseiller"]
    pk = user.pk
    user.delete()
    assert send_welcome.apply(kwargs={"user_id": pk}).get() is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_send_leaves_no_log_row_so_a_retry_sends(users, settings):
    settings.EMAIL_BACKEND = "tests.mlhg_app.test_messaging.BrokenBackend"
    with pytest.raises(ConnectionRefusedError):
        services.user_welcome_send(user=users["staff"])
    assert OutgoingMessage.objects.count() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.user_welcome_send(user=users["staff"]) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_different_occurrences_are_different_messages(users):
    user = users["staff"]
    kwargs = {
        "kind": "account.welcome",
        "recipient": user.email,
        "subject": "Essai",
        "template": "account_welcome",
        "context": {"user": user, "password_url": "https://app.test/x"},
        "obj": user,
    }
    assert message_send(occurrence="J-7", **kwargs) is True
    assert message_send(occurrence="J-1", **kwargs) is True
    assert message_send(occurrence="J-7", **kwargs) is False
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_user_invite_queues_the_invitation_after_commit(reference):
    user = services.user_invite(
        email="Nouvelle.Conseillere@exemple.fr",
        first_name="Lina",
        last_name="Rey",
        role="conseiller",
        antenne=reference.get(code="ouest"),
    )
    assert user.email == "nouvelle.conseillere@exemple.fr"
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["nouvelle.conseillere@exemple.fr"]]


@pytest.mark.django_db(transaction=True)
def test_user_create_with_a_password_sends_nothing(reference):
    user = services.user_create(
        email="Direction@Exemple.fr", first_name="Ana", last_name="Roig", role="staff", password="demo-mlhg-2026"
    )
    assert (user.email, user.is_staff, user.is_manager, user.antenne) == ("direction@exemple.fr", True, False, None)
    assert user.check_password("demo-mlhg-2026")
    assert mail.outbox == []


@pytest.mark.django_db
def test_users_create_hashes_one_password_and_skips_a_taken_address(reference, users):
    antenne = reference.get(code="ouest")
    people = [
        {"email": "un@exemple.fr", "first_name": "Un", "last_name": "A", "role": "conseiller", "antenne": antenne},
        {"email": "deux@exemple.fr", "first_name": "Deux", "last_name": "B", "role": "conseiller", "antenne": antenne},
        {"email": users["intervenant"].email, "first_name": "X", "last_name": "Y", "role": "conseiller"},
    ]
    services.users_create(people=people, password="demo-mlhg-2026")
    created = User.objects.filter(email__in=["un@exemple.fr", "deux@exemple.fr"]).order_by("email")
    assert [(u.email, u.role, u.antenne) for u in created] == [
        ("deux@exemple.fr", "conseiller", antenne),
        ("un@exemple.fr", "conseiller", antenne),
    ]
    assert all(u.check_password("demo-mlhg-2026") for u in created)
    assert User.objects.get(email=users["intervenant"].email).role == "intervenant"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur SMTP injoignable")
