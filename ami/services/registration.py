"""Registration of a prestataire, email verification and colleagues' invitations.

Links sent by email are signed tokens (django.core.signing, timestamped) that
carry the account's id and a hash of its state (active or not, verified or
not, password): they expire after LINK_MAX_AGE and stop working once used,
because using them changes that state.
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ami.models import Membre, Prestataire
from ami.selectors import prestataire_recipients
from mlhg_app.identity import app_name, platform_words
from mlhg_app.messaging import account_message_send, messages_send
from mlhg_app.models import User

LINK_MAX_AGE = datetime.timedelta(days=3)
VERIFY_SALT = "ami.prestataire.verify"
INVITATION_SALT = "ami.prestataire.invitation"


class LinkInvalid(Exception):
    """A link from an email that cannot be used; `reason` is "expired", "used" or "invalid"."""

    def __init__(self, reason: str, user: User | None = None):
        super().__init__(reason)
        self.reason = reason
        self.user = user


# -- signed links ------------------------------------------------------------------------


def _account_state(user: User) -> str:
    membre = Membre.objects.filter(user=user).first()
    verified = membre.email_verified_at.isoformat() if membre and membre.email_verified_at else ""
    value = f"{user.pk}|{user.email}|{user.is_active}|{user.password}|{verified}"
    return salted_hmac("ami.account_link", value).hexdigest()[:32]


def account_link_token(*, user: User, salt: str) -> str:
    return signing.dumps({"u": user.pk, "s": _account_state(user)}, salt=salt)


def account_link_user(*, token: str, salt: str, for_update: bool = False) -> User:
    """The account a link was made for, or LinkInvalid (expired, already used, or not ours)."""
    try:
        data = signing.loads(token, salt=salt, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkInvalid("expired") from None
    except signing.BadSignature:
        raise LinkInvalid("invalid") from None
    users = User.objects.select_for_update() if for_update else User.objects
    user = users.filter(pk=data.get("u"), role=User.Role.PRESTATAIRE).first() if isinstance(data, dict) else None
    if user is None:
        raise LinkInvalid("invalid")
    if not constant_time_compare(str(data.get("s", "")), _account_state(user)):
        raise LinkInvalid("used" if user.is_active else "invalid", user=user)
    return user


def _absolute(url_name: str, token: str) -> str:
    return settings.SITE_URL + reverse(url_name, kwargs={"token": token})


def _resend_occurrence() -> str:
    # At most one re-sent link a minute per account: a resend sends, a burst does not.
    return "renvoi-" + timezone.now().strftime("%Y%m%d%H%M")


# -- registration and verification ---------------------------------------------------------


def prestataire_register(
    *, organisation: dict, first_name: str, last_name: str, email: str, password: str
) -> Membre | None:
    """Register an organisation and its first account, inactive until its address is verified.

    The visitor gets the same answer whether the address or the SIRET is known or not (an
    anonymous visitor must not learn who has an account nor which organisation is registered):
    - a new address and a new SIRET: a `Prestataire`, an inactive `User` (role prestataire) and
      its `Membre`; after commit, the verification email. Returns the `Membre`.
    - an address that has an account: nothing is created; after commit, that account is told
      by email (a registration still waiting for its verification gets its link again).
    - a new address and a registered SIRET: nothing is created; after commit, the
      organisation's active accounts are told that this person asks to join it.
    Returns None when nothing was created. The password is hashed in every case, so that the
    answer's timing does not tell the cases apart either.
    """
    email = email.strip().lower()
    siret = organisation.get("siret")
    known = User.objects.filter(email__iexact=email).first()
    if known is None and not Prestataire.objects.filter(siret=siret).exists():
        try:
            with transaction.atomic():
                prestataire = Prestataire.objects.create(**organisation)
                user = _prestataire_account(email=email, password=password, first_name=first_name, last_name=last_name)
                membre = Membre.objects.create(user=user, prestataire=prestataire)
                transaction.on_commit(lambda: prestataire_verification_send(user=user))
            return membre
        except IntegrityError:  # registered meanwhile: answered as below
            known = User.objects.filter(email__iexact=email).first()
    else:
        make_password(password)
    if known is not None:
        transaction.on_commit(lambda: _known_address_notify(user=known))
    elif prestataire := Prestataire.objects.filter(siret=siret).first():
        requester = {"first_name": first_name, "last_name": last_name, "email": email}
        transaction.on_commit(lambda: _join_request_notify(prestataire=prestataire, requester=requester))
    return None


def _prestataire_account(*, email: str, password: str | None, first_name: str, last_name: str) -> User:
    """A prestataire's account, inactive until its address is verified or its invitation accepted
    (without `password`, no usable one: an invited colleague chooses it)."""
    return User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        role=User.Role.PRESTATAIRE,
        antenne=None,
        is_active=False,
    )


def _known_address_notify(*, user: User) -> bool:
    """Someone registered with this account's address: a pending registration gets its link again;
    any other account is told, with the login and password-reset links."""
    pending = Membre.objects.filter(user=user, user__is_active=False, email_verified_at__isnull=True).exists()
    if pending:
        return account_link_resend(email=user.email)
    return account_message_send(
        user=user,
        kind="prestataire.register_attempt",
        subject=f"Tentative d'inscription avec votre adresse – {app_name(user)}",
        template="prestataire_register_attempt",
        context={
            "login_url": settings.SITE_URL + reverse("login"),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
        },
        occurrence=_resend_occurrence(),
    )


def _join_request_notify(*, prestataire: Prestataire, requester: dict) -> int:
    """Someone registered an organisation already registered: its active accounts are told who,
    so that one of them may invite that person. Returns the number of emails sent."""
    digest = hashlib.sha256(requester["email"].encode()).hexdigest()[:16]
    return messages_send(
        users=prestataire_recipients(prestataire),
        kind="prestataire.join_request",
        subject=f"Demande d'accès à {prestataire.raison_sociale} – {app_name(prestataire)}",
        template="prestataire_join_request",
        context={
            "prestataire": prestataire,
            "requester": requester,
            "url": settings.SITE_URL + reverse("ami:organisation"),
        },
        obj=prestataire,
        occurrence=f"{digest}-{_resend_occurrence()}",
    )


def prestataire_verification_send(*, user: User, resend: bool = False) -> bool:
    """Email the account a link that verifies its address and activates it.

    Side effects: one email through the outgoing-message log (a re-sent link
    is a new occurrence, at most one a minute).
    """
    membre = Membre.objects.select_related("prestataire").get(user=user)
    return account_message_send(
        user=user,
        kind="prestataire.verify",
        subject=f"Confirmez votre adresse électronique – {app_name(user)}",
        template="prestataire_verify",
        context={
            "prestataire": membre.prestataire,
            "url": _absolute("ami:verify_email", account_link_token(user=user, salt=VERIFY_SALT)),
            "days": LINK_MAX_AGE.days,
        },
        occurrence=_resend_occurrence() if resend else "",
    )


def prestataire_email_verify(*, token: str) -> User:
    """Verify the address behind a link: the account becomes active and verified.

    Side effects: the user active, its `Membre.email_verified_at` set (which
    makes the link unusable). Raises LinkInvalid.
    """
    with transaction.atomic():
        user = account_link_user(token=token, salt=VERIFY_SALT, for_update=True)
        if not user.has_usable_password():
            raise LinkInvalid("invalid", user=user)
        user.is_active = True
        user.save(update_fields=["is_active"])
        Membre.objects.filter(user=user).update(email_verified_at=timezone.now())
    return user


def account_link_resend(*, email: str) -> bool:
    """Re-send the link of an account still waiting for its first connection.

    A registered account gets a new verification link, an invited colleague a
    new invitation. Nothing happens for an unknown, active or verified address
    (the caller answers the same either way). Side effects: at most one email.
    """
    membre = (
        Membre.objects.select_related("user", "prestataire", "invited_by")
        .filter(
            user__email__iexact=email.strip(),
            user__is_active=False,
            user__role=User.Role.PRESTATAIRE,
            email_verified_at__isnull=True,
        )
        .first()
    )
    if membre is None:
        return False
    if membre.user.has_usable_password():
        return prestataire_verification_send(user=membre.user, resend=True)
    return membre_invitation_send(membre=membre, resend=True)


# -- colleagues -------------------------------------------------------------------------------


def membre_invite(*, prestataire: Prestataire, invited_by: User, first_name: str, last_name: str, email: str) -> Membre:
    """Create a colleague's account in the organisation and invite it by email.

    Side effects: an inactive `User` (role prestataire, no password yet) and
    its `Membre`; after commit, the invitation email. Raises ValidationError
    (keyed "email") when the address already has an account.
    """
    try:
        with transaction.atomic():
            user = _prestataire_account(email=email, password=None, first_name=first_name, last_name=last_name)
            membre = Membre.objects.create(user=user, prestataire=prestataire, invited_by=invited_by)
            transaction.on_commit(lambda: membre_invitation_send(membre=membre))
    except IntegrityError:
        raise ValidationError({"email": "Un compte existe déjà avec cette adresse électronique."}) from None
    return membre


def membre_invitation_send(*, membre: Membre, resend: bool = False) -> bool:
    """Email an invited colleague the link to choose a password.

    Side effects: one email through the outgoing-message log (a re-sent
    invitation is a new occurrence, at most one a minute).
    """
    user = membre.user
    return account_message_send(
        user=user,
        kind="prestataire.invitation",
        subject=f"Invitation à rejoindre {membre.prestataire.raison_sociale} sur la {platform_words(user, short=True)}",
        template="prestataire_invitation",
        context={
            "prestataire": membre.prestataire,
            "invited_by": membre.invited_by,
            "url": _absolute("ami:accept_invitation", account_link_token(user=user, salt=INVITATION_SALT)),
            "days": LINK_MAX_AGE.days,
        },
        occurrence=_resend_occurrence() if resend else "",
    )


def membre_invitation_resend(*, prestataire: Prestataire, membre_pk: int) -> Membre | None:
    """Re-send the invitation of a colleague of this organisation who has not joined yet.

    Returns None when there is no such pending colleague. Side effects: at most one email.
    """
    membre = (
        Membre.objects.select_related("user", "prestataire", "invited_by")
        .filter(prestataire=prestataire, pk=membre_pk, user__is_active=False, email_verified_at__isnull=True)
        .first()
    )
    if membre is None or membre.user.has_usable_password():
        return None
    membre_invitation_send(membre=membre, resend=True)
    return membre


def invitation_user(*, token: str) -> User:
    """The invited account behind a link, or LinkInvalid."""
    user = account_link_user(token=token, salt=INVITATION_SALT)
    if user.has_usable_password():
        raise LinkInvalid("used" if user.is_active else "invalid", user=user)
    return user


def membre_invitation_accept(*, token: str, password: str) -> User:
    """An invited colleague chooses a password: the account becomes active and verified.

    Side effects: the password set, the user active, `Membre.email_verified_at`
    set (which makes the link unusable). Raises LinkInvalid.
    """
    with transaction.atomic():
        user = account_link_user(token=token, salt=INVITATION_SALT, for_update=True)
        if user.has_usable_password():
            raise LinkInvalid("used" if user.is_active else "invalid", user=user)
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        Membre.objects.filter(user=user).update(email_verified_at=timezone.now())
    return user
