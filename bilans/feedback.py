"""The participants' feedback figures (issue 20): averages per site over the year and per window over all
sites, only from k answers (`settings.FEEDBACK_K`, 5 by default, never below 3), never per séance.

The same protection against subtraction as the bilan (bilans/differences.py: a figure already shown never
changes by what fewer than k contributed), here counted in answers, and extended to what a reader can
combine. Each figure is a set of answers; a reader sees the current figures and remembers every figure shown
before (`AvisPublication`, one row per change). The rule: **two sets one reader can see never differ by 1 to
k - 1 answers, neither way**. The sets a reader can see are:

- each figure shown now, and each one shown in an earlier publication;
- the sums a reader can make from the figures shown now: any sites together, any windows together (sites
  are disjoint, windows too, so their sums are the sets' unions); « all the windows » minus « the sites
  shown » is the hidden sites together, and it falls under the rule; the same sums of each earlier
  publication;
- the empty set: a figure is shown only from k answers.

How the figures are chosen:

1. a figure that was shown and has gained 1 to k - 1 answers since keeps the value it had (« arrêté »): a
   new value is shown only when k answers or more came in since;
2. then, while two of the sets above break the rule, the figure involved with the fewest answers (a fresh
   one rather than one kept as it was) is masked, until none does.

When the chosen sets differ from the latest publication's, a new publication freezes them (figures and the
random ids of the answers each sums, never a person). `feedback_published` is the one entry point: the
results page and the bilan read the latest publication through it, so every reader sees the same figures.
"""

from itertools import combinations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bilans.models import AvisPublication
from mlhg_app import french
from seances.models import Avis, Programme
from seances.review_sources import Line, Lines
from seances.services.feedback import QUESTIONS

SITE = "site:"
FENETRE = "fenetre:"
# Above this many figures of one kind, only each figure and all of them together are summed (2^n unions).
MAX_UNION = 10


def _unions(shown: dict[str, int]) -> list[tuple[frozenset, int]]:
    """The sets a reader can make by adding figures of one kind, with the figures each adds."""
    out = [(frozenset(), 0)]
    for prefix in (SITE, FENETRE):
        keys = sorted(key for key in shown if key.startswith(prefix))
        sizes = range(1, len(keys) + 1) if len(keys) <= MAX_UNION else (1, len(keys))
        for size in sizes:
            for chosen in combinations(keys, size):
                mask = 0
                for key in chosen:
                    mask |= shown[key]
                out.append((frozenset(chosen), mask))
    return out


def visible_sets(shown: dict[str, int]) -> list[int]:
    """The sets (bit masks) a reader of these figures can make: each, and sums of figures of one kind."""
    return [mask for _keys, mask in _unions(shown)]


def differ_too_little(a: int, b: int, k: int) -> bool:
    """Two sets of answers (bit masks) whose difference, one way or the other, holds 1 to k - 1 answers."""
    return 0 < (a & ~b).bit_count() < k or 0 < (b & ~a).bit_count() < k


def violation(shown: dict[str, int], earlier: list[int], k: int) -> frozenset | None:
    """The figures behind the first pair of visible sets that break the rule (None when none does)."""
    derived = _unions(shown)
    for i, (keys_a, a) in enumerate(derived):
        for keys_b, b in derived[i + 1 :]:
            if differ_too_little(a, b, k):
                return keys_a | keys_b
        for before in earlier:
            if differ_too_little(a, before, k):
                return keys_a
    return None


def choose(current: dict[str, int], last: dict[str, int], earlier: list[int], k: int) -> tuple[dict, set]:
    """The sets to show (key → mask) and the keys kept at their last shown value (see the module)."""
    shown, kept = {}, set()
    for key, now in current.items():
        before = last.get(key)
        grown = (now & ~before).bit_count() if before is not None else now.bit_count()
        if before is not None and 0 < grown < k:
            shown[key] = before
            kept.add(key)
        elif before is not None or grown >= k:
            shown[key] = now
    for key, before in last.items():  # a figure shown before and with no answer now (answers purged)
        if key not in shown:
            shown[key] = before
            kept.add(key)
    while True:
        keys = violation(shown, earlier, k)
        if not keys:
            return shown, kept
        fresh = [key for key in keys if key not in kept] or list(keys)
        drop = min(fresh, key=lambda key: (shown[key].bit_count(), key))
        del shown[drop]
        kept.discard(drop)


def _means(rows) -> dict:
    n = len(rows)
    return {key: round(sum(row[key] for row in rows) / n, 1) for key, _label in QUESTIONS}


def feedback_k() -> int:
    return max(3, settings.FEEDBACK_K)


def _labels(programme):
    sites = [(f"{SITE}{site.antenne_id}", site.antenne.nom) for site in programme.sites.select_related("antenne")]
    fenetres = [(f"{FENETRE}{f.pk}", f.libelle) for f in programme.fenetres.order_by("numero")]
    return sites, fenetres


def compute(programme, answers: list[dict], publications: list, k: int) -> tuple[dict, dict]:
    """The figures to show and the answer ids each sums, from the answers and the earlier publications."""
    ids = sorted({str(row["id"]) for row in answers} | {i for p in publications for m in p.membres.values() for i in m})
    index = {answer_id: 1 << n for n, answer_id in enumerate(ids)}

    def mask(members) -> int:
        value = 0
        for answer_id in members:
            value |= index[answer_id]
        return value

    by_key: dict[str, list[dict]] = {}
    for row in answers:
        by_key.setdefault(f"{SITE}{row['antenne_id']}", []).append(row)
        by_key.setdefault(f"{FENETRE}{row['fenetre_id']}", []).append(row)
    current = {key: mask(str(row["id"]) for row in rows) for key, rows in by_key.items()}
    last, previous_figures = {}, {}
    for publication in publications:  # oldest first: the latest value of each key wins
        for key, members in publication.membres.items():
            last[key] = mask(members)
        for row in publication.figures.get("sites", []) + publication.figures.get("fenetres", []):
            if row.get("n"):
                previous_figures[row["cle"]] = row
    earlier = [value for p in publications for value in visible_sets({key: mask(m) for key, m in p.membres.items()})]
    shown, kept = choose(current, last, earlier, k)
    by_id = {str(row["id"]): row for row in answers}
    bits = {bit: answer_id for answer_id, bit in index.items()}
    membres = {
        key: sorted(bits[1 << n] for n in range(value.bit_length()) if value >> n & 1)
        for key, value in sorted(shown.items())
    }
    sites, fenetres = _labels(programme)

    def row(key, label, with_remarks):
        if key not in shown:
            return {"cle": key, "libelle": label, "n": None, "moyennes": None, "arrete": False, "remarques": []}
        if key in kept and key in previous_figures:
            return {**previous_figures[key], "libelle": label, "arrete": True}
        rows = [by_id[answer_id] for answer_id in membres[key]]
        remarks = sorted(r["remarque"] for r in rows if r["remarque"]) if with_remarks else []
        return {
            "cle": key,
            "libelle": label,
            "n": len(rows),
            "moyennes": _means(rows),
            "arrete": False,
            "remarques": remarks,
        }

    figures = {
        "k": k,
        "questions": [{"cle": key, "libelle": label} for key, label in QUESTIONS],
        "sites": [row(key, label, True) for key, label in sites],
        "fenetres": [row(key, label, False) for key, label in fenetres],
    }
    return figures, membres


def _as_shown(programme, k: int):
    """(figures, membres, latest publication) from the programme's answers and publications: two queries."""
    publications = list(AvisPublication.objects.filter(programme=programme).order_by("numero"))
    answers = list(
        Avis.objects.filter(programme=programme).values("id", "antenne_id", "fenetre_id", "remarque", *dict(QUESTIONS))
    )
    figures, membres = compute(programme, answers, publications, k)
    return figures, membres, (publications[-1] if publications else None)


def _unchanged(membres, latest) -> bool:
    return membres == (latest.membres if latest else {})


def _with_date(figures: dict, publication) -> dict:
    return {**figures, "publiee_le": publication.publiee_le.isoformat()} if publication else figures


def feedback_published(programme) -> dict:
    """The feedback figures every reader of the programme sees: the latest publication, after publishing
    today's figures if they differ from it (see the module). Side effect: at most one `AvisPublication`.

    A read that finds the same answers as shown (nearly every read) takes no lock and writes nothing; only a
    change locks the programme (one publisher at a time) and is computed again under the lock."""
    k = feedback_k()
    figures, membres, latest = _as_shown(programme, k)
    if _unchanged(membres, latest):
        # the same answers as shown: the same values, with today's « arrêté » marks
        return _with_date(figures, latest)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        figures, membres, latest = _as_shown(programme, k)
        if _unchanged(membres, latest):  # another reader published them meanwhile
            return _with_date(figures, latest)
        publication = AvisPublication.objects.create(
            programme=programme,
            numero=(latest.numero if latest else 0) + 1,
            publiee_le=timezone.localdate(),
            figures=figures,
            membres=membres,
        )
    return _with_date(figures, publication)


def revue_feedback_lines(programme):
    """The participants' feedback beside the provider's review (`seances.review_sources.FEEDBACK`): the same
    published figures every reader sees (per site for the year, per window), only those shown from k
    answers; None while none is shown."""
    figures = feedback_published(programme)
    lines = []
    for row in figures["sites"] + figures["fenetres"]:
        if not row["n"]:
            continue
        means = " · ".join(f"{label} : {french.decimal(row['moyennes'][key], 1)}" for key, label in QUESTIONS)
        lines.append(Line(f"{row['libelle']} ({row['n']} avis)", means))
    if not lines:
        return None
    return Lines(lines, note=f"Moyennes sur 5, chacune d'au moins {figures['k']} réponses ; jamais par séance.")
