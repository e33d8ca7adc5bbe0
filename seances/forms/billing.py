"""The billing forms: a cancellation's reason, a statement's period, the payment date."""

from django import forms


class CancelForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'annulation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class PeriodForm(forms.Form):
    debut = forms.DateField(
        label="Période du",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez le début de la période.", "invalid": "Date invalide."},
    )
    fin = forms.DateField(
        label="au",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la fin de la période.", "invalid": "Date invalide."},
    )

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", "La fin de la période doit être postérieure ou égale à son début.")
        return data


class PaidForm(forms.Form):
    paye_le = forms.DateField(
        label="Payé le",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date du paiement.", "invalid": "Date de paiement invalide."},
    )
