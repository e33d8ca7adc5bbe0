"""The participant's feedback form: three questions on a 1–5 scale and an optional remark (checked for names)."""

from django import forms

from seances.services.feedback import QUESTIONS

SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    remarque = forms.CharField(
        label="Une remarque (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anonyme : n'y écrivez aucun nom de personne, aucune adresse électronique ni aucun numéro de téléphone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in reversed(QUESTIONS):
            self.fields = {
                key: forms.TypedChoiceField(
                    label=f"« {label} »",
                    choices=SCALE_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect,
                    help_text="1 : pas du tout d'accord · 5 : tout à fait d'accord",
                    error_messages={
                        "required": "Choisissez une note de 1 à 5.",
                        "invalid_choice": "Choisissez une note de 1 à 5.",
                    },
                ),
                **self.fields,
            }
