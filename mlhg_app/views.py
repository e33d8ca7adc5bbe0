import logging
import sys
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import InterfaceError, OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from mlhg_app import exports, forms, personal_data, redirects, throttle, twofactor
from mlhg_app.access import PermissionRequiredView, PublicView
from mlhg_app.celery import app as celery_app
from mlhg_app.history import history_permission, object_history
from mlhg_app.models import Antenne, StoredExport
from mlhg_app.refusals import Refused

logger = logging.getLogger(__name__)


class HomeView(PublicView, TemplateView):
    """The public landing page, or the logged-in user's own home by role."""

    def get_template_names(self):
        user = self.request.user
        if user.is_authenticated:
            return [f"mlhg_app/home/{user.role}.html", "mlhg_app/home/default.html"]
        return ["mlhg_app/home/public.html"]


class HistoryView(PermissionRequiredView, View):
    """Who changed what, when, on one object (staff only, read-only; see mlhg_app/history.py)."""

    permission_required = "mlhg_app.view_history"

    def get_permission_required(self):
        """`mlhg_app.view_history` and the object's own read permission (`history.PERMISSIONS`)."""
        self.get_permission_object()
        return (self.permission_required, self.object_permission)

    def get_permission_object(self):
        if not hasattr(self, "history_object"):
            self.object_permission, self.history_object = history_permission(self.kwargs["label"], self.kwargs["pk"])
        return self.history_object

    def get(self, request, label, pk):
        return render(request, "mlhg_app/history.html", object_history(label, pk))


class ExportView(PermissionRequiredView, View):
    """One's export made by a job: its status (polled by static/js/export-status.js), then its file."""

    permission_required = "mlhg_app.view_exports"

    def get(self, request, pk):
        export = exports.export_get(request.user, pk)
        return render(request, "mlhg_app/export.html", {"export": export, "label": exports.label(export.kind)})


class ExportStatusView(PermissionRequiredView, View):
    permission_required = "mlhg_app.view_exports"

    def get(self, request, pk):
        export = exports.export_get(request.user, pk)
        return JsonResponse(exports.status_payload(export, reverse("export_download", kwargs={"pk": export.pk})))


class ExportDownloadView(PermissionRequiredView, View):
    permission_required = "mlhg_app.view_exports"

    def get(self, request, pk):
        export = exports.export_get(request.user, pk)
        if export.status != StoredExport.Status.PRET or not export.fichier:
            raise Http404("Le fichier n'est pas encore prêt")
        return FileResponse(
            export.fichier.open("rb"),
            content_type=export.content_type,
            filename=export.filename,
            as_attachment=export.content_type != "application/pdf",
        )


class AccountView(PermissionRequiredView, TemplateView):
    permission_required = "mlhg_app.use_account"
    template_name = "mlhg_app/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_use_two_factor=user.has_perm("mlhg_app.use_two_factor"),
            two_factor_device=twofactor.device_of(user),
            two_factor_required=twofactor.required_for(user),
            **kwargs,
        )


class AntenneListView(PermissionRequiredView, ListView):
    permission_required = "mlhg_app.view_antennes"
    template_name = "mlhg_app/antenne/list.html"
    context_object_name = "antennes"

    def get_queryset(self):
        return Antenne.objects.all()


class HealthView(PublicView, TemplateView):
    """`/healthz/`: JSON with the state of the database and the broker; 503 naming what is down."""

    def get(self, request, *args, **kwargs):
        status = {}
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            status["database"] = "ok"
        except Exception as exc:  # any failure of the database is reported, never raised
            logger.error("healthz: database down: %r", exc)
            status["database"] = "indisponible"
        if celery_app.conf.task_always_eager:
            status["broker"] = "eager"
        else:
            try:
                with celery_app.connection_for_write() as conn:
                    conn.ensure_connection(max_retries=1, timeout=2)
                status["broker"] = "ok"
            except Exception as exc:
                logger.error("healthz: broker down: %r", exc)
                status["broker"] = "indisponible"
        ok = all(value in {"ok", "eager"} for value in status.values())
        return JsonResponse(status, status=200 if ok else 503)


# What the database raises when it does not answer (refused, gone, file unreadable), as
# opposed to a bug in a query (ProgrammingError, IntegrityError…), which stays a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """`handler500`: the French error page, or the 503 page when the database does not answer.

    Django calls it for any exception left unhandled, in a view, a template or a middleware
    (the session saved on every request), with the exception still current; the traceback
    goes to the log (`django.request`), never to the user. The pages are rendered without
    a request context: no context processor may query the database that is down.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "120"})
    return HttpResponseServerError(loader.render_to_string("500.html"))


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


class PrivacyView(PublicView, TemplateView):
    """The privacy page: what is kept, why, and how long (the periods are the settings in force)."""

    template_name = "mlhg_app/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            non_retenu_years=settings.RETENTION_DOSSIER_NON_RETENU_YEARS,
            retenu_years=settings.RETENTION_DOSSIER_RETENU_YEARS,
            emargement_years=settings.RETENTION_EMARGEMENT_YEARS,
            compte_rendu_days=settings.RETENTION_COMPTE_RENDU_GRACE_DAYS,
            export_days=settings.RETENTION_EXPORT_DAYS,
            **kwargs,
        )


class PersonalDataView(PermissionRequiredView, View):
    """The logged-in person's own data, as a JSON download (RGPD, right of access)."""

    permission_required = "mlhg_app.use_account"

    def get(self, request):
        data = personal_data.personal_data_of(request.user)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="mes-donnees-mlhg-app-{stamp}.json"'
        return response
