from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from mlhg_app.services.users import user_password_reset_send


class LoginForm(auth_forms.AuthenticationForm):
    """Login by email; the same French message whether the address exists or not."""

    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie "
            "(les majuscules comptent dans le mot de passe)."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'administration de la MLHG."),
        "other_structure": _(
            "Ce compte appartient à une autre Mission Locale : connectez-vous à l'adresse de la vôtre."
        ),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user):
        """A staff-side account logs in only at its own structure's address (its password already checked)."""
        super().confirm_login_allowed(user)
        structure = getattr(self.request, "structure", None)
        if structure is not None and user.structure_id and user.structure_id != structure.pk:
            raise forms.ValidationError(self.error_messages["other_structure"], code="other_structure")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link through the outgoing-message log (at most one a minute)."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        user_password_reset_send(user=context["user"])


class CodeForm(forms.Form):
    """The 6-digit code of an authenticator app (spaces accepted)."""

    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Le code compte exactement 6 chiffres, par exemple 123456."))
        return code
