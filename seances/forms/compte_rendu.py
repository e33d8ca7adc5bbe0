"""The anonymous compte rendu's form: held or not, method, themes, observations (checked for names)."""

from django import forms
from django.db.models import Q

from seances.anonymisation import identifying_terms, names_for_filter, refusal_message
from seances.forms.fields import optional_checkboxes
from seances.models import CompteRendu, Theme


class CompteRenduForm(forms.Form):
    tenue = forms.TypedChoiceField(
        label="La séance s'est-elle tenue ?",
        choices=[("1", "Oui"), ("0", "Non")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
        error_messages={"required": "Indiquez si la séance s'est tenue."},
    )
    methode = forms.ChoiceField(
        label="Méthode utilisée",
        choices=CompteRendu.Methode.choices,
        error_messages={"required": "Indiquez la méthode utilisée."},
    )
    themes = optional_checkboxes(
        label="Thèmes abordés", help_text="Les thèmes des problématiques apportées par le groupe."
    )
    observations = forms.CharField(
        label="Observations (anonymes)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Aucun nom de personne, aucune adresse électronique ni numéro de téléphone : "
            "le compte rendu est anonyme et reste au prestataire."
        ),
    )

    def __init__(self, *args, seance, compte_rendu=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seance = seance
        chosen = list(compte_rendu.themes.values_list("pk", flat=True)) if compte_rendu else []
        self.fields["themes"].queryset = Theme.objects.filter(Q(actif=True) | Q(pk__in=chosen))

    def clean_observations(self):
        text = (self.cleaned_data.get("observations") or "").strip()
        terms = identifying_terms(text, names_for_filter(self.seance))
        if terms:
            raise forms.ValidationError(refusal_message(terms))
        return text
