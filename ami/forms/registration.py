"""Forms of a prestataire's registration, its colleagues' invitations and re-sent links."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from ami.models import Prestataire, validate_siret
from mlhg_app.models import User

EMAIL_TAKEN = (
    "Un compte existe déjà avec cette adresse électronique. Connectez-vous, ou utilisez « Mot de passe oublié » "
    "si vous ne vous en souvenez plus."
)


def _email_is_free(email: str) -> str:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(EMAIL_TAKEN)
    return email


class OrganisationForm(forms.ModelForm):
    """The organisation: raison sociale, statut juridique, SIRET (14 digits, Luhn), address, contact."""

    siret = forms.CharField(
        label="SIRET",
        max_length=30,
        help_text="Les 14 chiffres de votre SIRET (les espaces sont acceptés).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code_postal = forms.CharField(
        label="Code postal",
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres, par exemple 31000.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    class Meta:
        model = Prestataire
        fields = [
            "raison_sociale",
            "statut_juridique",
            "siret",
            "adresse",
            "code_postal",
            "ville",
            "contact_nom",
            "contact_telephone",
        ]
        labels = {
            "raison_sociale": "Raison sociale",
            "statut_juridique": "Statut juridique",
            "adresse": "Adresse",
            "ville": "Ville",
            "contact_nom": "Personne à contacter",
            "contact_telephone": "Téléphone",
        }
        widgets = {
            "adresse": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "contact_telephone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean_siret(self):
        value = re.sub(r"[\s.]", "", self.cleaned_data["siret"])
        if not value.isdigit():
            raise ValidationError("Le SIRET ne contient que des chiffres : saisissez ses 14 chiffres.")
        validate_siret(value)
        return value

    def validate_unique(self):
        """Not here: a SIRET already registered gets the same answer as a new one (ami.services.registration)."""


class AccountForm(forms.Form):
    """The first account of the organisation: who registers it, and a password typed twice."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Elle sera votre identifiant ; un lien de vérification y sera envoyé.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Saisissez le même mot de passe, pour vérification.",
    )

    def clean_email(self):
        # An address that has an account gets the same answer as a new one (ami.services.registration).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            probe = User(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
            try:
                password_validation.validate_password(password1, user=probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteForm(forms.Form):
    """A colleague to invite into the organisation."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")

    def clean_email(self):
        return _email_is_free(self.cleaned_data["email"])


class ResendLinkForm(forms.Form):
    """An address to send a new link to (same answer whether or not it has an account)."""

    email = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
