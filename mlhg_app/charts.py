"""Charts as SVG with matplotlib, shared by the pages and the PDFs (the dashboard, the bilan).

Text stays text in the SVG (`svg.fonttype = none`): a chart can be read, searched and
checked like the rest of the page or document. The same figures give the same SVG.
"""

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

STYLE = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "mlhg-app",
}
BLUE = "#000091"  # the French State's blue
GREY = "#929292"
RED = "#c9191e"
GREEN = "#18753c"
ORANGE = "#b34000"


def svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def empty(message: str, *, size=(6.4, 1.2)) -> str:
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=size)
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, message, ha="center", va="center")
        ax.set_axis_off()
        return svg(fig)


def short_site(site: str) -> str:
    """« Antenne Nord-Est » → « Nord-Est », wrapped to fit under its bars."""
    return "\n".join(textwrap.wrap(site.removeprefix("Antenne ").removeprefix("Siège "), 9))


def grouped_bars(labels: list[str], series: list[tuple[str, list[float], str]], *, ylabel: str) -> str:
    """One group of bars per label, one bar per series (name, values, colour), with a legend."""
    if not labels:
        return empty("Rien à montrer pour l'instant")
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(6.4, 3.2))
        ax = fig.add_subplot()
        width = 0.8 / len(series)
        xs = range(len(labels))
        for index, (name, values, colour) in enumerate(series):
            offset = (index - (len(series) - 1) / 2) * width
            ax.bar([x + offset for x in xs], values, width, label=name, color=colour)
        ax.set_xticks(list(xs), labels, fontsize=8)
        ax.set_ylabel(ylabel)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False, ncols=len(series), loc="upper center", bbox_to_anchor=(0.5, 1.15))
        return svg(fig)
