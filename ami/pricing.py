"""The annual cost of a dossier's financial proposal on the AMI's base volume, and the price simulation
of the staff's report (pure functions)."""

from decimal import Decimal

from ami.models import AMI
from ami.scoring import annual_totals, money, price_points
from mlhg_app import french

SIMULATION_MAX_ROWS = 100


def to_cents(value: Decimal) -> Decimal:
    """Round half up to the cent."""
    return money(Decimal(value))


def dossier_totaux(dossier) -> dict:
    """The annual total on the AMI's base volume at the full-group price (see `ami.scoring.annual_totals`).

    Returns ``{"volume": int, "ht": Decimal | None, "tva": Decimal | None, "ttc": Decimal | None}``;
    an amount that cannot be computed yet (price, VAT regime or rate missing) is None.
    """
    volume = dossier.ami.volume_minimal
    totaux = {"volume": volume, "ht": None, "tva": None, "ttc": None}
    if dossier.prix_seance_groupe is None:
        return totaux
    computed = annual_totals(
        prix_groupe=dossier.prix_seance_groupe,
        regime_tva=dossier.regime_tva,
        taux_tva=dossier.taux_tva,
        volume=volume,
    )
    totaux["ht"] = computed["ht"]
    if dossier.regime_tva == "exonere" or (dossier.regime_tva == "assujetti" and dossier.taux_tva is not None):
        totaux["tva"], totaux["ttc"] = computed["tva"], computed["ttc"]
    return totaux


def format_euros(value: Decimal | None) -> str:
    """French amount: ``Decimal("1234.5")`` → ``"1 234,50 €"`` (rounded half up to the cent); None → "—"."""
    return french.euros(None if value is None else to_cents(value))


def simulated_total_ttc(prix: Decimal, *, taux_tva: Decimal, volume: int) -> Decimal:
    """The annual total TTC of a séance price on ``volume`` séances, VAT at ``taux_tva`` %."""
    return annual_totals(prix_groupe=prix, regime_tva="assujetti", taux_tva=taux_tva, volume=volume)["ttc"]


def price_simulation(
    *,
    prix_min: Decimal,
    prix_max: Decimal,
    pas: Decimal,
    taux_tva: Decimal,
    volume: int,
    lowest_total: Decimal,
    weight: int,
    chosen: str,
) -> list[dict]:
    """Per price from ``prix_min`` to ``prix_max`` by ``pas`` (``SIMULATION_MAX_ROWS`` at most): the annual
    totals on the base volume and the points under each formula, the AMI's (``chosen``) flagged."""
    out, prix = [], prix_min
    while prix <= prix_max and len(out) < SIMULATION_MAX_ROWS:
        totals = annual_totals(prix_groupe=prix, regime_tva="assujetti", taux_tva=taux_tva, volume=volume)
        out.append(
            {
                "prix": prix,
                "ht": totals["ht"],
                "ttc": totals["ttc"],
                "points": [
                    {
                        "value": money(
                            price_points(weight=weight, total=totals["ttc"], lowest=lowest_total, formula=f)
                        ),
                        "chosen": f == chosen,
                    }
                    for f in AMI.FormulePrix.values
                ],
            }
        )
        prix += pas
    return out
