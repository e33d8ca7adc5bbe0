"""Single sign-on through OpenID Connect (Microsoft Entra ID first), with mozilla-django-oidc.

Who: the MLHG's own people (`SSO_ROLES`: staff, evaluators, responsables, conseillers) log in with
their organisation's account. The provider's address is matched, case-insensitively, to the directory
(`mlhg_app.User`), which is the only source of accounts: SSO never creates anyone. Refused, each with a
French message on the login page: an address the directory does not know, a deactivated person, a
prestataire's or an intervenant's address (external people: they keep their password), a provider
that sends no usable address.

What is trusted: the ID token is checked by the library (RS256 signature against the provider's keys,
expiry, nonce; PKCE and the state of the session), then here its issuer (the configured tenant only)
and its audience (our client id). The address is `email` when the provider says `email_verified`;
Entra ID sends no `email_verified`: then `email`, else `preferred_username` (the account's UPN), both
managed by the organisation's own administrators, since only tokens of its tenant are accepted.

Second factor: a login through SSO carries the organisation's MFA (Entra ID's conditional access):
the session is marked `SESSION_SSO` and our TOTP is not asked in it (mlhg_app/twofactor.py).
Throttling: django-axes sees every SSO attempt; a refused one counts as a failure for the address and
the client's IP, and an (address, IP) pair locked by five failures (password or SSO) is refused here too.
"""

import logging
import time
from urllib.parse import urlencode

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from mlhg_app import twofactor
from mlhg_app.models import User
from mlhg_app.refusals import Refused

logger = logging.getLogger(__name__)

SSO_ROLES = frozenset({User.Role.STAFF, User.Role.EVALUATEUR, User.Role.RESPONSABLE, User.Role.CONSEILLER})
SESSION_SSO = twofactor.SESSION_SSO
SESSION_NEXT = "oidc_login_next"  # where mozilla-django-oidc keeps the page to reach after the login

UNKNOWN = (
    "L’adresse {email} n’est pas dans l’annuaire de la plateforme : la connexion est refusée. "
    "Demandez à l’administration de la MLHG de vous y inscrire."
)
DEACTIVATED = (
    "Votre compte sur la plateforme est désactivé : la connexion est refusée. Contactez l’administration de la MLHG."
)
EXTERNAL = (
    "La connexion avec le compte de la Mission Locale est réservée au personnel de la MLHG. "
    "Prestataires et intervenants : connectez-vous avec votre adresse et votre mot de passe."
)
NO_EMAIL = (
    "Le fournisseur d’identité n’a pas transmis d’adresse électronique vérifiée : la connexion est refusée. "
    "Contactez l’administration de la MLHG."
)
LOCKED = (
    "Trop de tentatives de connexion ont échoué pour ce compte depuis votre connexion : "
    "il est bloqué pendant 15 minutes. Réessayez plus tard."
)
UNAVAILABLE = (
    "Le service de connexion de la Mission Locale ne répond pas. Réessayez dans quelques minutes, "
    "ou connectez-vous avec votre mot de passe."
)
INVALID = "La réponse du service de connexion n’a pas pu être vérifiée : la connexion est refusée. Recommencez."
EXPIRED = "La connexion a expiré ou a été interrompue. Recommencez en cliquant sur le bouton ci-dessous."
CANCELLED = "La connexion avec le compte de la Mission Locale a été annulée ou refusée par le service de connexion."


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read (down, unreachable, not OpenID Connect)."""


def enabled() -> bool:
    return bool(settings.SSO_ENABLED)


# -- the provider's endpoints ------------------------------------------------------------------

DISCOVERY_TTL = 3600  # seconds a discovery document is kept in the process
_discovered: dict[str, tuple[float, dict]] = {}
ENDPOINTS = {
    # mozilla-django-oidc's setting (given in settings.py, or empty): the discovery document's key
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",  # nosec B105 # a key of the discovery document, not a secret
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def _discovery(issuer: str) -> dict:
    cached = _discovered.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("sso: document de découverte illisible (%s) : %r", url, exc)
        raise ProviderUnavailable(url) from exc
    if not isinstance(document, dict) or not document.get("authorization_endpoint"):
        raise ProviderUnavailable(url)
    _discovered[issuer] = (time.monotonic() + DISCOVERY_TTL, document)
    return document


def provider() -> dict:
    """The provider's issuer and endpoints: each setting given, else the discovery document's value.

    Raises ProviderUnavailable when a value must be discovered and the document cannot be read.
    """
    values = {name: getattr(settings, name, "") for name in ENDPOINTS}
    config = {"issuer": settings.OIDC_ISSUER}
    if not all(values[name] for name in ENDPOINTS if name != "OIDC_OP_LOGOUT_ENDPOINT"):
        document = _discovery(settings.OIDC_ISSUER)
        config["issuer"] = document.get("issuer") or settings.OIDC_ISSUER
        for name, key in ENDPOINTS.items():
            values[name] = values[name] or document.get(key) or ""
    return config | values


def setting(name, *default):
    """mozilla-django-oidc's settings, the provider's endpoints resolved by `provider()`."""
    if name in ENDPOINTS:
        return provider()[name]
    return getattr(settings, name, *default) if default else getattr(settings, name)


def end_session_url(*, id_token: str | None, after: str) -> str | None:
    """The provider's logout address (RP-initiated logout), or None when it has none or is unreachable."""
    if not (enabled() and settings.SSO_LOGOUT_AT_PROVIDER):
        return None
    try:
        endpoint = provider()["OIDC_OP_LOGOUT_ENDPOINT"]
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": after, "client_id": settings.OIDC_RP_CLIENT_ID}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


# -- the addresses a provider vouches for -----------------------------------------------------


def _is_address(value) -> bool:
    return isinstance(value, str) and value.count("@") == 1 and "." in value.rsplit("@", 1)[1]


def claimed_addresses(claims: dict) -> list[str]:
    """The addresses, lower-cased, to look for in the directory, in order; [] when none is vouched for.

    With `email_verified` (OpenID Connect's standard claim), the `email` only when it is true; without it
    (Microsoft Entra ID), `email` then `preferred_username`.
    """
    if "email_verified" in claims:
        verified = claims["email_verified"] in (True, "true", "True")
        candidates = [claims.get("email")] if verified else []
    else:
        candidates = [claims.get("email"), claims.get("preferred_username")]
    found = []
    for value in candidates:
        if _is_address(value) and value.strip().lower() not in found:
            found.append(value.strip().lower())
    return found


# -- the backend -----------------------------------------------------------------------------


class SSOBackend(OIDCAuthenticationBackend):
    """Answers the SSO callback only (`nonce` among the credentials), when SSO is enabled.

    Raises `Refused` (French message) for a person the platform will not let in; the callback view
    shows it on the login page. Errors of the provider (down, invalid token) are left to that view.
    """

    def __init__(self, *args, **kwargs):
        # Instantiated by Django for every authenticate() and every request of a logged-in person: no
        # setting read, no request to the provider here (mozilla-django-oidc's __init__ does both).
        self.UserModel = User

    get_settings = staticmethod(setting)

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        config = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = config["OIDC_OP_TOKEN_ENDPOINT"]
        self.OIDC_OP_USER_ENDPOINT = config["OIDC_OP_USER_ENDPOINT"]
        self.OIDC_OP_JWKS_ENDPOINT = config["OIDC_OP_JWKS_ENDPOINT"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.issuer = config["issuer"]
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The library's checks (signature, expiry, nonce), then the issuer and the audience of the ID token."""
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (a signed userinfo answer carries no nonce)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if payload.get("iss") != self.issuer or self.OIDC_RP_CLIENT_ID not in audiences:
                logger.warning("sso: jeton d'un autre émetteur ou destinataire (iss=%r)", payload.get("iss"))
                raise Refused(INVALID)
        return payload

    def retrieve_matching_jwk(self, token):
        """The provider's key for the token: by its `kid` (Entra ID names it), else its only signing key
        (RFC 7515 makes `kid` optional; a provider with a single key may leave it out)."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig" and key.get("alg", self.OIDC_RP_SIGN_ALGO) == self.OIDC_RP_SIGN_ALGO
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("Jeton sans kid et plusieurs clés possibles")
        return jwt.PyJWK(keys[0])

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint's for the same subject."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise Refused(INVALID)
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        addresses = claimed_addresses(claims)
        if not addresses:
            self._refuse(NO_EMAIL, email="")
        if not AxesProxyHandler.is_allowed(self.request, {"username": addresses[0]}):
            raise Refused(LOCKED)
        # One person per address whatever its case (constraint user_email_ci_unique).
        user = next(filter(None, (User.objects.filter(email__iexact=a).first() for a in addresses)), None)
        if user is None:
            self._refuse(UNKNOWN.format(email=addresses[0]), email=addresses[0])
        if not user.is_active:
            self._refuse(DEACTIVATED, email=user.email)
        if user.role not in SSO_ROLES:
            self._refuse(EXTERNAL, email=user.email)
        return user

    def _refuse(self, message: str, *, email: str):
        """Count the failure for django-axes (address and IP) and refuse with the message."""
        user_login_failed.send(sender=__name__, credentials={"username": email}, request=self.request)
        raise Refused(message)

    def create_user(self, claims):  # never called (OIDC_CREATE_USER = False): the directory is the source
        raise Refused(UNKNOWN.format(email=(claimed_addresses(claims) or ["?"])[0]))

    def get_user(self, user_id):
        """The person of the session, only while active (ModelBackend's rule)."""
        user = User._default_manager.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
