"""A site as staff edit it on the sites page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mlhg_app.models import WEEKDAYS, Antenne


class AntenneForm(forms.ModelForm):
    """Name, address, display order and unavailable days; the code, the kind and the headcount are not typed."""

    jours_indisponibles = forms.TypedMultipleChoiceField(
        label=_("Jours où le site ne peut pas accueillir de séance"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Les jours indisponibles vont du lundi au vendredi.")},
    )

    class Meta:
        model = Antenne
        fields = ["nom", "adresse", "code_postal", "ville", "ordre", "jours_indisponibles"]
        labels = {"nom": _("Nom"), "adresse": _("Adresse"), "code_postal": _("Code postal"), "ville": _("Ville")}
        error_messages = {
            "ordre": {"invalid": _("L'ordre d'affichage est un nombre positif ou nul.")},
            "code_postal": {"max_length": _("Le code postal s'écrit avec cinq chiffres (par exemple 31000).")},
        }

    def _post_clean(self):
        # The model's own validation (unique name, the days) is the service's (it refuses in French).
        pass

    def antenne(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("nom", "adresse", "code_postal", "ville", "ordre", "jours_indisponibles")}
