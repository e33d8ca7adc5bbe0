"""Login, two-factor codes, logout and passwords."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views import View

from mlhg_app import redirects, throttle, twofactor
from mlhg_app.access import PermissionRequiredView, PublicView
from mlhg_app.forms import auth as forms
from mlhg_app.refusals import Refused


class LoginView(PublicView, auth_views.LoginView):
    """Password first; a user with two-factor authentication then gives the code."""

    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        return redirects.next_url(self.request, default="")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.session.get(twofactor.SESSION_PENDING):
            return redirect(f"{reverse('otp_verify')}?{urlencode({'next': self.get_success_url()})}")
        return response


def _safe_next(request, default: str = "home") -> str:
    return redirects.next_url(request, default=reverse(default))


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
        if form.is_valid():
            try:
                twofactor.twofactor_verify(request=request, code=form.cleaned_data["code"])
            except Refused as refused:
                form.add_error("code", refused.message)
            else:
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
        if form.is_valid():
            try:
                twofactor.twofactor_disable(request=request, code=form.cleaned_data["code"])
            except Refused as refused:
                form.add_error("code", refused.message)
            else:
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
    pass


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
