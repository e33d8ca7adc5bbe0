from django import forms
from django.utils.translation import gettext_lazy as _


class RectificatifForm(forms.Form):
    """A later deadline for a published AMI, to the second (Paris time), and its reason."""

    nouvelle_date_limite = forms.DateTimeField(
        label=_("Nouvelle date limite de dépôt (heure de Paris)"),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
        help_text=_("Une date limite publiée ne peut qu'être reportée, jamais avancée."),
    )
    motif = forms.CharField(
        label=_("Motif du rectificatif (communiqué aux candidats)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
