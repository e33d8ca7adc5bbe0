"""The annual cost of a dossier's financial proposal on the AMI's base volume (pure functions)."""

from decimal import Decimal

from ami.scoring import annual_totals, money
from mlhg_app import french


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
