"""A programme's prices: the unit price of a séance, the VAT rate or the exemption mention, the totals.

Money is `Decimal`, rounded half-up to the cent (`ami.scoring.money`).
"""

from decimal import Decimal

from ami.scoring import money
from seances.models import Programme

DEFAULT_EXEMPTION = "TVA non applicable, article 293 B du code général des impôts"


def vat_rate(programme: Programme) -> Decimal | None:
    """The VAT rate (%) when the prestataire is liable to VAT, None when exempt."""
    if programme.regime_tva == "assujetti" and programme.taux_tva is not None:
        return Decimal(programme.taux_tva)
    return None


def exemption_mention(programme: Programme) -> str:
    return (programme.mention_exoneration or "").strip() or DEFAULT_EXEMPTION


def unit_price(programme: Programme, *, sous_groupe: bool) -> Decimal:
    return money(Decimal(programme.prix_seance_sous_groupe if sous_groupe else programme.prix_seance_groupe))


def totals(programme: Programme, total_ht: Decimal) -> dict:
    """HT, TVA and TTC of an amount HT, rounded half-up to the cent; the rate or the exemption mention."""
    ht = money(Decimal(total_ht))
    rate = vat_rate(programme)
    tva = money(ht * rate / 100) if rate is not None else Decimal("0.00")
    return {
        "ht": ht,
        "tva": tva,
        "ttc": ht + tva,
        "taux": rate,
        "mention": "" if rate is not None else exemption_mention(programme),
    }
