"""The planning board's forms: a site's number of groups, a séance's move."""

from django import forms

from seances.models import IntervenantProgramme


class SiteForm(forms.Form):
    nb_groupes = forms.IntegerField(label="Nombre de groupes", min_value=1, max_value=10)
    justification = forms.CharField(
        label="Justification (si plus de sous-groupes que par défaut)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    heure_debut = forms.TimeField(
        label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    intervenant = forms.ModelChoiceField(label="Intervenant", queryset=IntervenantProgramme.objects.none())

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervenant"].queryset = programme.intervenants.all()
