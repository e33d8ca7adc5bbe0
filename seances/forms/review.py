"""The forms of the provider's review: staff's assessment (a level and a comment per criterion of the AMI,
an overall assessment) and the prestataire's one answer."""

from django import forms

from seances.models import RevueCritere
from seances.services.review import ANSWER_MAX, TEXT_MAX

LEVELS = [("", "— à choisir —"), *RevueCritere.Niveau.choices]


class RevueForm(forms.Form):
    """One level and one comment per criterion of the review (`niveau_<code>`, `texte_<code>`), then the
    overall assessment. Nothing is required to save a draft; sharing asks for all of it (the service)."""

    appreciation_generale = forms.CharField(
        label="Appréciation générale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
        error_messages={"max_length": f"L'appréciation générale ne doit pas dépasser {TEXT_MAX} caractères."},
    )

    def __init__(self, *args, revue, **kwargs):
        self.rows = list(revue.criteres.all())
        initial = {"appreciation_generale": revue.appreciation_generale}
        for row in self.rows:
            initial[f"niveau_{row.code}"] = row.niveau
            initial[f"texte_{row.code}"] = row.texte
        super().__init__(*args, initial=initial, **kwargs)
        general = self.fields.pop("appreciation_generale")
        for row in self.rows:
            self.fields[f"niveau_{row.code}"] = forms.ChoiceField(
                label=f"{row.libelle} ({row.poids} %) : appréciation",
                choices=LEVELS,
                required=False,
                error_messages={"invalid_choice": f"Choisissez une appréciation de la liste pour « {row.libelle} »."},
            )
            self.fields[f"texte_{row.code}"] = forms.CharField(
                label=f"{row.libelle} : commentaire",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "max_length": f"Le commentaire de « {row.libelle} » ne doit pas dépasser {TEXT_MAX} caractères."
                },
            )
        self.fields["appreciation_generale"] = general

    def criteres(self) -> dict[str, dict]:
        return {
            row.code: {
                "niveau": self.cleaned_data.get(f"niveau_{row.code}", ""),
                "texte": self.cleaned_data.get(f"texte_{row.code}", ""),
            }
            for row in self.rows
        }


class RevueAnswerForm(forms.Form):
    reponse = forms.CharField(
        label="Votre réponse",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ANSWER_MAX,
        help_text="Une seule réponse, envoyée une fois : elle ne se modifie plus ensuite.",
        error_messages={
            "required": "Écrivez votre réponse avant de l'envoyer.",
            "max_length": f"La réponse ne doit pas dépasser {ANSWER_MAX} caractères.",
        },
    )
