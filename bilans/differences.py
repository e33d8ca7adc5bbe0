"""Anonymity that survives subtraction: a new version of the bilan never differs from an earlier one by what
fewer than k groups contributed.

Every remitted version stays readable by the responsable and staff (and feeds the trends across years), so
each reader can subtract two versions' figures. A séance recorded between them would then show, as the
difference, the themes one group spoke about. The rule, checked at each remise against every earlier version:

- each confidential figure of the version — each theme (shown or merged), « autres thèmes », each period's
  participation and the masked periods together — must have changed in no group or in at least k groups
  since that version (a group changes a figure when one of its séances enters, leaves or moves within it);
- no séance counted in that version may have changed since (its compte rendu rewritten, its attendance
  sheet or its group's number of members, its status): what it counted before is not kept (only a
  fingerprint), so the change could not be measured.

When the rule holds, the version shows today's figures. Otherwise it keeps the previous version's
confidential figures, all of them (themes, « autres thèmes », participation, k), and says so; the planning's
counts (séances due, held, cancelled per site) are the MLHG's own and stay up to date. Repeating a figure
already shown tells nothing new, so the rule holds again for the next version.

What a version keeps of each séance is a fingerprint (`Share.empreinte`, a keyed hash of the compte rendu's
date, the attendance counts and the séance's group), never its themes: the séance × theme table is not
copied anywhere, and it disappears with the comptes rendus when they are purged.
"""

from dataclasses import dataclass

THEME = "theme:"
FENETRE = "fenetre:"
AUTRES = "autres"
PERIODES_MASQUEES = "périodes masquées"
CHANGED = "séance modifiée"
UNKNOWN = "base inconnue"
# What a held-back version repeats from the previous one.
CONFIDENTIAL = ("k", "themes", "autres", "participation")


@dataclass(frozen=True)
class Share:
    """One séance's share of the confidential figures: its group, its fingerprint and the figures it counts
    in (« theme:<libellé> » for each theme of its compte rendu, « fenetre:<libellé> » for its attendance)."""

    groupe: int
    empreinte: str
    cles: frozenset


def _baskets(synthese: dict, universe: set) -> dict[str, frozenset]:
    """Each confidential figure of a synthesis and the keys it sums."""
    themes = {key for key in universe if key.startswith(THEME)}
    fenetres = {key for key in universe if key.startswith(FENETRE)}
    shown_themes = {THEME + t["libelle"] for t in synthese.get("themes", [])}
    periods = (synthese.get("participation") or {}).get("par_fenetre", [])
    shown_fenetres = {FENETRE + f["fenetre"] for f in periods if not f.get("masque")}
    baskets = {key: frozenset({key}) for key in sorted(universe)}
    baskets[AUTRES] = frozenset(themes - shown_themes)
    baskets[PERIODES_MASQUEES] = frozenset(fenetres - shown_fenetres)
    return baskets


def _basis(stored) -> dict | None:
    """A version's fingerprints as stored (JSON: string keys, lists) or as built: séance id → (group, print)."""
    if stored is None:
        return None
    return {int(sid): (value[0], value[1]) for sid, value in stored.items()}


def revealing_figures(before: dict, before_basis, synthese: dict, shares: dict[int, Share], k: int) -> list[str]:
    """The figures of `synthese` (today's, from `shares`) whose difference with the version `before` (its
    synthesis and fingerprints) would come from 1 to k - 1 groups; [] when the new figures may be shown."""
    before_basis = _basis(before_basis)
    if before_basis is None:
        return [UNKNOWN]
    for sid, (_groupe, empreinte) in before_basis.items():
        share = shares.get(sid)
        if share is None or share.empreinte != empreinte:
            return [CHANGED]
    universe = set().union(*(share.cles for share in shares.values()))
    baskets_before, baskets_now = _baskets(before, universe), _baskets(synthese, universe)
    revealing = []
    for name, now in baskets_now.items():
        then = baskets_before[name]
        groupes = {
            share.groupe
            for sid, share in shares.items()
            if (share.cles & then if sid in before_basis else frozenset()) != share.cles & now
        }
        if 0 < len(groupes) < k:
            revealing.append(name)
    return revealing


def protect_against_differences(previous: list[dict], synthese: dict, shares: dict[int, Share], k: int):
    """The synthesis and fingerprints a new version freezes. `previous`: the earlier versions, oldest first,
    each {"numero", "synthese", "empreintes"}. Today's figures if no earlier version reveals a difference
    (see the module), else the previous version's confidential figures with « reprise » naming the version
    they come from, and that version's fingerprints (the figures' own)."""
    for earlier in previous:
        if revealing_figures(earlier["synthese"], earlier["empreintes"], synthese, shares, k):
            latest = previous[-1]
            kept = {key: latest["synthese"][key] for key in CONFIDENTIAL if key in latest["synthese"]}
            origin = (latest["synthese"].get("reprise") or {}).get("version", latest["numero"])
            return {**synthese, **kept, "reprise": {"version": origin}}, latest["empreintes"]
    return synthese, {sid: (share.groupe, share.empreinte) for sid, share in shares.items()}
