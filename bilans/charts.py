"""The bilan's charts as SVG, from the synthesis only: themes, séances per site (see mlhg_app/charts.py)."""

from bilans.aggregation import AUTRES
from mlhg_app import charts


def _plural(n, word: str) -> str:
    return f"{charts.figure(n)} {word}{'s' if n > 1 else ''}"


def themes_svg(synthese: dict) -> str:
    """Horizontal bars: séances where each shown theme came up, then « autres thèmes » (grey)."""
    rows = [(t["libelle"], t["seances"], charts.BLUE) for t in synthese["themes"]]
    autres = synthese["autres"]
    if autres["themes"] and autres["seances"] is not None:
        rows.append((f"{AUTRES} ({autres['themes']})", autres["seances"], charts.GREY))
    title = "Thèmes abordés : séances où chaque thème a été abordé"
    if not rows:
        return charts.empty("Aucun thème à montrer pour l'instant", title=title)
    described = " ; ".join(f"{label}, {_plural(n, 'séance')}" for label, n, _c in rows)
    return charts.horizontal_bars(
        rows,
        xlabel="Séances où le thème a été abordé",
        title=title,
        description=f"{described} (les mêmes nombres que le tableau des thèmes).",
    )


def sites_svg(synthese: dict) -> str:
    """Grouped bars per site: séances due, held, cancelled."""
    sites = synthese["seances"]["par_site"]
    described = " ; ".join(
        f"{s['site']}, {_plural(s['tenues'], 'tenue')} sur {_plural(s['dues'], 'due')}, "
        f"{_plural(s['annulees'], 'annulée')}"
        for s in sites
    )
    return charts.grouped_bars(
        [charts.short_site(s["site"]) for s in sites],
        [
            ("Dues", [s["dues"] for s in sites], charts.GREY),
            ("Tenues", [s["tenues"] for s in sites], charts.GREEN),
            ("Annulées", [s["annulees"] for s in sites], charts.RED),
        ],
        ylabel="Séances",
        title="Séances dues, tenues et annulées par site",
        description=f"{described or 'Aucune séance'} (les mêmes nombres que le tableau des séances).",
    )
