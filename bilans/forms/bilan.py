"""Forms of the bilan: its sections, comments and replies, the anonymity threshold."""

from django import forms

from bilans.models import K_DEFAULT, K_MINIMUM, Section

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
