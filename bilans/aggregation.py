"""The bilan's figures: séances per site, participation, themes with k-suppression.

Confidentiality (DESIGN §4): what a group says never reaches management by
name, site or séance. So the synthesis holds:

- séances due, held and cancelled per site: counts of the planning, no theme;
- participation overall and per window, every site together, a window shown only if its attendance
  sheets come from at least k groups (and the total masked when it would give the masked windows);
- themes over the whole year, each with the number of séances where it came
  up, shown only if it came up in at least k distinct groups. The others are
  merged into « autres thèmes ». Complementary suppression: if « autres
  thèmes » would hold a single theme, or themes from fewer than k groups in
  all, its count could be read as one small theme's count, so the least
  frequent shown theme joins it, until it is safe. If nothing is left to add,
  its count itself is hidden.

No table crosses site × theme or window × theme: the functions below never
build one. The synthesis is plain JSON (frozen in each remitted version; bilans/differences.py keeps two
versions from differing by what fewer than k groups contributed).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.crypto import salted_hmac

from bilans import feedback
from bilans.differences import FENETRE, THEME, Share
from seances.models import CompteRendu, Emargement, Seance
from seances.selectors import seances_due

AUTRES = "Autres thèmes"


@dataclass
class ThemeCount:
    libelle: str
    seances: int = 0
    groupes: set = field(default_factory=set)


@dataclass
class Suppressed:
    shown: list  # [(libelle, seances)], most frequent first
    autres_themes: int  # how many themes are merged into « autres thèmes »
    autres_seances: int | None  # their séances, or None when even the merged count is hidden


def suppress(themes: list[ThemeCount], k: int) -> Suppressed:
    """Primary suppression (< k distinct groups) then complementary suppression (see the module)."""
    ranked = sorted(themes, key=lambda t: (-len(t.groupes), -t.seances, t.libelle))
    shown = [t for t in ranked if len(t.groupes) >= k]
    hidden = [t for t in ranked if len(t.groupes) < k]

    def unsafe(merged):
        groups = set().union(*(t.groupes for t in merged)) if merged else set()
        return bool(merged) and (len(merged) < 2 or len(groups) < k)

    while unsafe(hidden) and shown:
        # The least frequent shown theme joins « autres thèmes ».
        weakest = min(shown, key=lambda t: (t.seances, len(t.groupes), t.libelle))
        shown.remove(weakest)
        hidden.append(weakest)
    autres_seances = sum(t.seances for t in hidden) if hidden and not unsafe(hidden) else None
    shown.sort(key=lambda t: (-t.seances, t.libelle))
    return Suppressed(
        shown=[(t.libelle, t.seances) for t in shown], autres_themes=len(hidden), autres_seances=autres_seances
    )


def theme_counts(programme) -> list[ThemeCount]:
    """Each theme of the year's comptes rendus (séances held): séances where it came up, distinct groups.
    One query, whatever the number of comptes rendus."""
    rows = CompteRendu.themes.through.objects.filter(
        compterendu__seance__programme=programme,
        compterendu__seance__status=Seance.Status.REALISEE,
        compterendu__tenue=True,
    ).values_list("theme__libelle", "compterendu__seance__groupe_id")
    counts: dict[str, ThemeCount] = {}
    for libelle, groupe_id in rows:
        entry = counts.setdefault(libelle, ThemeCount(libelle))
        entry.seances += 1
        entry.groupes.add(groupe_id)
    return list(counts.values())


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _sheets(programme):
    """The attendance sheets of the séances held, each with its number of presents and of group members."""
    return Emargement.objects.filter(seance__programme=programme, seance__status=Seance.Status.REALISEE).annotate(
        nb_presents=Count("presents", distinct=True), nb_membres=Count("seance__groupe__membres", distinct=True)
    )


def participation(programme, k: int) -> dict:
    """Attendance of the séances held with a recorded sheet: presents / members, overall and per window.

    A window whose sheets come from fewer than k groups is masked (a window with none shows its zeros). The
    year's total minus the shown windows gives the masked ones together: if they come from fewer than k
    groups, the shown window with the fewest groups is masked too, until they are safe; if no window is left
    to mask, the year's total is masked as well."""
    per_window = defaultdict(lambda: [0, 0, set()])
    emargements = _sheets(programme).values_list("seance__fenetre_id", "seance__groupe_id", "nb_presents", "nb_membres")
    for fenetre_id, groupe_id, presents, membres in emargements:
        per_window[fenetre_id][0] += presents
        per_window[fenetre_id][1] += membres
        per_window[fenetre_id][2].add(groupe_id)
    windows = [
        (fenetre, *per_window.get(fenetre.pk, (0, 0, set()))) for fenetre in programme.fenetres.order_by("numero")
    ]
    masked = {fenetre.pk for fenetre, _p, _m, groupes in windows if 0 < len(groupes) < k}

    def unsafe() -> bool:
        groupes = set().union(*(g for fenetre, _p, _m, g in windows if fenetre.pk in masked))
        return 0 < len(groupes) < k

    while unsafe():
        candidates = [w for w in windows if w[0].pk not in masked and w[3]]
        if not candidates:
            break
        weakest = min(candidates, key=lambda w: (len(w[3]), w[1], w[0].numero))
        masked.add(weakest[0].pk)
    fenetres = []
    for fenetre, presents, membres, _groupes in windows:
        hidden = fenetre.pk in masked
        fenetres.append(
            {
                "fenetre": fenetre.libelle,
                "presents": None if hidden else presents,
                "attendus": None if hidden else membres,
                "taux": None if hidden else _percent(presents, membres),
                "masque": hidden,
            }
        )
    if unsafe():
        return {"taux": None, "presents": None, "attendus": None, "masque": True, "par_fenetre": fenetres}
    presents = sum(w[1] for w in windows)
    membres = sum(w[2] for w in windows)
    return {
        "taux": _percent(presents, membres),
        "presents": presents,
        "attendus": membres,
        "masque": False,
        "par_fenetre": fenetres,
    }


def shares(programme) -> dict[int, Share]:
    """Each séance held of the year that counts in the confidential figures (its compte rendu, its attendance
    sheet): its group, the figures it counts in and a fingerprint that changes whenever what it counts may
    change (see bilans/differences.py). Three queries, whatever the number of séances."""
    keys = defaultdict(set)
    facts = defaultdict(list)
    groupes = {}
    for seance_id, libelle in CompteRendu.themes.through.objects.filter(
        compterendu__seance__programme=programme,
        compterendu__seance__status=Seance.Status.REALISEE,
        compterendu__tenue=True,
    ).values_list("compterendu__seance_id", "theme__libelle"):
        keys[seance_id].add(THEME + libelle)
    for seance_id, groupe_id, written_at, tenue in CompteRendu.objects.filter(
        seance__programme=programme, seance__status=Seance.Status.REALISEE
    ).values_list("seance_id", "seance__groupe_id", "written_at", "tenue"):
        groupes[seance_id] = groupe_id
        facts[seance_id] += ["compte rendu", written_at.isoformat(), tenue]
    for seance_id, groupe_id, fenetre, presents, membres in _sheets(programme).values_list(
        "seance_id", "seance__groupe_id", "seance__fenetre__libelle", "nb_presents", "nb_membres"
    ):
        groupes[seance_id] = groupe_id
        facts[seance_id] += ["émargement", fenetre, presents, membres]
        keys[seance_id].add(FENETRE + fenetre)
    return {
        seance_id: Share(
            groupe=groupe_id,
            empreinte=salted_hmac(
                "bilans.differences", json.dumps([seance_id, groupe_id, *facts[seance_id]]), algorithm="sha256"
            ).hexdigest()[:32],
            cles=frozenset(keys[seance_id]),
        )
        for seance_id, groupe_id in groupes.items()
    }


def seances_per_site(programme) -> dict:
    due = seances_due(programme)
    counts = {
        row["groupe__antenne"]: row
        for row in Seance.objects.filter(programme=programme)
        .values("groupe__antenne")
        .annotate(
            tenues=Count("pk", filter=Q(status=Seance.Status.REALISEE)),
            annulees=Count("pk", filter=Q(status=Seance.Status.ANNULEE)),
        )
        .order_by()
    }
    sites = []
    for row in due["sites"]:
        c = counts.get(row["antenne"].pk, {})
        sites.append(
            {
                "site": row["antenne"].nom,
                "dues": row["dues"],
                "tenues": c.get("tenues", 0),
                "annulees": c.get("annulees", 0),
            }
        )
    total = {key: sum(s[key] for s in sites) for key in ("dues", "tenues", "annulees")}
    return {"par_site": sites, **total}


def synthese(programme, k: int) -> dict:
    """The bilan's figures as JSON: what the prestataire pre-fills from, and what a version freezes."""
    suppressed = suppress(theme_counts(programme), k)
    return {
        "k": k,
        "seances": seances_per_site(programme),
        "participation": participation(programme, k),
        "themes": [{"libelle": libelle, "seances": n} for libelle, n in suppressed.shown],
        "autres": {"themes": suppressed.autres_themes, "seances": suppressed.autres_seances},
        # the participants' feedback, as every reader of the programme sees it (bilans/feedback.py)
        "avis": feedback.feedback_published(programme),
    }
