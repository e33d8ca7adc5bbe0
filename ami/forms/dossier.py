"""The six sections of the dossier: their forms, formsets and how each is saved as a draft.

A section object gathers one section's forms. On a POST it first stores the
valid uploaded files (so that nothing uploaded is lost when another field has
an error), then validates, then hands the cleaned values to a service of
`ami.services.dossier`. Drafts may be incomplete: only values that are wrong
(out of range, inconsistent) stop a save; what is merely missing is listed by
the completeness panel.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseFormSet, BaseModelFormSet, formset_factory, modelformset_factory
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ami.completeness import DUREE_SEANCE_MINUTES, SECTION_TITLES
from ami.models import Dossier, Fichier, Intervenant, Reference
from ami.pricing import dossier_totaux, format_euros
from ami.services import dossier as services
from mlhg_app.models import Antenne

TEXTAREA = {"rows": 4}


def antennes_queryset():
    return Antenne.objects.filter(kind=Antenne.Kind.ANTENNE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class UploadErrorsMixin:
    """A form that shows, at its file field, why an upload of this request was refused."""

    upload_field = ""

    def __init__(self, *args, upload_errors=None, **kwargs):
        self.upload_errors = upload_errors or []
        super().__init__(*args, **kwargs)

    def has_changed(self):
        return bool(self.upload_errors) or super().has_changed()

    def clean(self):
        cleaned = super().clean()
        for message in self.upload_errors:
            self.add_error(self.upload_field, message)
        return cleaned


# -- 1. Structure ----------------------------------------------------------------------


class StructureForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["presentation", "statut_juridique", "activite", "references_resume"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in ["presentation", "activite", "references_resume"]}
        help_texts = {
            "statut_juridique": gettext_lazy("Par exemple : SARL, SAS, association, entreprise individuelle.")
        }


# -- 2. Équipe --------------------------------------------------------------------------


class IntervenantForm(UploadErrorsMixin, forms.ModelForm):
    upload_field = "cv"

    antennes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Antennes couvertes"),
        queryset=Antenne.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    cv = forms.FileField(
        label=gettext_lazy("CV"),
        required=False,
        widget=forms.FileInput,
        help_text=gettext_lazy("PDF, DOCX, ODT, JPEG ou PNG, 10 Mo au plus. Un nouveau CV remplace le précédent."),
    )
    cv_conserve = forms.ModelChoiceField(queryset=Fichier.objects.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Intervenant
        fields = ["prenom", "nom", "qualification", "qualification_autre", "annees_experience_app", "antennes"]
        error_messages = {
            "annees_experience_app": {"min_value": gettext_lazy("Indiquez un nombre d'années positif ou nul.")}
        }

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["antennes"].queryset = antennes_queryset()
        self.fields["cv_conserve"].queryset = Fichier.objects.filter(
            dossier=dossier, kind=Fichier.Kind.CV, intervenant__isnull=True, detache_at__isnull=True
        )
        self.fields["annees_experience_app"].max_value = 60
        self.fields["annees_experience_app"].widget.attrs.update({"min": 0, "max": 60})
        self.cv_actuel = None
        self.cv_en_attente = None

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("qualification") == Intervenant.Qualification.AUTRE
            and not cleaned.get("qualification_autre", "").strip()
        ):
            self.add_error(
                "qualification_autre",
                _("Précisez la qualification : vous avez choisi « Autre qualification »."),
            )
        return cleaned


class BaseIntervenantFormSet(BaseModelFormSet):
    def __init__(self, *args, dossier, upload_errors, **kwargs):
        self.dossier = dossier
        self.upload_errors = upload_errors
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["dossier"] = self.dossier
        kwargs["upload_errors"] = self.upload_errors.get(index, []) if index is not None else []
        return kwargs


IntervenantFormSet = modelformset_factory(
    Intervenant, form=IntervenantForm, formset=BaseIntervenantFormSet, extra=1, can_delete=True
)


# -- 3. Méthodologie ---------------------------------------------------------------------


METHODOLOGIE_TEXTS = [
    "justification",
    "posture",
    "garantie_cadre",
    "garantie_non_jugement",
    "garantie_intelligence_collective",
    "garantie_problematique",
]


class MethodologieForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["approche", "approche_autre", *METHODOLOGIE_TEXTS]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in METHODOLOGIE_TEXTS}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approche") == Dossier.Approche.AUTRE and not cleaned.get("approche_autre", "").strip():
            self.add_error("approche_autre", _("Précisez l'approche : vous avez choisi « Autre approche »."))
        return cleaned


class EtapeForm(forms.Form):
    libelle = forms.CharField(label=gettext_lazy("Étape"), max_length=255)
    duree_minutes = forms.IntegerField(
        label=gettext_lazy("Durée (minutes)"),
        min_value=1,
        max_value=DUREE_SEANCE_MINUTES,
        error_messages={
            "min_value": gettext_lazy("Une étape dure au moins 1 minute."),
            "max_value": gettext_lazy("Une étape dure au plus 120 minutes."),
        },
    )


class BaseEtapeFormSet(BaseFormSet):
    def etapes(self) -> list[tuple[str, int]]:
        return [
            (form.cleaned_data["libelle"], form.cleaned_data["duree_minutes"])
            for form in self.forms
            if form not in self.deleted_forms and form.has_changed() and form.cleaned_data
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        etapes = self.etapes()
        total = sum(duree for _libelle, duree in etapes)
        if etapes and total != DUREE_SEANCE_MINUTES:
            raise ValidationError(
                _(
                    "Les étapes totalisent %(total)s minutes : le déroulé d'une séance doit totaliser "
                    "120 minutes (2 heures)."
                )
                % {"total": total},
                code="total",
            )


def etape_formset_class(existing: int):
    return formset_factory(EtapeForm, formset=BaseEtapeFormSet, extra=1 if existing else 4, can_delete=True)


# -- 4. Références ------------------------------------------------------------------------


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = Reference
        fields = ["structure", "annee", "contact", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    annee = forms.IntegerField(label=gettext_lazy("Année"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        message = _("L'année doit être comprise entre 1990 et %(annee)s.") % {"annee": year}
        field = self.fields["annee"]
        field.validators = [MinValueValidator(1990, message), MaxValueValidator(year, message)]
        field.widget.attrs.update({"min": 1990, "max": year})


ReferenceFormSet = modelformset_factory(Reference, form=ReferenceForm, extra=1, can_delete=True)


class LettresForm(UploadErrorsMixin, forms.Form):
    upload_field = "lettres"

    lettres = MultipleFileField(
        label=gettext_lazy("Ajouter des lettres de recommandation"),
        required=False,
        help_text=gettext_lazy("Plusieurs fichiers possibles : PDF, DOCX, ODT, JPEG ou PNG, 10 Mo au plus chacun."),
    )


# -- 5. Proposition financière ----------------------------------------------------------------

PRIX_ERRORS = {
    "min_value": gettext_lazy("Le prix doit être supérieur à 0 €."),
    "invalid": gettext_lazy("Saisissez un montant en euros, par exemple 450,00."),
}


TAUX_ERROR = gettext_lazy("Le taux de TVA est un pourcentage entre 0 et 99,99 (par exemple 20 ou 5,5).")


def prix_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        localize=True,
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=PRIX_ERRORS,
    )


class FinancierForm(forms.ModelForm):
    prix_seance_groupe = prix_field(gettext_lazy("Prix HT d'une séance en groupe complet (€)"))
    prix_seance_sous_groupe = prix_field(gettext_lazy("Prix HT d'une séance en sous-groupe (€)"))
    regime_tva = forms.ChoiceField(
        label=gettext_lazy("Régime de TVA"),
        choices=Dossier.RegimeTVA.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    taux_tva = forms.DecimalField(
        label=gettext_lazy("Taux de TVA (%)"),
        required=False,
        localize=True,
        min_value=0,
        max_digits=4,
        decimal_places=2,
        help_text=gettext_lazy("Si vous êtes assujetti : par exemple 20."),
        error_messages={
            "min_value": TAUX_ERROR,
            "max_digits": TAUX_ERROR,
            "max_whole_digits": TAUX_ERROR,
            "invalid": TAUX_ERROR,
        },
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
        widgets = {"modalites_facturation": forms.Textarea(attrs=TEXTAREA)}
        help_texts = {
            "mention_exoneration": gettext_lazy(
                "Si vous êtes exonéré : par exemple « TVA non applicable, art. 293 B du CGI »."
            )
        }

    def clean(self):
        cleaned = super().clean()
        regime = cleaned.get("regime_tva")
        if regime == Dossier.RegimeTVA.ASSUJETTI:
            if cleaned.get("taux_tva") is None and "taux_tva" not in self.errors:
                self.add_error("taux_tva", _("Indiquez le taux de TVA (entre 0 et 100 %) : vous êtes assujetti."))
            cleaned["mention_exoneration"] = ""
        elif regime == Dossier.RegimeTVA.EXONERE:
            if not cleaned.get("mention_exoneration", "").strip():
                self.add_error(
                    "mention_exoneration",
                    _(
                        "Indiquez la mention légale d'exonération, par exemple "
                        "« TVA non applicable, art. 293 B du CGI »."
                    ),
                )
            cleaned["taux_tva"] = None
        return cleaned


# -- 6. Disponibilités -----------------------------------------------------------------------


class DisponibilitesForm(forms.Form):
    demarrage_septembre = forms.TypedChoiceField(
        choices=[("oui", gettext_lazy("Oui")), ("non", gettext_lazy("Non"))],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
    )
    demarrage_commentaire = forms.CharField(
        label=gettext_lazy("Commentaire sur le démarrage"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    antennes_couvertes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Antennes que vous pouvez couvrir (cochez chaque antenne couverte)"),
        queryset=Antenne.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        annee = dossier.ami.annee
        field = self.fields["demarrage_septembre"]
        field.label = _("Pouvez-vous démarrer la prestation en septembre %(annee)s ?") % {"annee": annee}
        field.error_messages["required"] = _("Indiquez si vous pouvez démarrer en septembre %(annee)s.") % {
            "annee": annee
        }
        self.fields["antennes_couvertes"].queryset = antennes_queryset()


# -- the sections ------------------------------------------------------------------------------


def _silence(form_or_formset):
    """Drop validation messages (after "add a row": the user has not asked to save yet)."""
    if isinstance(form_or_formset, BaseFormSet):
        for form in form_or_formset.forms:
            _silence(form)
        form_or_formset._errors = [form._errors for form in form_or_formset.forms]
        form_or_formset._non_form_errors = form_or_formset.error_class()
        return
    form_or_formset._errors = ErrorDict()
    for message in getattr(form_or_formset, "upload_errors", []):
        form_or_formset._errors.setdefault(form_or_formset.upload_field, form_or_formset.error_class()).append(message)


class Section:
    """One section's forms, bound to a POST or showing the saved draft."""

    code = ""
    template = ""
    formset_prefixes: tuple[str, ...] = ()

    def __init__(self, dossier: Dossier, data=None, files=None):
        self.dossier = dossier
        self.titre = str(SECTION_TITLES[self.code])
        self.bound = data is not None
        self.data = data.copy() if data is not None else None
        self.files = files if files is not None else MultiValueDict()
        self.kept: list[Fichier] = []  # files stored during this request
        if self.bound:
            self.store_uploads()
        self.build()

    def store_uploads(self):
        """Store the valid files of the request (errors are shown at their fields)."""

    def _store(self, upload, kind) -> tuple[Fichier | None, list[str]]:
        try:
            fichier = services.fichier_add(dossier=self.dossier, upload=upload, kind=kind)
        except ValidationError as exc:
            return None, exc.messages
        self.kept.append(fichier)
        return fichier, []

    def build(self):
        raise NotImplementedError

    def all_forms(self) -> list:
        raise NotImplementedError

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all_forms()])

    def save(self) -> bool:
        """Validate and save the draft; False (nothing saved but the files) when a field is wrong."""
        if not self.is_valid():
            return False
        self.commit()
        return True

    def commit(self):
        raise NotImplementedError

    def add_row(self, prefix: str) -> bool:
        """Show one more empty row in a formset, keeping what was typed, without saving."""
        if prefix not in self.formset_prefixes or not self.bound:
            return False
        key = f"{prefix}-TOTAL_FORMS"
        try:
            self.data[key] = str(int(self.data.get(key, 0)) + 1)
        except ValueError:
            return False
        self.build()
        for form in self.all_forms():
            _silence(form)
        return True

    def context(self) -> dict:
        return {}


class StructureSection(Section):
    code = "structure"
    template = "ami/dossier/_section_structure.html"

    def build(self):
        initial = {}
        if not self.dossier.statut_juridique:
            initial["statut_juridique"] = self.dossier.prestataire.statut_juridique
        self.form = StructureForm(self.data, instance=self.dossier, initial=initial)

    def all_forms(self):
        return [self.form]

    def commit(self):
        services.dossier_fields_save(dossier=self.dossier, values=self.form.cleaned_data)

    def context(self):
        return {"form": self.form}


CV_KEY = re.compile(r"^intervenants-(\d+)-cv$")


class EquipeSection(Section):
    code = "equipe"
    template = "ami/dossier/_section_equipe.html"
    formset_prefixes = ("intervenants",)

    def store_uploads(self):
        self.upload_errors: dict[int, list[str]] = {}
        for key in list(self.files):
            match = CV_KEY.match(key)
            if not match:
                continue
            index = int(match.group(1))
            fichier, errors = self._store(self.files[key], Fichier.Kind.CV)
            if fichier is not None:
                self.data[f"intervenants-{index}-cv_conserve"] = str(fichier.pk)
            if errors:
                self.upload_errors[index] = errors

    def build(self):
        self.formset = IntervenantFormSet(
            self.data,
            queryset=self.dossier.intervenants.prefetch_related("antennes"),
            prefix="intervenants",
            dossier=self.dossier,
            upload_errors=getattr(self, "upload_errors", {}),
        )
        draft_cvs = list(self.dossier.fichiers.filter(kind=Fichier.Kind.CV, detache_at__isnull=True))
        by_intervenant = {f.intervenant_id: f for f in draft_cvs if f.intervenant_id}
        by_pk = {str(f.pk): f for f in draft_cvs}
        pending = set()
        for index, form in enumerate(self.formset.forms):
            form.cv_actuel = by_intervenant.get(form.instance.pk) if form.instance.pk else None
            if self.data is not None:
                form.cv_en_attente = by_pk.get(self.data.get(f"intervenants-{index}-cv_conserve", ""))
                if form.cv_en_attente is not None:
                    pending.add(form.cv_en_attente.pk)
        self.cv_orphelins = [f for f in draft_cvs if f.intervenant_id is None and f.pk not in pending]

    def all_forms(self):
        return [self.formset]

    def commit(self):
        rows = []
        for form in self.formset.forms:
            if form in self.formset.deleted_forms:
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            rows.append(
                {
                    "intervenant": form.instance,
                    "antennes": form.cleaned_data.get("antennes", []),
                    "cv": form.cleaned_data.get("cv_conserve"),
                }
            )
        deleted = [form.instance for form in self.formset.deleted_forms if form.instance.pk]
        services.dossier_intervenants_save(dossier=self.dossier, rows=rows, deleted=deleted)

    def context(self):
        return {"formset": self.formset, "cv_orphelins": self.cv_orphelins}


class MethodologieSection(Section):
    code = "methodologie"
    template = "ami/dossier/_section_methodologie.html"
    formset_prefixes = ("etapes",)

    def build(self):
        self.form = MethodologieForm(self.data, instance=self.dossier)
        etapes = list(self.dossier.etapes.all())
        initial = [{"libelle": e.libelle, "duree_minutes": e.duree_minutes} for e in etapes]
        self.formset = etape_formset_class(len(etapes))(self.data, initial=initial, prefix="etapes")

    def all_forms(self):
        return [self.form, self.formset]

    def commit(self):
        services.dossier_etapes_save(dossier=self.dossier, values=self.form.cleaned_data, etapes=self.formset.etapes())

    def context(self):
        total = sum(etape.duree_minutes for etape in self.dossier.etapes.all())
        return {"form": self.form, "formset": self.formset, "total_enregistre": total}


class ReferencesSection(Section):
    code = "references"
    template = "ami/dossier/_section_references.html"
    formset_prefixes = ("references",)

    def store_uploads(self):
        self.upload_errors: list[str] = []
        for upload in self.files.getlist("lettres"):
            _fichier, errors = self._store(upload, Fichier.Kind.RECOMMANDATION)
            self.upload_errors += errors

    def build(self):
        self.formset = ReferenceFormSet(self.data, queryset=self.dossier.references.all(), prefix="references")
        self.lettres_form = LettresForm(self.data, upload_errors=getattr(self, "upload_errors", []))

    def all_forms(self):
        return [self.formset, self.lettres_form]

    def commit(self):
        references = [
            form.instance
            for form in self.formset.forms
            if form not in self.formset.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        deleted = [form.instance for form in self.formset.deleted_forms if form.instance.pk]
        services.dossier_references_save(dossier=self.dossier, references=references, deleted=deleted)

    def context(self):
        lettres = self.dossier.fichiers.filter(kind=Fichier.Kind.RECOMMANDATION, detache_at__isnull=True)
        return {"formset": self.formset, "lettres_form": self.lettres_form, "lettres": lettres}


class FinancierSection(Section):
    code = "financier"
    template = "ami/dossier/_section_financier.html"

    def build(self):
        self.form = FinancierForm(self.data, instance=self.dossier)

    def all_forms(self):
        return [self.form]

    def commit(self):
        services.dossier_fields_save(dossier=self.dossier, values=self.form.cleaned_data)

    def context(self):
        saved = Dossier.objects.select_related("ami").get(pk=self.dossier.pk)
        totaux = dossier_totaux(saved)
        return {
            "form": self.form,
            "totaux": totaux,
            "totaux_affiches": {key: format_euros(totaux[key]) for key in ("ht", "tva", "ttc")},
            "prix_groupe_affiche": format_euros(saved.prix_seance_groupe),
            "dossier_enregistre": saved,
        }


class DisponibilitesSection(Section):
    code = "disponibilites"
    template = "ami/dossier/_section_disponibilites.html"

    def build(self):
        d = self.dossier
        initial = {
            "demarrage_commentaire": d.demarrage_commentaire,
            "antennes_couvertes": list(d.antennes_couvertes.all()),
        }
        if d.demarrage_septembre is not None:
            initial["demarrage_septembre"] = "oui" if d.demarrage_septembre else "non"
        self.form = DisponibilitesForm(self.data, initial=initial, dossier=d)

    def all_forms(self):
        return [self.form]

    def commit(self):
        cleaned = self.form.cleaned_data
        services.dossier_fields_save(
            dossier=self.dossier,
            values={
                "demarrage_septembre": cleaned["demarrage_septembre"],
                "demarrage_commentaire": cleaned["demarrage_commentaire"],
            },
            antennes=cleaned["antennes_couvertes"],
            disponibilites=True,
        )

    def context(self):
        return {"form": self.form}


SECTION_CLASSES: dict[str, type[Section]] = {
    cls.code: cls
    for cls in [
        StructureSection,
        EquipeSection,
        MethodologieSection,
        ReferencesSection,
        FinancierSection,
        DisponibilitesSection,
    ]
}
