"""The six sections of a dossier (seed §7.1). Drafts: fields are optional here, completeness decides."""

import datetime
from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory

from ami.models import Dossier, EtapeDeroule, Intervenant, Reference
from mlhg_app.models import Antenne


def antennes_field(label):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Antenne.objects.filter(kind=Antenne.Kind.ANTENNE),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class StructureForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["presentation", "statut_juridique", "activite", "references_resume"]
        widgets = {
            "presentation": forms.Textarea(attrs={"rows": 5}),
            "activite": forms.Textarea(attrs={"rows": 4}),
            "references_resume": forms.Textarea(attrs={"rows": 3}),
        }


class IntervenantForm(forms.ModelForm):
    antennes = antennes_field("Antennes qu'il ou elle peut couvrir")

    class Meta:
        model = Intervenant
        fields = ["prenom", "nom", "qualification", "qualification_autre", "annees_experience_app", "antennes"]
        error_messages = {
            "prenom": {"required": "Indiquez le prénom de l'intervenant."},
            "nom": {"required": "Indiquez le nom de l'intervenant."},
            "qualification": {"required": "Choisissez la qualification."},
            "annees_experience_app": {"required": "Indiquez le nombre d'années d'expérience en APP."},
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("qualification") == Intervenant.Qualification.AUTRE
            and not (data.get("qualification_autre") or "").strip()
        ):
            self.add_error("qualification_autre", "Précisez la qualification « autre ».")
        return data


IntervenantFormSet = inlineformset_factory(
    Dossier, Intervenant, form=IntervenantForm, extra=1, can_delete=True, min_num=0
)


class MethodologieForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "approche",
            "approche_autre",
            "justification",
            "posture",
            "garantie_cadre",
            "garantie_non_jugement",
            "garantie_intelligence_collective",
            "garantie_problematique",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "justification",
                "posture",
                "garantie_cadre",
                "garantie_non_jugement",
                "garantie_intelligence_collective",
                "garantie_problematique",
            ]
        }

    def clean(self):
        data = super().clean()
        if data.get("approche") == Dossier.Approche.AUTRE and not (data.get("approche_autre") or "").strip():
            self.add_error("approche_autre", "Précisez l'approche « autre ».")
        return data


class EtapeForm(forms.ModelForm):
    class Meta:
        model = EtapeDeroule
        fields = ["libelle", "duree_minutes"]
        labels = {"libelle": "Étape", "duree_minutes": "Durée (minutes)"}
        error_messages = {
            "libelle": {"required": "Décrivez l'étape."},
            "duree_minutes": {"required": "Indiquez la durée de l'étape en minutes."},
        }


class BaseEtapeFormSet(forms.BaseInlineFormSet):
    def total_minutes(self) -> int:
        return sum(
            f.cleaned_data.get("duree_minutes") or 0
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        )


EtapeFormSet = inlineformset_factory(
    Dossier, EtapeDeroule, form=EtapeForm, formset=BaseEtapeFormSet, extra=2, can_delete=True
)


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = Reference
        fields = ["structure", "annee", "contact", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "structure": {"required": "Indiquez la structure."},
            "annee": {"required": "Indiquez l'année."},
        }

    def clean_annee(self):
        annee = self.cleaned_data["annee"]
        if not 1990 <= annee <= datetime.date.today().year:
            raise forms.ValidationError(f"L'année doit être comprise entre 1990 et {datetime.date.today().year}.")
        return annee


ReferenceFormSet = inlineformset_factory(Dossier, Reference, form=ReferenceForm, extra=1, can_delete=True)


class FinancierForm(forms.ModelForm):
    regime_tva = forms.ChoiceField(
        label="Régime de TVA", choices=Dossier.RegimeTVA.choices, widget=forms.RadioSelect, required=False
    )

    class Meta:
        model = Dossier
        fields = [
            "prix_seance_groupe",
            "prix_seance_sous_groupe",
            "regime_tva",
            "taux_tva",
            "mention_exoneration",
            "modalites_facturation",
        ]
        widgets = {"modalites_facturation": forms.Textarea(attrs={"rows": 3})}

    def clean_prix_seance_groupe(self):
        return self._positive("prix_seance_groupe")

    def clean_prix_seance_sous_groupe(self):
        return self._positive("prix_seance_sous_groupe")

    def _positive(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value <= Decimal(0):
            raise forms.ValidationError("Le prix doit être supérieur à 0 €.")
        return value

    def clean(self):
        data = super().clean()
        regime = data.get("regime_tva")
        if regime == Dossier.RegimeTVA.ASSUJETTI:
            taux = data.get("taux_tva")
            if taux is None:
                self.add_error("taux_tva", "Indiquez le taux de TVA applicable (par exemple 20).")
            elif not Decimal(0) <= taux <= Decimal(100):
                self.add_error("taux_tva", "Le taux de TVA est compris entre 0 et 100 %.")
            data["mention_exoneration"] = ""
        elif regime == Dossier.RegimeTVA.EXONERE:
            if not (data.get("mention_exoneration") or "").strip():
                self.add_error(
                    "mention_exoneration",
                    "Indiquez la mention légale d'exonération (par exemple « TVA non applicable, art. 293 B du CGI »).",
                )
            data["taux_tva"] = None
        return data


class DisponibilitesForm(forms.ModelForm):
    demarrage_septembre = forms.TypedChoiceField(
        label="Pouvez-vous démarrer en septembre 2026 ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si vous pouvez démarrer en septembre 2026."},
    )
    antennes_couvertes = antennes_field("Antennes que vous pouvez couvrir (cochez chacune de celles couvertes)")

    class Meta:
        model = Dossier
        fields = ["demarrage_septembre", "demarrage_commentaire", "antennes_couvertes"]
        widgets = {"demarrage_commentaire": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.demarrage_septembre is not None and not self.is_bound:
            self.initial["demarrage_septembre"] = "oui" if self.instance.demarrage_septembre else "non"


class UploadForm(forms.Form):
    fichier = forms.FileField(label="Fichier (PDF, DOCX, ODT, JPEG ou PNG, 10 Mo au plus)")
