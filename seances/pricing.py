"""A programme's prices: the unit price of a séance, the VAT rate or the exemption mention, the totals.

The programme's prices are the convention's; a signed avenant (`ami.Avenant`) changes a price from its
date d'effet: a séance held before it keeps the old price, one held on or after it the new one.
Money is `Decimal`, rounded half-up to the cent (`ami.scoring.money`).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from ami.models import Avenant
from ami.scoring import money
from ami.selectors import terms_on
from seances.models import Programme

DEFAULT_EXEMPTION = "TVA non applicable, article 293 B du code général des impôts"


def vat_rate(programme: Programme) -> Decimal | None:
    """The VAT rate (%) when the prestataire is liable to VAT, None when exempt."""
    if programme.regime_tva == "assujetti" and programme.taux_tva is not None:
        return Decimal(programme.taux_tva)
    return None


def exemption_mention(programme: Programme) -> str:
    return (programme.mention_exoneration or "").strip() or DEFAULT_EXEMPTION


def signed_avenants(programme: Programme) -> list[Avenant]:
    """The signed avenants of the programme's convention, by date d'effet (read once per programme object)."""
    cached = programme.__dict__.get("_signed_avenants")
    if cached is None:
        cached = []
        if programme.convention_id is not None:
            cached = list(
                Avenant.objects.filter(convention_id=programme.convention_id, signed_at__isnull=False).order_by(
                    "date_effet", "numero"
                )
            )
        programme.__dict__["_signed_avenants"] = cached
    return cached


def unit_price(programme: Programme, *, sous_groupe: bool, on: datetime.date | None = None) -> Decimal:
    """The price HT of a séance held on `on` (today by default): the programme's, or the latest signed
    avenant's in effect on that day that set it."""
    name = "prix_seance_sous_groupe" if sous_groupe else "prix_seance_groupe"
    terms = terms_on({name: getattr(programme, name)}, signed_avenants(programme), on or timezone.localdate())
    return money(Decimal(terms[name]))


def minimum_per_site(programme: Programme, *, on: datetime.date | None = None) -> int:
    """Séances due per site and per year: the programme's, or the latest signed avenant's in effect."""
    base = {"seances_par_site": programme.minimum_par_site}
    return terms_on(base, signed_avenants(programme), on or timezone.localdate())["seances_par_site"]


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
