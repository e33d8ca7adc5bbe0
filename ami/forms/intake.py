"""Forms of the dossiers received by email (staff): the .eml, or the message typed; the reception time
corrected with its reason; the sender's organisation; an extra piece. Parsing only: the writes are
`ami.services.intake`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ami.models import Prestataire
from ami.services.intake import ORGANISATION_FIELDS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]


def reception_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
        help_text=_("Heure de Paris, à la seconde : c'est elle qui décide si le dossier est arrivé à temps."),
    )


class EmlForm(forms.Form):
    eml = forms.FileField(
        label=_("Message reçu (fichier .eml)"),
        help_text=_(
            "Dans la messagerie, « Enregistrer sous » ou « Télécharger le message » donne le fichier .eml. "
            "L'heure de réception est lue dans ses en-têtes ; les pièces jointes deviennent les pièces du dossier."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".eml,message/rfc822"}),
    )


class ManualForm(forms.Form):
    expediteur_email = forms.EmailField(label=_("Adresse de l'expéditeur"))
    expediteur_nom = forms.CharField(label=_("Nom de l'expéditeur"), max_length=200, required=False)
    sujet = forms.CharField(label=_("Objet du message"), max_length=255, required=False)
    recu_le = reception_field(_("Reçu le"))
    motif = forms.CharField(
        label=_("Où cette heure a-t-elle été lue ?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : « en-tête du message affiché dans la messagerie de mlhg@ml31.org »."),
    )


class TimeCorrectionForm(forms.Form):
    recu_le = reception_field(_("Heure de réception corrigée"))
    motif = forms.CharField(
        label=_("Motif de la correction"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrganisationForm(forms.ModelForm):
    """The sender's organisation; a SIRET already known is matched (the service decides)."""

    confirmer = forms.BooleanField(
        label=_("Je confirme qu'il s'agit de l'organisation déjà inscrite sous ce SIRET"), required=False
    )

    class Meta:
        model = Prestataire
        fields = list(ORGANISATION_FIELDS)

    def validate_unique(self):
        """A known SIRET is matched to its organisation, not refused: the service decides."""


class PieceForm(forms.Form):
    fichier = forms.FileField(label=_("Ajouter une pièce reçue"))
