"""The bilan's charts as SVG, from the synthesis only: themes, séances per site (see mlhg_app/charts.py)."""

import textwrap

from matplotlib import pyplot as plt

from bilans.aggregation import AUTRES
from mlhg_app import charts


def themes_svg(synthese: dict) -> str:
    """Horizontal bars: séances where each shown theme came up, then « autres thèmes » (grey)."""
    rows = [(t["libelle"], t["seances"]) for t in synthese["themes"]]
    autres = synthese["autres"]
    if autres["themes"] and autres["seances"] is not None:
        rows.append((f"{AUTRES} ({autres['themes']})", autres["seances"]))
    if not rows:
        return charts.empty("Aucun thème à montrer pour l'instant")
    with plt.rc_context(charts.STYLE):
        fig = plt.figure(figsize=(6.4, 0.45 * max(len(rows), 2) + 0.8))
        ax = fig.add_subplot()
        labels = ["\n".join(textwrap.wrap(label, 32)) for label, _n in reversed(rows)]
        values = [n for _label, n in reversed(rows)]
        colours = [charts.GREY if label.startswith(AUTRES) else charts.BLUE for label, _n in reversed(rows)]
        bars = ax.barh(labels, values, color=colours)
        ax.bar_label(bars, padding=3)
        ax.set_xlabel("Séances où le thème a été abordé")
        ax.xaxis.get_major_locator().set_params(integer=True)
        return charts.svg(fig)


def sites_svg(synthese: dict) -> str:
    """Grouped bars per site: séances due, held, cancelled."""
    sites = synthese["seances"]["par_site"]
    return charts.grouped_bars(
        [charts.short_site(s["site"]) for s in sites],
        [
            ("Dues", [s["dues"] for s in sites], charts.GREY),
            ("Tenues", [s["tenues"] for s in sites], charts.GREEN),
            ("Annulées", [s["annulees"] for s in sites], charts.RED),
        ],
        ylabel="Séances",
    )
