"""Forms of the bilan: the three sections, a comment, a reply, k, the réunion and its minutes."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from bilans.models import K_DEFAULT, K_MINIMUM, Section
from mlhg_app.uploads import MAX_FILE_SIZE, PDF, content_refusal, describe_content, detect_type, display_name, format_mo

HELP = {
    "thematiques": "Commentez les thèmes les plus fréquents de l'année, de manière agrégée : jamais un groupe, un "
    "site, une séance ni une personne.",
    "attention": "Les points de vigilance et vos recommandations générales à la MLHG.",
    "preconisations": "Ce qui améliorerait la qualité des séances à venir (organisation, rythme, lieux, méthode).",
}


class SectionsForm(forms.Form):
    thematiques = forms.CharField(
        label=Section.THEMATIQUES.label, required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=HELP["thematiques"],
    )  # fmt: skip
    attention = forms.CharField(
        label=Section.ATTENTION.label, required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=HELP["attention"],
    )  # fmt: skip
    preconisations = forms.CharField(
        label=Section.PRECONISATIONS.label, required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=HELP["preconisations"],
    )  # fmt: skip


class CommentForm(forms.Form):
    section = forms.ChoiceField(label="Section", choices=Section.choices, widget=forms.HiddenInput)
    texte = forms.CharField(
        label="Votre commentaire", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez votre commentaire."},
    )  # fmt: skip


class ReplyForm(forms.Form):
    reponse = forms.CharField(
        label="Votre réponse", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez votre réponse."},
    )  # fmt: skip


class ThresholdForm(forms.Form):
    seuil_k = forms.IntegerField(
        label="Seuil d'anonymat k",
        min_value=K_MINIMUM,
        max_value=50,
        initial=K_DEFAULT,
        help_text="Un thème n'est montré avec son nombre que s'il a été abordé dans au moins k groupes "
        "différents. k vaut au moins 2 (3 par défaut).",
        error_messages={
            "min_value": "Le seuil k vaut au moins 2 : en dessous, un thème pourrait désigner un groupe.",
            "max_value": "Le seuil k vaut au plus 50.",
            "required": "Indiquez le seuil k.",
            "invalid": "Le seuil k est un nombre entier.",
        },
    )


class ReunionForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Indiquez la date de la réunion.", "invalid": "Date invalide (jj/mm/aaaa)."},
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )  # fmt: skip
    heure = forms.TimeField(
        label="Heure", widget=forms.TimeInput(attrs={"type": "time"}),
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
