"""Charts as SVG markup built here, shared by the pages and the PDFs (the dashboard, the bilan).

A chart is a few dozen `<rect>` and `<text>` elements: drawing one takes a fraction of a millisecond
and imports nothing heavy (matplotlib cost 620 ms to import and 120–160 ms per chart). It is inlined in
the page (no second request) and in the PDF (WeasyPrint draws inline SVG as vectors, its text as text).

Every chart is an image for assistive technologies (`role="img"`), named and described by its `<title>`
(in a PDF, the figure's alternative text; the pages and PDFs also show the same figures in a table);
each bar carries its value in a `<title>` (a tooltip in a browser) and a `data-value`. Colours and fonts are presentation attributes, never `style`:
the Content-Security-Policy forbids inline styles, not attributes.

The same figures give the same SVG, and it is kept in the cache under a hash of them (`cached`).
"""

import hashlib
import json
import math
import textwrap
from collections.abc import Sequence
from html import escape

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from mlhg_app.french import NNBSP

BLUE = "#000091"  # the French State's blue
GREY = "#929292"
RED = "#c9191e"
GREEN = "#18753c"
ORANGE = "#b34000"
INK = "#161616"
RULE = "#dddddd"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'

WIDTH = 640
CACHE_SECONDS = 24 * 3600  # the key is the data itself: a chart never goes stale, it just stops being asked
CACHE_VERSION = 1  # bump when the drawing changes


def _e(text: str) -> str:
    """Text as SVG text content: &, < and > escaped (quotes are fine outside attributes)."""
    return escape(text, quote=False)


def cache_key(kind: str, data: dict) -> str:
    """« chart:<sha256> » of the chart's kind and data (labels, values, colours, titles)."""
    payload = json.dumps([kind, CACHE_VERSION, data], sort_keys=True, default=str, ensure_ascii=False)
    return "chart:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cached(kind: str, build, **data) -> SafeString:
    """`build(**data)`, kept in the cache under a hash of (kind, data): the second time, no drawing."""
    key = cache_key(kind, data)
    svg = cache.get(key)
    if svg is None:
        svg = build(chart_id="graphique-" + key[6:16], **data)
        cache.set(key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # nosec B703 B308 # built here from escaped labels and numbers only


def short_site(site: str) -> str:
    """« Antenne Nord-Est » → « Nord-Est », wrapped (\\n) to fit under its bars."""
    return "\n".join(textwrap.wrap(site.removeprefix("Antenne ").removeprefix("Siège "), 9))


def figure(value: float) -> str:
    """« 12 096 », « 2,5 »: a value as read on a French chart (no decimals past 100)."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{round(value):,}".replace(",", NNBSP)
    return f"{value:.1f}".replace(".", ",")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 … a round number ≥ top, in about `count` round steps (1, 2, 2.5 or 5 × 10ⁿ), integers for counts."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if step < 1:
        step = 1
    steps = math.ceil(top / step - 1e-9)
    return [i * step for i in range(steps + 1)]


def _text(x, y, content: str, *, anchor="middle", size=11, colour=INK, extra="") -> str:
    lines = content.split("\n")
    if len(lines) == 1:
        return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}"{extra}>{_e(content)}</text>'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.15:.1f}">{_e(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}"{extra}>{spans}</text>'
    )


def _svg(chart_id: str, width: int, height: int, title: str, description: str, body: list[str]) -> str:
    # The title holds the description too: WeasyPrint makes the <title> the PDF figure's alternative text.
    alternative = f"{title}. {description}" if description else title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}" {FONT}>'
        f'<title id="{chart_id}">{_e(alternative)}</title>' + "".join(body) + "</svg>"
    )


def _empty(*, chart_id: str, title: str, message: str) -> str:
    return _svg(chart_id, WIDTH, 60, title, message, [_text(WIDTH / 2, 34, message, size=12)])


def empty(message: str, *, title: str = "Graphique") -> SafeString:
    return cached("empty", _empty, title=title, message=message)


def _grouped_bars(*, chart_id, labels, series, ylabel, title, description) -> str:
    height, left, right, top, bottom = 320, 64, 8, 34, 58
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    ticks = nice_ticks(max([v for _name, values, _c in series for v in values] + [0]))
    scale = plot_h / ticks[-1]
    base = top + plot_h
    body = []
    for tick in ticks:
        y = base - tick * scale
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{RULE}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, figure(tick), anchor="end", size=10))
    body.append(
        _text(14, top + plot_h / 2, ylabel, size=11, extra=f' transform="rotate(-90 14 {top + plot_h / 2:.1f})"')
    )
    # The legend, above the plot: a square and the series' name, one after the other.
    x = left
    for name, _values, colour in series:
        body.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 17, 18, name, anchor="start"))
        x += 17 + 7 * len(name) + 18
    group_w = plot_w / len(labels)
    bar_w = group_w * 0.8 / len(series)
    for index, label in enumerate(labels):
        x0 = left + index * group_w + group_w * 0.1
        for s, (name, values, colour) in enumerate(series):
            value = values[index]
            h = value * scale
            body.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{colour}" data-value="{value:g}"><title>{_e(label.replace(chr(10), " "))} · '
                f"{_e(name)} : {_e(figure(value))}</title></rect>"
            )
        body.append(_text(left + (index + 0.5) * group_w, base + 15, label, size=10))
    body.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{INK}" stroke-width="1"/>')
    return _svg(chart_id, WIDTH, height, title, description, body)


def grouped_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    ylabel: str,
    title: str,
    description: str = "",
) -> SafeString:
    """One group of bars per label, one bar per series (name, values, colour), with a legend above."""
    if not labels:
        return empty("Rien à montrer pour l'instant", title=title)
    series = [(name, [float(v) for v in values], colour) for name, values, colour in series]
    return cached(
        "grouped_bars",
        _grouped_bars,
        labels=list(labels),
        series=series,
        ylabel=ylabel,
        title=title,
        description=description,
    )


def _horizontal_bars(*, chart_id, rows, xlabel, title, description) -> str:
    wrapped = [("\n".join(textwrap.wrap(label, 32)), value, colour) for label, value, colour in rows]
    row_h = [max(24, 13 * (label.count("\n") + 1) + 8) for label, _v, _c in wrapped]
    left, right, top, bottom = 230, 40, 8, 44
    plot_w = WIDTH - left - right
    height = top + sum(row_h) + bottom
    ticks = nice_ticks(max([value for _label, value, _c in wrapped] + [0]))
    scale = plot_w / ticks[-1]
    base = top + sum(row_h)
    body = []
    for tick in ticks:
        x = left + tick * scale
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base}" stroke="{RULE}" stroke-width="1"/>')
        body.append(_text(x, base + 14, figure(tick), size=10))
    y = top
    for (label, value, colour), h in zip(wrapped, row_h, strict=True):
        lines = label.count("\n") + 1
        body.append(_text(left - 6, y + h / 2 + 4 - (lines - 1) * 6.5, label, anchor="end", size=10))
        w = value * scale
        body.append(
            f'<rect x="{left}" y="{y + 4:.1f}" width="{w:.1f}" height="{h - 8:.1f}" fill="{colour}" data-value="{value:g}">'
            f"<title>{_e(label.replace(chr(10), ' '))} : {_e(figure(value))}</title></rect>"
        )
        body.append(_text(left + w + 4, y + h / 2 + 4, figure(value), anchor="start", size=10))
        y += h
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{INK}" stroke-width="1"/>')
    body.append(_text(left + plot_w / 2, height - 8, xlabel, size=11))
    return _svg(chart_id, WIDTH, height, title, description, body)


def horizontal_bars(
    rows: Sequence[tuple[str, float, str]], *, xlabel: str, title: str, description: str = ""
) -> SafeString:
    """One horizontal bar per row (label, value, colour), top to bottom, its value at its end."""
    if not rows:
        return empty("Rien à montrer pour l'instant", title=title)
    return cached(
        "horizontal_bars",
        _horizontal_bars,
        rows=[(label, float(value), colour) for label, value, colour in rows],
        xlabel=xlabel,
        title=title,
        description=description,
    )
