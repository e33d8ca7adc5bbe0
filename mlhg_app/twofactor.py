"""Two-factor authentication (TOTP, django-otp) for staff and evaluators.

How a login goes:
1. the login form checks the password and logs the user in (django-axes counts failures);
2. if the user has a confirmed TOTP device, the session is marked "code attendu"
   (`SESSION_PENDING`, set on `user_logged_in`, whatever view logged the user in:
   our form or the admin's) and `TwoFactorMiddleware` sends every page to the code
   page until the 6-digit code is given; `django_otp.login` then marks the session
   verified (`request.user.is_verified()`);
3. with `settings.OTP_REQUIRED_FOR_STAFF`, a staff member without a device is sent
   to the enrolment page before any other page.

A login through single sign-on (mlhg_app/sso.py) carries the organisation's own MFA: its session is
marked `SESSION_SSO` and no code is asked in it (`second_factor_done`).

The flag lives in the session so that users without a device cost no query per page.
"""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from mlhg_app.models import User
from mlhg_app.refusals import Refused

SESSION_PENDING = "mlhg_otp_pending"
SESSION_SECRET = "mlhg_otp_secret"  # nosec B105 # the session key under which the secret waits, not a secret
SESSION_SSO = "mlhg_sso"
SSO_BACKEND = "mlhg_app.sso.SSOBackend"
DEVICE_NAME = "Application d'authentification"
ROLES_ALLOWED = {User.Role.STAFF, User.Role.EVALUATEUR}


def required_for(user) -> bool:
    """Staff must use two-factor authentication when the setting says so."""
    return bool(settings.OTP_REQUIRED_FOR_STAFF and (user.role == User.Role.STAFF or user.is_superuser))


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@receiver(user_logged_in, dispatch_uid="mlhg_app.twofactor.pending")
def _mark_pending(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        through_sso = getattr(user, "backend", None) == SSO_BACKEND
        request.session[SESSION_SSO] = through_sso
        request.session[SESSION_PENDING] = (
            not through_sso and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        )


def second_factor_done(request) -> bool:
    """The session's second factor: our TOTP code given, or the organisation's through single sign-on."""
    return bool(request.user.is_verified() or request.session.get(SESSION_SSO))


# -- enrolment -----------------------------------------------------------------------


def new_secret() -> str:
    """A fresh TOTP key (hex, 20 bytes) kept in the session until the first code confirms it."""
    return random_hex(20)


def secret_for_display(secret: str) -> str:
    """The key in base32, by groups of 4, for typing it into an app by hand."""
    b32 = b32encode(unhexlify(secret)).decode()
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def provisioning_uri(*, user: User, secret: str) -> str:
    label = f"{settings.OTP_TOTP_ISSUER}:{user.email}"
    params = urlencode(
        {
            "secret": b32encode(unhexlify(secret)).decode(),
            "issuer": settings.OTP_TOTP_ISSUER,
            "digits": 6,
            "period": 30,
            "algorithm": "SHA1",
        }
    )
    return f"otpauth://totp/{label.replace(' ', '%20')}?{params}"


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG element (no style attribute: CSP-safe)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def _code_matches(secret: str, code: str) -> int | None:
    """The time step of a valid code for this secret (±1 step), or None."""
    totp = TOTP(unhexlify(secret), step=30, t0=0, digits=6)
    if not (code.isdigit() and len(code) == 6):
        return None
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def twofactor_enable(*, request, secret: str, code: str) -> TOTPDevice | None:
    """Confirm a new TOTP key with a code from the app; None when the code is wrong.

    Side effects: the user's previous devices replaced by one confirmed device;
    the current session marked verified (no code asked again in it).
    """
    step = _code_matches(secret, code)
    if step is None:
        return None
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=secret, confirmed=True, last_t=step)
    django_otp.login(request, device)
    request.session[SESSION_PENDING] = False
    request.session.pop(SESSION_SECRET, None)
    return device


WRONG_CODE = (
    "Code incorrect. Saisissez le code à 6 chiffres affiché en ce moment par votre application "
    "d'authentification (il change toutes les 30 secondes)."
)
TOO_MANY = "Trop de codes incorrects : patientez {seconds} avant de saisir un nouveau code."
NO_DEVICE = "La double authentification n'est pas activée sur ce compte."


def _check_code(device: TOTPDevice, code: str) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until")
        seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
        raise Refused(TOO_MANY.format(seconds=f"{seconds} seconde" + ("s" if seconds > 1 else "")))
    if not device.verify_token(code):
        raise Refused(WRONG_CODE)


def twofactor_verify(*, request, code: str) -> TOTPDevice:
    """Check the code of a logged-in user whose session waits for it; raises Refused.

    Side effects: the device's throttling counters (django-otp: 1, 2, 4… seconds after
    each wrong code); on success, the session marked verified.
    """
    device = device_of(request.user)
    if device is None:
        raise Refused(NO_DEVICE)
    _check_code(device, code)
    django_otp.login(request, device)
    request.session[SESSION_PENDING] = False
    return device


def twofactor_disable(*, request, code: str) -> None:
    """Remove the user's devices after checking a current code; raises Refused."""
    user = request.user
    if required_for(user):
        raise Refused(
            "La double authentification est obligatoire pour l'administration de la MLHG : "
            "elle ne peut pas être désactivée."
        )
    device = device_of(user)
    if device is None:
        raise Refused(NO_DEVICE)
    _check_code(device, code)
    TOTPDevice.objects.filter(user=user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_PENDING] = False


# -- the gate ----------------------------------------------------------------------------


class TwoFactorMiddleware:
    """Sends a user whose session waits for a code to the code page, and staff without a
    device to the enrolment page when it is required, before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._gate(request) or self.get_response(request)

    def _gate(self, request):
        if request.path.startswith(settings.STATIC_URL):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.session.get(SESSION_SSO):
            return None
        logout = reverse("logout")
        if request.session.get(SESSION_PENDING) and not user.is_verified():
            target = reverse("otp_verify")
            if request.path in {target, logout}:
                return None
            return redirect(_with_next(target, request))
        if required_for(user) and not user.is_verified():
            target = reverse("otp_setup")
            if request.path in {target, logout, reverse("otp_verify"), reverse("privacy")}:
                return None
            return redirect(_with_next(target, request))
        return None


def _with_next(target: str, request) -> str:
    if request.method == "GET" and request.get_full_path() not in {"/", target}:
        return f"{target}?{urlencode({'next': request.get_full_path()})}"
    return target


def twofactor_reset(*, users) -> int:
    """Remove the devices of people who lost their phone, showing no key: each enrols again at the next
    login (when two-factor authentication is required). Returns how many people had a device.

    Side effects: their TOTP devices deleted.
    """
    devices = TOTPDevice.objects.filter(user__in=users)
    count = devices.values("user").distinct().count()
    devices.delete()
    return count
