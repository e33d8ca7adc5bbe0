"""Forms of the convention's life: the signed copy (either side) and an avenant (staff)."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _


class SignedCopyForm(forms.Form):
    fichier = forms.FileField(
        label=_("Exemplaire signé (PDF)"),
        help_text=_("Le PDF signé de ce document : son texte doit contenir son numéro."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


def _price(label):
    return forms.DecimalField(
        label=label, max_digits=9, decimal_places=2, required=False, validators=[MinValueValidator(0)]
    )


class AvenantForm(forms.Form):
    date_effet = forms.DateField(
        label=_("Date d'effet"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Une séance tenue avant cette date garde les conditions antérieures."),
    )
    objet = forms.CharField(label=_("Objet de l'avenant"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    prix_seance_groupe = _price(_("Nouveau prix HT d'une séance en groupe complet (€)"))
    prix_seance_sous_groupe = _price(_("Nouveau prix HT d'une séance en sous-groupe (€)"))
    seances_par_site = forms.IntegerField(
        label=_("Nouveau volume : séances par site et par an"), required=False, min_value=1, max_value=20
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(
            cleaned.get(name) is None for name in ("prix_seance_groupe", "prix_seance_sous_groupe", "seances_par_site")
        ):
            raise forms.ValidationError(_("Un avenant modifie au moins un prix ou le volume de séances."))
        return cleaned
