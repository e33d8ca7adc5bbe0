"""The committee's arithmetic (DESIGN.md §4 Scoring), as pure functions.

- Each scored criterion: points = weight × mean score ÷ 10, over the submitted
  grids of the evaluators without a conflict of interest.
- The price criterion is computed: its weight × (lowest annual total ÷ this
  dossier's annual total) by default, so the lowest price gets all its points;
  the AMI may choose the linear formula. The annual total is the TTC cost of
  the AMI's base volume at the full-group price (what the MLHG pays).
- Total out of 100; ranking by total, ties broken by the points of the AMI's criterion with the
  highest weight (the first in the AMI's order among equal weights; méthodologie in the AMI 2026).
- A disagreement is flagged when two scores of a criterion differ by the
  AMI's threshold (4 by default) or more.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

CENT = Decimal("0.01")
PRICE_CODE = "prix"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def annual_totals(*, prix_groupe, regime_tva: str, taux_tva, volume: int) -> dict:
    """The annual cost on the base volume: HT, TVA and TTC, rounded to the cent."""
    ht = money(Decimal(prix_groupe) * volume)
    rate = Decimal(taux_tva) if regime_tva == "assujetti" and taux_tva not in (None, "") else Decimal(0)
    tva = money(ht * rate / 100)
    return {"ht": ht, "tva": tva, "ttc": ht + tva, "volume": volume}


def price_points(*, weight: int, total: Decimal, lowest: Decimal, formula: str = "proportionnelle") -> Decimal:
    if total <= 0:
        return Decimal(0)
    if formula == "lineaire":
        value = Decimal(weight) * (1 - (total - lowest) / lowest)
        return max(Decimal(0), value)
    return Decimal(weight) * lowest / total


@dataclass
class CriterionResult:
    code: str
    libelle: str
    poids: int
    scores: list[tuple[str, int]] = field(default_factory=list)  # (evaluator, score)
    mean: Decimal | None = None
    median: Decimal | None = None
    points: Decimal = Decimal(0)
    disagreement: bool = False


@dataclass
class DossierResult:
    dossier_id: int
    name: str
    criteria: dict[str, CriterionResult]
    annual_total_ttc: Decimal | None = None
    total: Decimal = Decimal(0)
    rank: int = 0
    tie_break_code: str = ""

    @property
    def tie_break(self) -> Decimal:
        crit = self.criteria.get(self.tie_break_code)
        return crit.points if crit else Decimal(0)


def tie_break_criterion(criteres):
    """The criterion that breaks a tie: the highest weight, the first in the AMI's order among equals."""
    return max(criteres, key=lambda c: c[2], default=None)


def criterion_result(code, libelle, poids, scores, threshold) -> CriterionResult:
    result = CriterionResult(code=code, libelle=libelle, poids=poids, scores=scores)
    values = [s for _name, s in scores]
    if values:
        result.mean = Decimal(sum(values)) / len(values)
        result.median = Decimal(str(median(values)))
        result.points = Decimal(poids) * result.mean / 10
        result.disagreement = max(values) - min(values) >= threshold
    return result


def rank(results: list[DossierResult]) -> list[DossierResult]:
    """Sort by total then the tie-break criterion's points; equal on both share a rank (1, 1, 3)."""
    ordered = sorted(results, key=lambda r: (-money(r.total), -money(r.tie_break), r.name))
    previous = None
    for index, result in enumerate(ordered, start=1):
        key = (money(result.total), money(result.tie_break))
        result.rank = previous[1] if previous and previous[0] == key else index
        previous = (key, result.rank)
    return ordered


def compute_results(*, criteres, dossiers, threshold: int = 4, formula: str = "proportionnelle") -> list[DossierResult]:
    """criteres: [(code, libelle, poids, mode)]; dossiers: [{"id", "name", "annual_total_ttc", "scores": {code: [(evaluator, score)]}}]."""
    price = next((c for c in criteres if c[0] == PRICE_CODE or c[3] == "calcule"), None)
    totals = [d["annual_total_ttc"] for d in dossiers if d.get("annual_total_ttc")]
    lowest = min(totals) if totals else None
    tie_break = tie_break_criterion(criteres)
    results = []
    for d in dossiers:
        crits = {}
        for code, libelle, poids, mode in criteres:
            if mode == "calcule":
                continue
            crits[code] = criterion_result(code, libelle, poids, d["scores"].get(code, []), threshold)
        result = DossierResult(
            dossier_id=d["id"],
            name=d["name"],
            criteria=crits,
            annual_total_ttc=d.get("annual_total_ttc"),
            tie_break_code=tie_break[0] if tie_break else "",
        )
        if price is not None:
            points = Decimal(0)
            if lowest is not None and result.annual_total_ttc:
                points = price_points(weight=price[2], total=result.annual_total_ttc, lowest=lowest, formula=formula)
            crits[price[0]] = CriterionResult(code=price[0], libelle=price[1], poids=price[2], points=points)
        result.total = sum((c.points for c in crits.values()), Decimal(0))
        results.append(result)
    return rank(results)
