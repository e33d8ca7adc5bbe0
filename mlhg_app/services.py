"""Writes of the foundation: accounts."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.models import User
from mlhg_app.refusals import Refused


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
            is_staff=role == User.Role.STAFF,
        )
        transaction.on_commit(lambda: enqueue(send_welcome, user_id=user.pk))
    return user


def user_password_reset_send(*, user: User) -> bool:
    """Email the person a link to choose a new password (it expires and works once).

    Side effects: one email, recorded in the outgoing-message log (at most one a minute).
    """
    return message_send(
        kind="account.password_reset",
        recipient=user.email,
        subject="Réinitialisation de votre mot de passe – MLHG APP",
        template="password_reset",
        context={
            "user": user,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
        obj=user,
        occurrence=timezone.now().strftime("%Y%m%d%H%M"),
    )


STAFF_ROLE_REFUSED = (
    "Le rôle « Administration MLHG » ne se donne pas et ne se retire pas ici : "
    "demandez-le à l'administrateur technique de la plateforme."
)


def user_update_check(*, user: User, by: User, role: str, antenne, is_manager: bool) -> None:
    """Refuse (Refused) what the people screen may not change on `user` (saved or new):
    the role `staff` given or taken (by anyone but a technical superuser), and any change of role, site
    or manager flag that breaks a group membership (hierarchy rule, seances/services/programme.py)."""
    from seances.services.programme import member_change_check

    before = User.objects.filter(pk=user.pk).first() if user.pk else None
    was_staff = before is not None and before.role == User.Role.STAFF
    if was_staff != (role == User.Role.STAFF) and not by.is_superuser:
        raise Refused(STAFF_ROLE_REFUSED, field="role")
    if before is None:
        return
    before.role, before.antenne, before.is_manager = role, antenne, is_manager
    try:
        member_change_check(user=before)
    except Refused as refusal:
        raise Refused(str(refusal)) from None


def user_update(
    *, user: User, by: User, first_name: str, last_name: str, role: str, antenne, is_manager: bool, is_active: bool
) -> User:
    """Save a person's identity, role, site, manager flag and activity after `user_update_check`.

    The email address and the password are never changed here (the person asks for a reset link).
    Side effects: the user saved; `is_staff` follows the role.
    """
    with transaction.atomic():
        saved = User.objects.select_for_update().get(pk=user.pk)
        user_update_check(user=saved, by=by, role=role, antenne=antenne, is_manager=is_manager)
        saved.first_name, saved.last_name = first_name, last_name
        saved.role, saved.antenne, saved.is_manager, saved.is_active = role, antenne, is_manager, is_active
        saved.is_staff = saved.is_superuser or role == User.Role.STAFF
        saved.save()
    return saved
