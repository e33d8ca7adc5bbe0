"""The directory's forms: its filters, a person, and the HR file to import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mlhg_app.models import Antenne, User


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou adresse"), required=False, max_length=100)
    antenne = forms.ModelChoiceField(
        label=_("Site"), queryset=Antenne.objects.all(), required=False, empty_label=_("Tous les sites")
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=[("", _("Tous les rôles")), *User.Role.choices], required=False)
    actif = forms.ChoiceField(
        label=_("Compte"),
        choices=[("", _("Actifs et désactivés")), ("oui", _("Actifs")), ("non", _("Désactivés"))],
        required=False,
    )

    def filters(self) -> dict:
        """The valid filters as the selector takes them (an invalid one is ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        antenne = data.get("antenne")
        return {
            "q": data.get("q", ""),
            "antenne": str(antenne.pk) if antenne else "",
            "role": data.get("role", ""),
            "active": data.get("actif", ""),
        }


class PersonForm(forms.ModelForm):
    """A person as staff create or edit them: never a password (the person chooses it from their invitation)."""

    class Meta:
        model = User
        fields = ["last_name", "first_name", "email", "role", "antenne", "is_manager"]
        labels = {"last_name": _("Nom"), "first_name": _("Prénom"), "antenne": _("Site de rattachement")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_name"].required = True
        self.fields["first_name"].required = True
        if self.instance.pk:
            # The address is the person's login: it is not changed for them here.
            del self.fields["email"]

    def _post_clean(self):
        # The model's own validation (unique address, a conseiller's site) is the services' (they refuse in French).
        pass

    def person(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("first_name", "last_name", "role", "antenne", "is_manager")}


class PeopleImportForm(forms.Form):
    fichier = forms.FileField(
        label=_("Export du personnel (XLSX ou CSV)"),
        help_text=_("Colonnes : nom, prénom, courriel, antenne, fonction, encadrant (oui/non). 2 Mo au plus."),
    )
    desactiver_absents = forms.BooleanField(
        label=_("Désactiver les personnes de la MLHG absentes du fichier"),
        help_text=_(
            "Administration, responsables de secteur et conseillers seulement : les prestataires, intervenants "
            "et évaluateurs ne sont jamais désactivés par l'import. L'aperçu les liste avant toute écriture."
        ),
        required=False,
    )
