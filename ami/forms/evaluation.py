from django import forms
from django.utils.translation import gettext_lazy as _

from ami.models import Dossier


class DeclarationForm(forms.Form):
    conflit = forms.TypedChoiceField(
        label=_("Conflit d'intérêts"),
        choices=[
            ("non", _("Je déclare n'avoir aucun conflit d'intérêts avec ce candidat")),
            ("oui", _("Je déclare un conflit d'intérêts")),
        ],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "oui",
        error_messages={"required": _("Indiquez si vous avez un conflit d'intérêts avec ce candidat.")},
    )
    motif = forms.CharField(
        label=_("Nature du conflit (si vous en déclarez un)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("conflit") and not (data.get("motif") or "").strip():
            self.add_error("motif", _("Décrivez la nature du conflit d'intérêts."))
        return data


class GridForm(forms.Form):
    """A score (0 to 10) and a required comment per scored criterion."""

    def __init__(self, *args, criteres, notes=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteres = criteres
        self.submitting = submitting
        notes = notes or {}
        for critere in criteres:
            note = notes.get(critere.pk)
            self.fields[f"score_{critere.pk}"] = forms.IntegerField(
                label=_("Note de 0 à 10"),
                min_value=0,
                max_value=10,
                required=False,
                initial=note.score if note else None,
                error_messages={
                    "min_value": _("La note est comprise entre 0 et 10."),
                    "max_value": _("La note est comprise entre 0 et 10."),
                    "invalid": _("Saisissez une note entière de 0 à 10."),
                },
            )
            self.fields[f"commentaire_{critere.pk}"] = forms.CharField(
                label=_("Commentaire (obligatoire)"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=note.commentaire if note else "",
            )

    def rows(self):
        for critere in self.criteres:
            yield critere, self[f"score_{critere.pk}"], self[f"commentaire_{critere.pk}"]

    def clean(self):
        data = super().clean()
        for critere in self.criteres:
            score = data.get(f"score_{critere.pk}")
            comment = (data.get(f"commentaire_{critere.pk}") or "").strip()
            if score is not None and not comment:
                self.add_error(f"commentaire_{critere.pk}", _("Un commentaire est obligatoire pour chaque note."))
            if self.submitting and score is None and f"score_{critere.pk}" not in self.errors:
                self.add_error(f"score_{critere.pk}", _("Notez ce critère de 0 à 10 avant de soumettre."))
        return data

    def scores(self) -> dict:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), (self.cleaned_data.get(f"commentaire_{c.pk}") or "").strip())
            for c in self.criteres
        }


class EligibilityForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Recevabilité"),
        choices=[("recevable", _("Recevable")), ("irrecevable", _("Irrecevable"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez recevable ou irrecevable.")},
    )
    motif = forms.ChoiceField(
        label=_("Motif d'irrecevabilité"), choices=[("", "—"), *Dossier.Motif.choices], required=False
    )
    detail = forms.CharField(label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "irrecevable":
            if not data.get("motif"):
                self.add_error("motif", _("Indiquez le motif d'irrecevabilité."))
            elif data.get("motif") == Dossier.Motif.AUTRE and not (data.get("detail") or "").strip():
                self.add_error("detail", _("Précisez le motif d'irrecevabilité."))
        return data
