"""The staff's decision on an AMI and the free text of a letter."""

from django import forms


class DecisionForm(forms.Form):
    choix = forms.ChoiceField(
        label="Décision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le candidat retenu ou la clôture sans suite."},
    )
    justification = forms.CharField(
        label="Justification ou motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour retenir un dossier qui n'est pas classé premier, ou pour clore l'AMI sans suite.",
    )
    justification_grilles = forms.CharField(
        label="Décider avant toutes les grilles : motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire tant qu'un évaluateur sans conflit d'intérêts n'a pas soumis la grille d'un dossier "
        "recevable ; il est enregistré avec la décision.",
    )

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choix"].choices = [
            (str(r.dossier_id), f"Retenir {r.name} (rang {r.rank}, {r.total:.2f} points)".replace(".", ","))
            for r in results
        ] + [("sans_suite", "Clore l'AMI sans suite")]


class LetterForm(forms.Form):
    texte_libre = forms.CharField(
        label="Texte de la lettre (motifs ou suite)", widget=forms.Textarea(attrs={"rows": 6})
    )
