"""What other parts of the product show beside the figures of the provider's review (issue 20).

`seances` computes the séances held against due itself; the bilan's punctuality is `bilans`'s, and the
participants' feedback is another part's: both sit on the right of `seances` or beside it
(docs/architecture.md: `bilans → seances`), so they register a provider here, in their
`AppConfig.ready`, and the review never imports them:

    from seances import review_sources
    review_sources.register(review_sources.BILAN, bilans.selectors.revue_bilan_lines)
    review_sources.register(review_sources.FEEDBACK, <feedback>.selectors.revue_feedback_lines)

Contract of a provider, `provider(programme) -> Lines | None`: already aggregated, readable lines (never
a person, a séance or what a group said); None when it has nothing to show yet. The review's page and PDF
show each registered source under its title; for `FEEDBACK` with nothing (no provider, or None) they say
`NO_FEEDBACK` (« Pas encore d'avis agrégé »). When the review is shared, the lines are frozen with it.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

# The hook of the participants' anonymous feedback (aggregates per site and year, or per window, from k
# answers): the context variable `revue_chiffres.sources.avis` of the review's page and PDF.
FEEDBACK = "avis"
# The hook of the annual bilan's punctuality (remitted date against due date).
BILAN = "bilan"

TITLES = {BILAN: "Ponctualité du bilan annuel", FEEDBACK: "Avis des participants (agrégés)"}
EMPTY = {BILAN: "Pas encore de bilan annuel ouvert.", FEEDBACK: "Pas encore d'avis agrégé"}
NO_FEEDBACK = EMPTY[FEEDBACK]
ORDER = (BILAN, FEEDBACK)


@dataclass(frozen=True)
class Line:
    libelle: str
    valeur: str


@dataclass(frozen=True)
class Lines:
    lines: list[Line] = field(default_factory=list)
    note: str = ""


Provider = Callable[[object], Lines | None]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """`provider` fills the source `name` (one provider per source: registering again replaces it)."""
    _providers[name] = provider


def collect(programme) -> dict[str, dict]:
    """Every source, in `ORDER`, as plain data (JSON, to be frozen): ``{name: {"titre", "lignes", "note",
    "vide"}}``; a source with no provider or nothing yet has no lines and its `vide` message."""
    found = {}
    for name in ORDER:
        provider = _providers.get(name)
        lines = provider(programme) if provider is not None else None
        found[name] = {
            "titre": TITLES[name],
            "lignes": [asdict(line) for line in lines.lines] if lines else [],
            "note": lines.note if lines else "",
            "vide": EMPTY[name],
        }
    return found
