"""Writes of the foundation: accounts."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.models import User


def password_set_url(user: User) -> str:
    """A signed link that expires (PASSWORD_RESET_TIMEOUT) and stops working once used."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def user_welcome_send(*, user: User) -> bool:
    """Email a new account its invitation with a link to choose a password.

    Side effects: one email, recorded in the outgoing-message log (sent once).
    """
    return message_send(
        kind="account.welcome",
        recipient=user.email,
        subject="Votre accès à la plateforme APP de la Mission Locale Haute-Garonne",
        template="account_welcome",
        context={"user": user, "password_url": password_set_url(user)},
        obj=user,
    )


def user_invite(*, email: str, first_name: str, last_name: str, role: str, antenne=None, is_manager=False) -> User:
    """Create an account without a usable password and queue its invitation.

    Side effects: one user; after commit, the `send_welcome` task.
    """
    from mlhg_app.tasks import send_welcome

    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=None,
            first_name=first_name,
            last_name=last_name,
            role=role,
            antenne=antenne,
            is_manager=is_manager,
        )
        transaction.on_commit(lambda: enqueue(send_welcome, user_id=user.pk))
    return user
