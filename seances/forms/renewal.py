"""The renewal's page: the prices of the next year (a rate, or typed by hand), and why not to renew."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _


def _decimal(label, help_text, *, max_digits, validators):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        max_digits=max_digits,
        decimal_places=2,
        localize=True,  # « 2,5 » as a French user types it
        validators=validators,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class RenewalForm(forms.Form):
    taux = _decimal(
        _("Révision des prix (%)"),
        _("Par exemple 2,5 pour +2,5 % ; vide : prix inchangés."),
        max_digits=5,
        validators=[MinValueValidator(-50), MaxValueValidator(100)],
    )
    prix_seance_groupe = _decimal(
        _("Ou à la main : prix HT d'une séance en groupe complet (€)"),
        _("Remplace la révision pour cette ligne."),
        max_digits=9,
        validators=[MinValueValidator(0)],
    )
    prix_seance_sous_groupe = _decimal(
        _("Ou à la main : prix HT d'une séance en sous-groupe (€)"),
        _("Remplace la révision pour cette ligne."),
        max_digits=9,
        validators=[MinValueValidator(0)],
    )


class NotRenewForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif de la décision"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Gardé avec la décision, pour le prochain appel."),
    )
