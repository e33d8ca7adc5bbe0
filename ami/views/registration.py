"""Registration of a prestataire, email verification, colleagues."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from ami import selectors
from ami.forms.registration import AccountForm, InviteForm, OrganisationForm, ResendLinkForm
from ami.services import registration as services
from mlhg_app import throttle
from mlhg_app.access import PermissionRequiredView, PublicView

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_EMAIL = "ami_register_email"

LINK_PROBLEMS = {
    "verify": {
        "expired": "Ce lien de vérification a expiré : il n'est valable que 3 jours. Demandez un nouveau lien ci-dessous.",
        "used": (
            "Ce lien a déjà été utilisé : votre adresse est vérifiée et votre compte est actif. "
            "Connectez-vous avec votre adresse électronique et votre mot de passe."
        ),
        "invalid": (
            "Ce lien de vérification n'est pas valable. Vérifiez que vous avez copié l'adresse complète "
            "depuis le courriel, ou demandez un nouveau lien ci-dessous."
        ),
    },
    "invitation": {
        "expired": (
            "Cette invitation a expiré : elle n'est valable que 3 jours. Demandez un nouveau lien ci-dessous, "
            "ou demandez à la personne qui vous a invité de renvoyer l'invitation."
        ),
        "used": (
            "Cette invitation a déjà été utilisée : votre compte est actif. "
            "Connectez-vous avec votre adresse électronique et votre mot de passe."
        ),
        "invalid": (
            "Cette invitation n'est pas valable. Vérifiez que vous avez copié l'adresse complète depuis le courriel, "
            "ou demandez un nouveau lien ci-dessous."
        ),
    },
}
RESENT = (
    "Si un compte en attente d'activation correspond à cette adresse, un nouveau lien vient d'y être envoyé. "
    "Il est valable 3 jours."
)


def _add_errors(forms, error: ValidationError):
    for field, field_errors in error.message_dict.items():
        for form in forms:
            if field in form.fields:
                form.add_error(field, field_errors)
                break


def _link_problem(request, kind: str, exc: services.LinkInvalid, resend_form=None, status=200):
    return render(
        request,
        "ami/registration/link_invalid.html",
        {
            "kind": kind,
            "problem": LINK_PROBLEMS[kind][exc.reason],
            "used": exc.reason == "used",
            "resend_form": resend_form or ResendLinkForm(),
        },
        status=status,
    )


def _resend(request, kind: str):
    """The small form of an unusable link's page: same answer whether or not the address exists."""
    form = ResendLinkForm(request.POST)
    if not form.is_valid():
        return _link_problem(request, kind, services.LinkInvalid("invalid"), resend_form=form)
    if not throttle.request_allowed(request=request, action="verification", email=form.cleaned_data["email"]):
        form.add_error(None, throttle.REFUSED)
        return _link_problem(request, kind, services.LinkInvalid("invalid"), resend_form=form, status=429)
    services.account_link_resend(email=form.cleaned_data["email"])
    messages.info(request, RESENT)
    return redirect("ami:register_done")


class RegisterView(PublicView, View):
    template_name = "ami/registration/register.html"

    def get(self, request):
        return render(
            request, self.template_name, {"organisation_form": OrganisationForm(), "account_form": AccountForm()}
        )

    def post(self, request):
        organisation_form = OrganisationForm(request.POST)
        account_form = AccountForm(request.POST)
        # Every POST counts per client IP (valid or not), and once valid per address typed: the
        # same answer for a known and a new address would otherwise be tried without limit.
        allowed = throttle.request_allowed(request=request, action="registration", email="")
        if allowed and organisation_form.is_valid() and account_form.is_valid():
            account = account_form.cleaned_data
            allowed = throttle.request_allowed(request=request, action="registration_address", email=account["email"])
            if allowed:
                services.prestataire_register(
                    organisation={name: organisation_form.cleaned_data[name] for name in OrganisationForm.Meta.fields},
                    first_name=account["first_name"],
                    last_name=account["last_name"],
                    email=account["email"],
                    password=account["password1"],
                )
                request.session[SESSION_EMAIL] = account["email"]
                return redirect("ami:register_done")
        context = {"organisation_form": organisation_form, "account_form": account_form}
        if not allowed:
            context["throttled"] = throttle.REFUSED
        return render(request, self.template_name, context, status=200 if allowed else 429)


class RegisterDoneView(PublicView, View):
    def get(self, request):
        return render(request, "ami/registration/register_done.html", {"email": request.session.get(SESSION_EMAIL)})


class VerifyEmailView(PublicView, View):
    def get(self, request, token):
        try:
            user = services.prestataire_email_verify(token=token)
        except services.LinkInvalid as exc:
            return _link_problem(request, "verify", exc)
        request.session.pop(SESSION_EMAIL, None)
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, "Votre adresse électronique est vérifiée : votre compte est activé.")
        return redirect("home")

    def post(self, request, token):
        return _resend(request, "verify")


class OrganisationView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"
    template_name = "ami/registration/organisation.html"

    def _render(self, request, invite_form=None):
        prestataire = selectors.prestataire_of(request.user)
        context = {"prestataire": prestataire, "invite_form": invite_form or InviteForm()}
        if prestataire is not None:
            context["membres"] = selectors.membres_of(prestataire)
        return render(request, self.template_name, context)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        prestataire = selectors.prestataire_of(request.user)
        if prestataire is None:
            raise Http404("Organisation introuvable")
        if "resend" in request.POST:
            membre = services.membre_invitation_resend(prestataire=prestataire, membre_pk=request.POST.get("resend"))
            if membre is None:
                raise Http404("Compte introuvable")
            messages.success(request, f"L'invitation a été renvoyée à {membre.user.email}.")
            return redirect("ami:organisation")
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                membre = services.membre_invite(prestataire=prestataire, invited_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors([form], error)
            else:
                messages.success(
                    request,
                    f"Invitation envoyée à {membre.user.email} : le lien reçu permet de choisir un mot de passe.",
                )
                return redirect("ami:organisation")
        return self._render(request, invite_form=form)


class AcceptInvitationView(PublicView, View):
    template_name = "ami/registration/accept_invitation.html"

    def get(self, request, token):
        try:
            user = services.invitation_user(token=token)
        except services.LinkInvalid as exc:
            return _link_problem(request, "invitation", exc)
        return render(request, self.template_name, {"form": SetPasswordForm(user), "invited": user})

    def post(self, request, token):
        if request.POST.get("action") == "resend":
            return _resend(request, "invitation")
        try:
            user = services.invitation_user(token=token)
        except services.LinkInvalid as exc:
            return _link_problem(request, "invitation", exc)
        form = SetPasswordForm(user, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "invited": user})
        try:
            user = services.membre_invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except services.LinkInvalid as exc:
            return _link_problem(request, "invitation", exc)
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, "Votre mot de passe est enregistré : bienvenue sur la plateforme APP de la MLHG.")
        return redirect("home")
