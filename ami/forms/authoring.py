"""Staff's forms of an AMI's authoring: create, the draft's fields, its rows (sections, criteria, calendar),
a rectificatif of the text, and the questions and answers."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from ami.models import AMI, Critere
from ami.services.authoring import EDITABLE_FIELDS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]


def _datetime_field(label, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
        help_text=help_text,
    )


def _date_field(label, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
    )


class AMICreateForm(forms.Form):
    """A new draft: from which AMI (or the reference text), and what is new each year."""

    source = forms.ModelChoiceField(
        label=_("Créer à partir de"),
        queryset=AMI.objects.order_by("-annee", "reference"),
        required=False,
        empty_label=_("Le texte de référence (AMI 2026 de la MLHG)"),
        help_text=_(
            "Le texte, les critères et leur pondération, le calendrier, les volumes, la formule du prix, "
            "le contact et les seuils sont repris ; vous les modifiez ensuite dans le brouillon."
        ),
    )
    reference = forms.SlugField(
        label=_("Référence"), max_length=40, help_text=_("L'adresse de la page publique, par exemple ami-app-2027.")
    )
    titre = forms.CharField(label=_("Titre"), max_length=255)
    annee = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    date_publication = _date_field(_("Date de publication prévue"), help_text=_("Vide : le jour de la publication."))
    date_limite = _datetime_field(_("Date limite de dépôt (heure de Paris)"))
    date_limite_questions = _datetime_field(
        _("Date limite des questions (heure de Paris)"), required=False, help_text=_("Vide : 7 jours avant.")
    )


class AMIDraftForm(forms.ModelForm):
    """A draft's own fields; the service saves them (`ami_update`)."""

    class Meta:
        model = AMI
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_limite", "date_limite_questions"):
            field = self.fields[name]
            field.input_formats = DATETIME_FORMATS
            field.widget = forms.DateTimeInput(
                attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
            )
        self.fields["date_publication"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["date_publication"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.fields["date_limite"].label = _("Date limite de dépôt (heure de Paris)")
        self.fields["date_limite_questions"].label = _("Date limite des questions (heure de Paris)")

    def _post_clean(self):
        """Field checks only: the instance is left untouched, and the rules (a reference already used,
        the status) are the service's (`ami_update`), which refuses in French on the field."""


# -- rows of a draft ------------------------------------------------------------------------


class _RowForm(forms.Form):
    ordre = forms.IntegerField(label=_("Position"), required=False, min_value=0)


class SectionForm(_RowForm):
    code = forms.CharField(widget=forms.HiddenInput, required=False)
    titre = forms.CharField(label=_("Titre"), max_length=255)
    texte = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Un bloc par paragraphe (ligne vide entre deux) ; « - » une liste, « ## » un intertitre, **gras**."
        ),
    )


class CritereForm(_RowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    libelle = forms.CharField(label=_("Libellé"), max_length=255)
    poids = forms.IntegerField(label=_("Pondération (%)"), min_value=0, max_value=100)
    mode = forms.ChoiceField(label=_("Mode d'évaluation"), choices=Critere.Mode.choices)


class JalonForm(_RowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    libelle = forms.CharField(label=_("Étape"), max_length=255)
    quand = forms.CharField(label=_("Date ou période"), max_length=80)
    date = _date_field(_("Date (si précise)"))


SectionFormSet = formset_factory(SectionForm, extra=1, can_delete=True)
CritereFormSet = formset_factory(CritereForm, extra=1, can_delete=True)
JalonFormSet = formset_factory(JalonForm, extra=1, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """The rows kept (not deleted, not left empty), in the order their positions give."""
    kept = []
    for index, form in enumerate(formset.forms):
        if not form.has_changed() and not form.initial:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        position = data.pop("ordre", None)
        kept.append(((position if position is not None else index), index, data))
    return [data for _position, _index, data in sorted(kept, key=lambda item: item[:2])]


def rows_initial(rows) -> list[dict]:
    """The initial data of a row formset, positions numbered from 1."""
    return [{**row, "ordre": number} for number, row in enumerate(rows, start=1)]


# -- rectificatif, questions ------------------------------------------------------------------


class RectificatifTexteForm(forms.Form):
    nouvelle_date_limite = _datetime_field(
        _("Nouvelle date limite de dépôt (heure de Paris)"),
        required=False,
        help_text=_("Vide : la date limite ne change pas. Elle ne peut qu'être reportée, jamais avancée."),
    )
    motif = forms.CharField(
        label=_("Motif du rectificatif (communiqué aux candidats et publié)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class QuestionAskForm(forms.Form):
    texte = forms.CharField(
        label=_("Votre question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=_(
            "La MLHG publie sa réponse pour tous les candidats, avec la question reformulée : "
            "ni votre nom ni celui de votre organisation n'apparaissent."
        ),
    )


class AnswerForm(forms.Form):
    question_publiee = forms.CharField(
        label=_("Question reformulée, telle qu'elle sera publiée"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Rien ne doit permettre de reconnaître qui l'a posée (nom, organisation, situation propre)."),
    )
    reponse = forms.CharField(label=_("Réponse"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
