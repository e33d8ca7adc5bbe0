"""Staff reports of the selection: price simulation, audit journal; the rapport d'analyse and the archive
are exports made by a job (ami/exports.py)."""

from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from ami import exports as ami_exports
from ami.audit import ami_journal
from ami.models import AMI, Critere
from ami.scoring import annual_totals, money, price_points
from ami.views.objects import AMIObjectMixin
from mlhg_app import french
from mlhg_app.access import PermissionRequiredView
from mlhg_app.exports import export_request

MAX_ROWS = 100
JOURNAL_PAGE_SIZE = 50


class ExportRequestView(AMIObjectMixin, PermissionRequiredView, View):
    """Staff ask for a slow export of the AMI: a job makes the file, the export's page follows it."""

    permission_required = "ami.manage_selection"
    http_method_names = ["post"]
    kind = ""

    def post(self, request, reference):
        ami = self.ami
        export = export_request(kind=self.kind, object_id=ami.pk, user=request.user)
        return redirect("export", pk=export.pk)


class RapportView(ExportRequestView):
    kind = ami_exports.RAPPORT


def _amount(label, **kwargs):
    return forms.DecimalField(
        label=label,
        max_digits=9,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Indiquez un montant.",
            "invalid": "Saisissez un montant en euros, par exemple 450 ou 450,50.",
            "max_digits": "Ce montant est trop grand.",
            "max_decimal_places": "Deux décimales au plus.",
            "max_whole_digits": "Ce montant est trop grand.",
        },
        **kwargs,
    )


class PriceSimulationForm(forms.Form):
    UNITE_SEANCE = "seance"
    UNITE_TOTAL = "total"

    prix_min = _amount("Prix HT d'une séance : de (€)")
    prix_max = _amount("jusqu'à (€)")
    pas = _amount("par pas de (€)")
    taux_tva = _amount("Taux de TVA (%)", help_text="0 pour un prestataire exonéré de TVA.")
    plus_bas = _amount(
        "Prix le plus bas reçu",
        required=False,
        help_text="Laissez vide pour prendre le bas de la plage : il obtient tous les points.",
    )
    plus_bas_unite = forms.ChoiceField(
        label="Ce prix le plus bas est",
        choices=[(UNITE_SEANCE, "le prix HT d'une séance"), (UNITE_TOTAL, "le total annuel TTC")],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choisissez le prix d'une séance ou le total annuel."},
    )

    DEFAULTS = {"prix_min": "300", "prix_max": "600", "pas": "50", "taux_tva": "20", "plus_bas_unite": "seance"}

    def __init__(self, *args, ami, **kwargs):
        super().__init__(*args, **kwargs)
        self.ami = ami

    def clean_prix_min(self):
        value = self.cleaned_data["prix_min"]
        if value <= 0:
            raise forms.ValidationError("Le prix minimal doit être supérieur à 0 €.")
        return value

    def clean_pas(self):
        value = self.cleaned_data["pas"]
        if value <= 0:
            raise forms.ValidationError("Le pas doit être supérieur à 0 €.")
        return value

    def clean_taux_tva(self):
        value = self.cleaned_data["taux_tva"]
        if not 0 <= value <= 100:
            raise forms.ValidationError("Le taux de TVA est compris entre 0 et 100 %.")
        return value

    def clean_plus_bas(self):
        value = self.cleaned_data["plus_bas"]
        if value is not None and value <= 0:
            raise forms.ValidationError("Le prix le plus bas doit être supérieur à 0 €.")
        return value

    def total_ttc(self, prix) -> Decimal:
        return annual_totals(
            prix_groupe=prix, regime_tva="assujetti", taux_tva=self.cleaned_data["taux_tva"], volume=self.volume
        )["ttc"]

    @property
    def volume(self) -> int:
        return self.ami.volume_minimal

    def clean(self):
        data = super().clean()
        low, high, step = data.get("prix_min"), data.get("prix_max"), data.get("pas")
        if low is not None and high is not None:
            if high < low:
                self.add_error("prix_max", "Le prix maximal doit être supérieur ou égal au prix minimal.")
            elif step is not None:
                count = int((high - low) // step) + 1
                if count > MAX_ROWS:
                    self.add_error(
                        "pas",
                        f"La plage compte {count} prix : {MAX_ROWS} au plus. Augmentez le pas ou réduisez la plage.",
                    )
        if self.errors or data.get("taux_tva") is None:
            return data
        lowest_total = self.total_ttc(low)
        if data.get("plus_bas") is not None:
            given = data["plus_bas"]
            if data.get("plus_bas_unite") != self.UNITE_TOTAL:
                given_total = self.total_ttc(given)
            else:
                given_total = money(given)
            if given_total > lowest_total:
                self.add_error(
                    "plus_bas",
                    "Le prix le plus bas ne peut pas dépasser le bas de la plage simulée "
                    f"({french.euros(lowest_total)} TTC par an).",
                )
                return data
            lowest_total = given_total
        data["lowest_total"] = lowest_total
        return data

    def rows(self, *, weight: int, chosen: str) -> list[dict]:
        """Per price: the annual totals on the base volume and the points under each formula (AMI's flagged)."""
        data = self.cleaned_data
        lowest = data["lowest_total"]
        out, prix = [], data["prix_min"]
        while prix <= data["prix_max"] and len(out) < MAX_ROWS:
            totals = annual_totals(
                prix_groupe=prix, regime_tva="assujetti", taux_tva=data["taux_tva"], volume=self.volume
            )
            out.append(
                {
                    "prix": prix,
                    "ht": totals["ht"],
                    "ttc": totals["ttc"],
                    "points": [
                        {
                            "value": money(price_points(weight=weight, total=totals["ttc"], lowest=lowest, formula=f)),
                            "chosen": f == chosen,
                        }
                        for f in AMI.FormulePrix.values
                    ],
                }
            )
            prix += data["pas"]
        return out


class PriceSimulationView(AMIObjectMixin, PermissionRequiredView, View):
    """The points a range of prices would get, before publication (drafts included)."""

    permission_required = "ami.view_ami"
    include_drafts = True
    template_name = "ami/reports/price_simulation.html"

    def get(self, request, reference):
        ami = self.ami
        price = ami.criteres.filter(mode=Critere.Mode.CALCULE).first()
        form = PriceSimulationForm(request.GET or PriceSimulationForm.DEFAULTS, ami=ami)
        rows = form.rows(weight=price.poids, chosen=ami.formule_prix) if price is not None and form.is_valid() else None
        formulas = [
            {"value": value, "label": label, "chosen": value == ami.formule_prix}
            for value, label in AMI.FormulePrix.choices
        ]
        return render(
            request,
            self.template_name,
            {"ami": ami, "form": form, "price": price, "rows": rows, "formulas": formulas, "max_rows": MAX_ROWS},
        )


class AuditView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.manage_selection"
    template_name = "ami/reports/audit.html"

    def get(self, request, reference):
        ami = self.ami
        page = Paginator(ami_journal(ami), JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"ami": ami, "page": page})


class ArchiveView(ExportRequestView):
    """The AMI's archive holds every dossier's content: refused while the dossiers are sealed."""

    kind = ami_exports.ARCHIVE
    permission_required = "ami.archive_ami"

    def get_permission_denied_message(self):
        return ami_exports.ARCHIVE_SEALED if self.request.user.has_perm("ami.manage_selection") else ""
