"""Writes of the foundation: accounts, and the task that sends an invitation (beside the service it calls)."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mlhg_app.jobs import enqueue
from mlhg_app.messaging import account_message_send
from mlhg_app.models import STRUCTURE_ROLES, User, default_structure
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
    return account_message_send(
        user=user,
        kind="account.welcome",
        subject="Votre accès à la plateforme APP de la Mission Locale Haute-Garonne",
        template="account_welcome",
        context={"password_url": password_set_url(user)},
    )


# The name queued jobs carry (Redis, PendingJob): kept from when the task lived in mlhg_app/tasks.py.
@shared_task(name="mlhg_app.tasks.send_welcome")
def send_welcome(*, user_id: int) -> bool:
    """Send a new account its invitation email (once, however often queued)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return user_welcome_send(user=user)


def _account(*, email: str, first_name: str, last_name: str, role: str, antenne=None, is_manager=False) -> User:
    """An unsaved account without password: the address lowercased, `is_staff` following the role, a
    staff-side account in its site's structure (else the current one), a prestataire-side one in none."""
    if not email:
        raise ValueError("L'adresse électronique est obligatoire.")
    if antenne is not None:
        structure = antenne.structure
    else:
        structure = default_structure() if role in STRUCTURE_ROLES else None
    return User(
        structure=structure,
        email=User.objects.normalize_email(email).lower(),
        first_name=first_name,
        last_name=last_name,
        role=role,
        antenne=antenne,
        is_manager=is_manager,
        is_staff=role == User.Role.STAFF,
    )


def user_create(*, password=None, **person) -> User:
    """Create an account (`email`, `first_name`, `last_name`, `role`, `antenne`, `is_manager`) and send nothing.

    `password` is for the demo and the tests only: people choose theirs from the invitation's link
    (`user_invite`); without it the account has no usable password. Side effects: one user.
    """
    user = _account(**person)
    user.set_password(password)
    user.save()
    return user


def users_create(*, people: list[dict], password: str) -> int:
    """Create several accounts with one password (the demo's sites filled up to their headcount), hashed
    once so that the demo loads fast; an address already taken is skipped. Returns how many were asked.

    For the demo and the tests only. Side effects: the users.
    """
    hashed = make_password(password)
    users = [_account(**person) for person in people]
    for user in users:
        user.password = hashed
    User.objects.bulk_create(users, ignore_conflicts=True)
    return len(users)


def user_invite(*, email: str, first_name: str, last_name: str, role: str, antenne=None, is_manager=False) -> User:
    """Create an account without a usable password and queue its invitation.

    Side effects: one user; after commit, the `send_welcome` task.
    """
    with transaction.atomic():
        user = user_create(
            email=email, first_name=first_name, last_name=last_name, role=role, antenne=antenne, is_manager=is_manager
        )
        transaction.on_commit(lambda: enqueue(send_welcome, user_id=user.pk))
    return user


def users_invitation_send(*, users) -> int:
    """Queue, after commit, the invitation of each active account of `users`; returns how many.

    Side effects: after commit, one `send_welcome` task per active account.
    """
    ids = list(users.filter(is_active=True).values_list("pk", flat=True))
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(send_welcome, user_id=pk))
    return len(ids)


def user_password_reset_send(*, user: User) -> bool:
    """Email the person a link to choose a new password (it expires and works once).

    Side effects: one email, recorded in the outgoing-message log (at most one a minute).
    """
    return account_message_send(
        user=user,
        kind="account.password_reset",
        subject="Réinitialisation de votre mot de passe – MLHG APP",
        template="password_reset",
        context={"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
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
    # late: seances depends on mlhg_app (bilans → seances → ami → mlhg_app), not the reverse
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
