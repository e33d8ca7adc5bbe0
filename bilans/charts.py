"""The bilan's charts as SVG (matplotlib), from the synthesis only: themes, séances per site.

Text stays text in the SVG (`svg.fonttype = none`): the PDF's charts can be
read, searched and checked like the rest of the document.
"""

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bilans.aggregation import AUTRES  # noqa: E402

STYLE = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "mlhg-bilan",  # the same figures give the same SVG
}
BLUE = "#000091"  # the French State's blue, as the pages
GREY = "#929292"
RED = "#c9191e"
GREEN = "#18753c"


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def themes_svg(synthese: dict) -> str:
    """Horizontal bars: séances where each shown theme came up, then « autres thèmes » (grey)."""
    rows = [(t["libelle"], t["seances"]) for t in synthese["themes"]]
    autres = synthese["autres"]
    if autres["themes"] and autres["seances"] is not None:
        rows.append((f"{AUTRES} ({autres['themes']})", autres["seances"]))
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(6.4, 0.45 * max(len(rows), 2) + 0.8))
        ax = fig.add_subplot()
        if not rows:
            ax.text(0.5, 0.5, "Aucun thème à montrer pour l'instant", ha="center", va="center")
            ax.set_axis_off()
            return _svg(fig)
        labels = ["\n".join(textwrap.wrap(label, 32)) for label, _n in reversed(rows)]
        values = [n for _label, n in reversed(rows)]
        colours = [GREY if label.startswith(AUTRES) else BLUE for label, _n in reversed(rows)]
        bars = ax.barh(labels, values, color=colours)
        ax.bar_label(bars, padding=3)
        ax.set_xlabel("Séances où le thème a été abordé")
        ax.xaxis.get_major_locator().set_params(integer=True)
        return _svg(fig)


def _short(site: str) -> str:
    """« Antenne Nord-Est » → « Nord-Est », wrapped to fit under its bars."""
    return "\n".join(textwrap.wrap(site.removeprefix("Antenne ").removeprefix("Siège "), 9))


def sites_svg(synthese: dict) -> str:
    """Grouped bars per site: séances due, held, cancelled."""
    sites = synthese["seances"]["par_site"]
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(6.4, 3.2))
        ax = fig.add_subplot()
        if not sites:
            ax.text(0.5, 0.5, "Aucun site dans le programme", ha="center", va="center")
            ax.set_axis_off()
            return _svg(fig)
        width = 0.27
        xs = range(len(sites))
        for offset, key, label, colour in (
            (-width, "dues", "Dues", GREY),
            (0, "tenues", "Tenues", GREEN),
            (width, "annulees", "Annulées", RED),
        ):
            ax.bar([x + offset for x in xs], [s[key] for s in sites], width, label=label, color=colour)
        ax.set_xticks(list(xs), [_short(s["site"]) for s in sites], fontsize=8)
        ax.set_ylabel("Séances")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.15))
        return _svg(fig)
