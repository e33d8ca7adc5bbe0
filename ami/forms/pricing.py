"""The price simulation's inputs: a range of séance prices, the VAT rate and the lowest price received."""

from decimal import Decimal

from django import forms

from ami.pricing import SIMULATION_MAX_ROWS, price_simulation, simulated_total_ttc
from ami.scoring import money
from mlhg_app import french


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
        return simulated_total_ttc(prix, taux_tva=self.cleaned_data["taux_tva"], volume=self.ami.volume_minimal)

    def clean(self):
        data = super().clean()
        low, high, step = data.get("prix_min"), data.get("prix_max"), data.get("pas")
        if low is not None and high is not None:
            if high < low:
                self.add_error("prix_max", "Le prix maximal doit être supérieur ou égal au prix minimal.")
            elif step is not None:
                count = int((high - low) // step) + 1
                if count > SIMULATION_MAX_ROWS:
                    self.add_error(
                        "pas",
                        f"La plage compte {count} prix : {SIMULATION_MAX_ROWS} au plus. Augmentez le pas ou réduisez la plage.",
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
        """The simulation's table for the valid form (see `ami.pricing.price_simulation`)."""
        data = self.cleaned_data
        return price_simulation(
            prix_min=data["prix_min"],
            prix_max=data["prix_max"],
            pas=data["pas"],
            taux_tva=data["taux_tva"],
            volume=self.ami.volume_minimal,
            lowest_total=data["lowest_total"],
            weight=weight,
            chosen=chosen,
        )
