"""Forms of the réunion de bilan and the check of its minutes (a PDF)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mlhg_app.uploads import MAX_FILE_SIZE, PDF, content_refusal, describe_content, detect_type, display_name, format_mo


class ReunionForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de la réunion.", "invalid": "Date invalide (jj/mm/aaaa)."},
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )  # fmt: skip
    heure = forms.TimeField(
        label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Indiquez l'heure de la réunion.", "invalid": "Heure invalide (hh:mm)."},
    )  # fmt: skip
    lieu = forms.CharField(
        label="Lieu", max_length=255, required=False,
        help_text="Par exemple : siège de la MLHG, 6-8 boulevard Florence Arthaud, Toulouse ; ou le lien de visioconférence.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("heure"):
            when = timezone.make_aware(datetime.datetime.combine(data["date"], data["heure"]))
            if when <= timezone.now():
                raise forms.ValidationError("Choisissez une date à venir pour la réunion de bilan.")
            data["when"] = when
        return data


def check_minutes(uploaded) -> bytes:
    """The réunion's minutes: a PDF (checked by its content), 10 Mo at most, else a French ValidationError."""
    shown = display_name(uploaded.name)
    if uploaded.size > MAX_FILE_SIZE:
        raise ValidationError(
            f"Le fichier « {shown} » pèse {format_mo(uploaded.size)} : la limite est de 10 Mo par fichier."
        )
    if detect_type(uploaded) != PDF:
        raise ValidationError(
            f"Le fichier « {shown} » n'est pas un PDF (contenu reconnu : {describe_content(uploaded)})."
        )
    refusal = content_refusal(uploaded, PDF, shown)
    if refusal is not None:
        raise refusal
    uploaded.seek(0)
    return uploaded.read()


class MinutesForm(forms.Form):
    fichier = forms.FileField(
        label="Compte rendu de la réunion (PDF, 10 Mo au plus)",
        error_messages={"required": "Choisissez le fichier PDF du compte rendu."},
    )

    def clean_fichier(self):
        return check_minutes(self.cleaned_data["fichier"])
