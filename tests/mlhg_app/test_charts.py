"""Charts (mlhg_app/charts.py): SVG that carries its figures, an image with a name, drawn once per data,
inline in the pages and in the bilan's PDF (vectors, text as text, the figures as alternative text)."""

import datetime
import io
import re
import subprocess
import sys
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from bilans.documents.bilan import bilan_pdf
from bilans.selectors import shown_live
from bilans.services.opening import bilan_open
from mlhg_app import charts
from tests.seances_world import build_programme, held

SVG = "{http://www.w3.org/2000/svg}"
SERIES = [("Dues", [6, 3], charts.GREY), ("Réalisées", [4, 0], charts.GREEN)]


def bars(svg: str) -> list[tuple[str, float]]:
    root = ElementTree.fromstring(svg)
    return [
        (rect.find(f"{SVG}title").text, float(rect.get("data-value")))
        for rect in root.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_grouped_bar_chart_is_an_image_named_by_its_title_with_one_bar_per_figure():
    svg = charts.grouped_bars(
        ["Nord-Est", "Muretain"], SERIES, ylabel="Séances", title="Séances par site", description="6 dues au Nord-Est"
    )
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert root.get("aria-labelledby") == title.get("id")
    assert title.text == "Séances par site. 6 dues au Nord-Est"
    assert bars(svg) == [
        ("Nord-Est · Dues : 6", 6),
        ("Nord-Est · Réalisées : 4", 4),
        ("Muretain · Dues : 3", 3),
        ("Muretain · Réalisées : 0", 0),
    ]
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert {"Nord-Est", "Muretain", "Dues", "Réalisées", "Séances"} <= texts  # labels and legend are text
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect") if r.get("data-value")]
    assert heights[0] == 1.5 * heights[1] and heights[3] == 0  # 6 is one and a half times 4; 0 draws nothing
    assert "style=" not in svg and "<script" not in svg  # the Content-Security-Policy allows neither


def test_labels_are_escaped_and_amounts_read_in_french():
    svg = charts.horizontal_bars([("Pairs & <partenaires>", 12500, charts.BLUE)], xlabel="Euros", title="Montants")
    assert "Pairs &amp; &lt;partenaires&gt;" in svg
    assert bars(svg) == [("Pairs & <partenaires> : 12\u202f500", 12500)]


def test_no_data_is_said_in_words():
    svg = charts.grouped_bars([], SERIES, ylabel="Séances", title="Séances par site")
    assert "Rien à montrer pour l'instant" in svg and 'role="img"' in svg


def test_the_same_figures_are_drawn_once_then_read_from_the_cache():
    data = {
        "labels": ["Nord-Est"],
        "series": [("Dues", [6.0], charts.GREY)],
        "ylabel": "Séances",
        "title": "T",
        "description": "",
    }
    first = charts.grouped_bars(data["labels"], data["series"], ylabel="Séances", title="T")
    key = charts.cache_key("grouped_bars", data)
    assert cache.get(key) == first
    cache.set(key, "<svg>déjà dessiné</svg>")  # what the cache holds is what the second call returns
    assert charts.grouped_bars(data["labels"], data["series"], ylabel="Séances", title="T") == "<svg>déjà dessiné</svg>"
    other = charts.grouped_bars(["Nord-Est"], [("Dues", [7], charts.GREY)], ylabel="Séances", title="T")
    assert bars(other) == [("Nord-Est · Dues : 7", 7)]  # other figures, another key


def test_drawing_a_chart_imports_nothing_heavy():
    code = "import sys, mlhg_app.charts; print(sorted(m for m in ('matplotlib', 'numpy', 'weasyprint') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "mlhg_app.settings", "PATH": ""},
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.django_db
def test_the_dashboard_inlines_its_charts_and_keeps_them_in_the_cache(users, client_for):
    programme = build_programme(users)
    url = reverse("seances:dashboard", kwargs={"pk": programme.pk})
    page = client_for("responsable").get(url).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", page)
    assert len(svgs) == 2 and 'class="chart" role="img"' in svgs[0]
    assert "Muretain" in svgs[0] and "Réalisées" in svgs[0] and "Engagé (TTC)" in svgs[1]
    assert re.findall(r"<svg .*?</svg>", client_for("responsable").get(url).content.decode()) == svgs


@pytest.mark.django_db
def test_the_bilan_pdf_draws_its_charts_as_vectors_with_their_figures_as_alternative_text(users):
    programme = build_programme(users)
    groupes = list(programme.groupes.exclude(membres=users["conseiller"]).order_by("pk"))
    for groupe in groupes[:3]:
        held(programme, groupe, ["Charge émotionnelle"], day=datetime.date(2026, 10, 1))
    bilan = bilan_open(programme=programme, user=users["prestataire"])
    reader = PdfReader(io.BytesIO(bilan_pdf(bilan, shown_live(bilan))))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Séances où le thème a été abordé" in text  # the chart's axis, drawn as text (only in the chart)
    figures = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            figures.append(str(node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if isinstance(kid.get_object(), DictionaryObject) and "/S" in kid.get_object():
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert any(alt.startswith("Thèmes abordés") and "Charge émotionnelle, 3 séances" in alt for alt in figures), figures
    assert any(alt.startswith("Séances dues, tenues et annulées par site") for alt in figures), figures
    drawing = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert b" re" in drawing  # the bars are rectangles in the page's content, not a picture
