"""The annual cost of a dossier's financial proposal on the AMI's base volume (pure functions)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    """Round half up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def dossier_totaux(dossier) -> dict:
    """The annual total on the AMI's base volume at the full-group price.

    Returns ``{"volume": int, "ht": Decimal | None, "tva": Decimal | None, "ttc": Decimal | None}``:
    ``volume`` is ``dossier.ami.volume_minimal`` (21 séances for the 2026 AMI);
    ``ht`` = volume × full-group price; ``tva`` = ht × rate / 100 when the
    prestataire is assujetti (0 when exonéré); ``ttc`` = ht + tva. Each amount
    is rounded half up to the cent; an amount that cannot be computed yet
    (price, VAT regime or rate missing) is None.
    """
    volume = dossier.ami.volume_minimal
    totaux = {"volume": volume, "ht": None, "tva": None, "ttc": None}
    if dossier.prix_seance_groupe is None:
        return totaux
    ht = to_cents(dossier.prix_seance_groupe * volume)
    totaux["ht"] = ht
    if dossier.regime_tva == "exonere":
        tva = Decimal("0.00")
    elif dossier.regime_tva == "assujetti" and dossier.taux_tva is not None:
        tva = to_cents(ht * Decimal(dossier.taux_tva) / 100)
    else:
        return totaux
    totaux["tva"] = tva
    totaux["ttc"] = to_cents(ht + tva)
    return totaux


def format_euros(value: Decimal | None) -> str:
    """French amount: ``Decimal("1234.5")`` → ``"1 234,50 €"`` (spaces as thousands separator); None → "—"."""
    if value is None:
        return "—"
    text = f"{to_cents(value):,.2f}"  # 1,234.50
    return text.replace(",", " ").replace(".", ",") + " €"
