"""Login (password, or single sign-on through the organisation's OpenID Connect provider), two-factor
codes, logout and passwords."""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from mlhg_app import redirects, sso, throttle, twofactor
from mlhg_app.access import PermissionRequiredView, PublicView
from mlhg_app.forms import auth as forms
from mlhg_app.refusals import Refused


class LoginView(PublicView, auth_views.LoginView):
    """Password first; a user with two-factor authentication then gives the code."""

    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        return redirects.next_url(self.request, default="")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if sso.enabled():
            context["sso_url"] = _with_next(reverse("sso_login"), context.get("next"))
            context["sso_label"] = settings.SSO_LABEL
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.session.get(twofactor.SESSION_PENDING):
            return redirect(f"{reverse('otp_verify')}?{urlencode({'next': self.get_success_url()})}")
        return response


def _safe_next(request, default: str = "home") -> str:
    return redirects.next_url(request, default=reverse(default))


def _with_next(url: str, next_url: str | None) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


logger = logging.getLogger(__name__)


class SSOStartView(PublicView, OIDCAuthenticationRequestView):
    """Single sign-on, first step: to the organisation's login page (state, nonce and PKCE in the session).

    404 when single sign-on is not configured; a person already logged in goes on to the page asked.
    """

    get_settings = staticmethod(sso.setting)
    switched_on = staticmethod(sso.enabled)  # off: 404 (tests/test_access.py)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library's reads the endpoints here: see get()

    def get(self, request):
        if not sso.enabled():
            raise Http404
        next_url = redirects.next_url(request, default="")
        if request.user.is_authenticated:
            return redirect(next_url or reverse("home"))
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.provider()["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        except sso.ProviderUnavailable:
            messages.error(request, sso.UNAVAILABLE)
            return redirect(_with_next(reverse("login"), next_url))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response = super().get(request)
        request.session[sso.SESSION_NEXT] = next_url or None  # checked by mlhg_app.redirects
        return response


class SSOCallbackView(PublicView, OIDCAuthenticationCallbackView):
    """Single sign-on, second step: the provider sends the person back with a code.

    The code is exchanged and the ID token checked (mlhg_app.sso.SSOBackend); the person is logged in and
    goes on to the page asked, or comes back to the login page with a French message: cancelled,
    expired or forged state, refused person, provider down or answer that does not verify. Never a 500.
    """

    get_settings = staticmethod(sso.setting)
    switched_on = staticmethod(sso.enabled)  # off: 404 (tests/test_access.py)

    def get(self, request):
        if not sso.enabled():
            raise Http404
        states = request.session.get("oidc_states") or {}
        state = request.GET.get("state")
        if request.GET.get("error"):
            if state in states:
                del states[state]
                request.session.modified = True
            return self._failure(sso.CANCELLED)
        if not request.GET.get("code") or state not in states:
            return self._failure(sso.EXPIRED)
        try:
            return super().get(request)
        except Refused as refused:
            return self._failure(refused.message)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 500
            logger.warning("sso: le fournisseur a répondu %s : %s", status, exc)
            return self._failure(sso.INVALID if 400 <= status < 500 else sso.UNAVAILABLE)
        except (sso.ProviderUnavailable, requests.RequestException) as exc:
            logger.warning("sso: fournisseur injoignable : %r", exc)
            return self._failure(sso.UNAVAILABLE)
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            logger.warning("sso: réponse du fournisseur refusée : %r", exc)
            return self._failure(sso.INVALID)

    def login_failure(self):
        return self._failure(sso.INVALID)

    def _failure(self, message: str):
        messages.error(self.request, message)
        return redirect(_with_next(reverse("login"), self.request.session.get(sso.SESSION_NEXT)))


def _code_accepted(request, form, action) -> bool:
    """Whether the form's code is valid and `action(request=…, code=…)` (twofactor) accepted it; a refusal
    is shown on the code field."""
    if not form.is_valid():
        return False
    try:
        action(request=request, code=form.cleaned_data["code"])
    except Refused as refused:
        form.add_error("code", refused.message)
        return False
    return True


class TwoFactorVerifyView(PermissionRequiredView, View):
    """Second step of the login: the 6-digit code of the user's authenticator app."""

    permission_required = "mlhg_app.use_account"
    template_name = "mlhg_app/twofactor/verify.html"

    def get(self, request):
        if not request.session.get(twofactor.SESSION_PENDING) or request.user.is_verified():
            return redirect(_safe_next(request))
        return self._render(request, forms.CodeForm())

    def post(self, request):
        if not request.session.get(twofactor.SESSION_PENDING) or request.user.is_verified():
            return redirect(_safe_next(request))
        form = forms.CodeForm(request.POST)
        if _code_accepted(request, form, twofactor.twofactor_verify):
            return redirect(_safe_next(request))
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        context = {"form": form, "next": _safe_next(request)}
        return render(request, self.template_name, context, status=status)


class TwoFactorSetupView(PermissionRequiredView, View):
    """Enable (QR code, then a first code) or disable two-factor authentication."""

    permission_required = "mlhg_app.use_two_factor"
    template_name = "mlhg_app/twofactor/setup.html"

    def get(self, request):
        device = twofactor.device_of(request.user)
        if device is not None and not request.user.is_verified():
            request.session[twofactor.SESSION_PENDING] = True
            return redirect("otp_verify")
        return self._render(request, device, forms.CodeForm())

    def post(self, request):
        device = twofactor.device_of(request.user)
        form = forms.CodeForm(request.POST)
        if device is None:
            secret = request.session.get(twofactor.SESSION_SECRET)
            if form.is_valid() and secret:
                if twofactor.twofactor_enable(request=request, secret=secret, code=form.cleaned_data["code"]):
                    messages.success(
                        request,
                        "La double authentification est activée : à chaque connexion, le code de votre "
                        "application vous sera demandé après le mot de passe.",
                    )
                    return redirect(_safe_next(request, default="account"))
                form.add_error("code", twofactor.WRONG_CODE)
            elif form.is_valid():
                form.add_error("code", "La page a expiré : scannez le nouveau QR code ci-dessous.")
            return self._render(request, device, form, status=400)
        if _code_accepted(request, form, twofactor.twofactor_disable):
            messages.success(request, "La double authentification est désactivée.")
            return redirect("account")
        return self._render(request, device, form, status=400)

    def _render(self, request, device, form, status=200):
        context = {"form": form, "device": device, "required": twofactor.required_for(request.user)}
        context["next"] = redirects.next_url(request, default="")
        if device is None:
            secret = request.session.get(twofactor.SESSION_SECRET)
            if not secret:
                secret = request.session[twofactor.SESSION_SECRET] = twofactor.new_secret()
            context["qr_svg"] = twofactor.qr_svg(twofactor.provisioning_uri(user=request.user, secret=secret))
            context["secret"] = twofactor.secret_for_display(secret)
        return render(request, self.template_name, context, status=status)


class LogoutView(PublicView, auth_views.LogoutView):
    """Ends our session; after a single sign-on, offers to end the provider's too (a link, not a redirect:
    it would sign the person out of every Microsoft application of the browser)."""

    def post(self, request, *args, **kwargs):
        provider_logout = None
        if request.session.get(sso.SESSION_SSO):
            provider_logout = sso.end_session_url(
                id_token=request.session.get("oidc_id_token"), after=request.build_absolute_uri(reverse("login"))
            )
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            context = {"provider_logout_url": provider_logout, "provider_name": settings.SSO_PROVIDER_NAME}
            return render(request, "registration/logged_out.html", context)
        return response


class PasswordChangeView(PermissionRequiredView, auth_views.PasswordChangeView):
    permission_required = "mlhg_app.use_account"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(PermissionRequiredView, auth_views.PasswordChangeDoneView):
    permission_required = "mlhg_app.use_account"


class PasswordResetView(PublicView, auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if not throttle.request_allowed(
            request=self.request, action="password_reset", email=form.cleaned_data["email"]
        ):
            form.add_error(None, throttle.REFUSED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(PublicView, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(PublicView, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(PublicView, auth_views.PasswordResetCompleteView):
    pass
