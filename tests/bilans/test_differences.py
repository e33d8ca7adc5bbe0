"""Anonymity that survives subtraction: two figures one reader can see (two versions of a bilan, two years of
the trends, a total and its parts) never differ by what fewer than k groups contributed (hole 6)."""

import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from bilans.aggregation import participation, synthese
from bilans.differences import Share, protect_against_differences, revealing_figures
from bilans.models import Bilan, BilanVersion
from bilans.selectors import synthese_live
from bilans.services.opening import bilan_open
from bilans.services.review import comment_add
from bilans.services.writing import bilan_write
from mlhg_app.exports import export_run
from mlhg_app.models import StoredExport
from tests.factories import BilanFactory, BilanVersionFactory
from tests.seances_world import build_programme, held
from tests.web import login

TEXTS = {
    "thematiques": "La charge émotionnelle et les partenariats reviennent dans la plupart des groupes.",
    "attention": "Prévoir un temps d'échange en équipe après un incident à l'accueil.",
    "preconisations": "Garder des séances de deux heures, en début de matinée.",
}
THEMES = ["Charge émotionnelle", "Partenariats", "Violences et incidents", "Logement"]
AUTUMN, WINTER = datetime.date(2026, 10, 1), datetime.date(2027, 2, 2)
READERS = ("responsable", "staff")


# -- the pure rule ---------------------------------------------------------------------------------


def figures(themes: dict, autres=(0, None), fenetres=()) -> dict:
    """A synthesis as `aggregation.synthese` writes it (only what the rule reads)."""
    return {
        "k": 3,
        "themes": [{"libelle": libelle, "seances": n} for libelle, n in themes.items()],
        "autres": {"themes": autres[0], "seances": autres[1]},
        "participation": {"par_fenetre": [{"fenetre": f, "masque": False} for f in fenetres]},
    }


def share(groupe, *keys, empreinte="a"):
    return Share(groupe=groupe, empreinte=empreinte, cles=frozenset(keys))


BEFORE = {1: share(1, "theme:Charge"), 2: share(2, "theme:Charge"), 3: share(3, "theme:Charge")}


def basis(shares):
    return {sid: (s.groupe, s.empreinte) for sid, s in shares.items()}


def test_one_more_group_on_a_theme_reveals_it():
    now = {**BEFORE, 4: share(4, "theme:Charge")}
    revealed = revealing_figures(figures({"Charge": 3}), basis(BEFORE), figures({"Charge": 4}), now, k=3)
    assert revealed == ["theme:Charge"]


def test_k_more_groups_on_every_changed_figure_reveal_nothing():
    now = {**BEFORE, 4: share(4, "theme:Charge"), 5: share(5, "theme:Charge"), 6: share(6, "theme:Charge")}
    assert revealing_figures(figures({"Charge": 3}), basis(BEFORE), figures({"Charge": 6}), now, k=3) == []


def test_k_new_groups_of_which_one_brings_a_theme_still_reveal_it():
    now = {**BEFORE, 4: share(4, "theme:Charge", "theme:Logement"), 5: share(5, "theme:Charge"),
           6: share(6, "theme:Charge")}  # fmt: skip
    before, after = figures({"Charge": 3}), figures({"Charge": 6}, autres=(1, None))
    assert revealing_figures(before, basis(BEFORE), after, now, k=3) == ["theme:Logement", "autres"]


def test_a_seance_counted_before_and_changed_since_holds_everything_back():
    now = {**BEFORE, 3: share(3, "theme:Charge", empreinte="b")}
    assert revealing_figures(figures({"Charge": 3}), basis(BEFORE), figures({"Charge": 3}), now, k=3) == [
        "séance modifiée"
    ]
    gone = {1: BEFORE[1], 2: BEFORE[2]}
    assert revealing_figures(figures({"Charge": 3}), basis(BEFORE), figures({}), gone, k=3) == ["séance modifiée"]


def test_a_theme_leaving_autres_would_show_its_old_count_by_difference():
    # Before: « Logement » (2 groups) and « Violences » in « autres thèmes »; then 3 groups bring « Logement »:
    # it is shown, and « autres thèmes » loses its old 2 groups' séances — their count, by difference.
    old = {**BEFORE, 7: share(1, "theme:Logement"), 8: share(2, "theme:Logement"), 9: share(3, "theme:Violences"),
           10: share(2, "theme:Violences")}  # fmt: skip
    now = {**old, 11: share(4, "theme:Logement"), 12: share(5, "theme:Logement"), 13: share(6, "theme:Logement")}
    before = figures({"Charge": 3}, autres=(2, 4))
    after = figures({"Charge": 3, "Logement": 5}, autres=(1, None))
    assert revealing_figures(before, basis(old), after, now, k=3) == ["autres"]


def test_a_version_without_a_recorded_basis_is_never_recomputed():
    assert revealing_figures(figures({"Charge": 3}), None, figures({"Charge": 3}), BEFORE, k=3) == ["base inconnue"]


def test_held_back_figures_are_the_previous_versions_and_say_so():
    v1 = {"numero": 1, "synthese": {**figures({"Charge": 3}), "seances": {"tenues": 3}}, "empreintes": basis(BEFORE)}
    now = {**BEFORE, 4: share(4, "theme:Charge")}
    current = {**figures({"Charge": 4}), "seances": {"tenues": 4}}
    shown, base = protect_against_differences([v1], current, now, k=3)
    assert shown["themes"] == v1["synthese"]["themes"] and shown["seances"] == {"tenues": 4}
    assert shown["reprise"] == {"version": 1} and base == v1["empreintes"]
    # A third version compares with both: still one group since the figures shown, still held back.
    v2 = {"numero": 2, "synthese": shown, "empreintes": base}
    shown3, base3 = protect_against_differences([v1, v2], current, now, k=3)
    assert shown3["themes"] == v1["synthese"]["themes"] and shown3["reprise"] == {"version": 1}
    more = {**now, 5: share(5, "theme:Charge"), 6: share(6, "theme:Charge")}
    shown4, base4 = protect_against_differences([v1, v2], figures({"Charge": 6}), more, k=3)
    assert shown4["themes"] == [{"libelle": "Charge", "seances": 6}] and "reprise" not in shown4
    assert base4 == basis(more)


# -- the world: 4 groups in autumn, with attendance in 3 -----------------------------------------


@pytest.fixture
def groupes(users):
    programme = build_programme(users)
    return list(programme.groupes.exclude(membres=users["conseiller"]).order_by("pk"))


@pytest.fixture
def year(groupes):
    """« Charge » and « Partenariats » in 4 groups; « Violences » in 2, « Logement » in 1 (both in « autres
    thèmes », from 3 groups); attendance sheets in 3 groups of window 1."""
    programme = groupes[0].programme
    held(programme, groupes[0], ["Charge émotionnelle", "Partenariats", "Logement"], day=AUTUMN, presents=3)
    held(programme, groupes[1], ["Charge émotionnelle", "Partenariats"], day=AUTUMN, presents=2)
    held(programme, groupes[2], ["Charge émotionnelle", "Partenariats", "Violences et incidents"], day=AUTUMN,
         presents=2)  # fmt: skip
    held(programme, groupes[3], ["Charge émotionnelle", "Partenariats", "Violences et incidents"], day=AUTUMN)
    return programme


@pytest.fixture
def bilan(year, users):
    bilan = bilan_open(programme=year, user=users["prestataire"])
    bilan_write(bilan=bilan, user=users["prestataire"], texts=TEXTS)
    return bilan


def remettre(bilan, users, django_capture_on_commit_callbacks):
    """The prestataire remits; for a second remise the responsable comments first."""
    if bilan.versions.exists():
        comment_add(bilan=bilan, user=users["responsable"], section="attention", texte="Précisez.")
    with django_capture_on_commit_callbacks(execute=True):
        login(users["prestataire"]).post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}))
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.REMIS


ROW = re.compile(r'<tr><th scope="row">([^<]+)</th>((?:<td class="text-end">[^<]*</td>)+)</tr>')
CELL = re.compile(r'<td class="text-end">([^<]*)</td>')


def rows(content: str, title: str) -> dict:
    """The rows of the table under the heading `title` (until the next heading): label → cells."""
    text = html.unescape(content)
    section = text.split(title, 1)[1]
    section = re.split(r"<h[1-3]", section, maxsplit=1)[0]
    return {label.strip(): CELL.findall(cells) for label, cells in ROW.findall(section)}


def page_figures(client, bilan, numero) -> dict:
    response = client.get(reverse("bilans:detail", kwargs={"pk": bilan.pk}) + f"?version={numero}")
    assert response.status_code == 200
    content = response.content.decode()
    return {
        "themes": rows(content, "Thèmes abordés dans l'année"),
        "participation": rows(content, '<h3 class="h5">Participation'),
        "taux": re.search(r"Taux de participation sur l'année : <strong>([^<]+)</strong>", content).group(1),
    }


def pdf_figures(client, bilan) -> tuple[dict, str]:
    """The figures and the text of the PDF of the version the reader reads (the latest), exported as a user does."""
    exports = StoredExport.objects.count()
    client.post(reverse("bilans:export", kwargs={"pk": bilan.pk}))
    export = StoredExport.objects.order_by("-pk").first()
    assert StoredExport.objects.count() == exports + 1
    export_run(export_id=export.pk)
    data = b"".join(client.get(reverse("bilans:export_download", kwargs={"pk": export.pk})).streaming_content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    table = text.split("Thème Séances", 1)[1]
    found = {label: re.search(re.escape(label) + r" (\d+|masqué)", table) for label in THEMES}
    autres = re.search(r"Autres thèmes \((\d+)\) (\d+|masqué)", table)
    figures = {
        "themes": {label: m.group(1) for label, m in found.items() if m},
        "autres": autres.groups() if autres else None,
        "participation": re.search(r"Participation sur l'année : ([^.]+)\.", text).group(1),
        "periodes": re.findall(r"(septembre – décembre|janvier – mars|avril – juin) (\d+|masqué)", text),
    }
    return figures, text


# -- hole 6: the attack -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_hole_06_two_versions_subtracted_reveal_nothing(bilan, groupes, users, django_capture_on_commit_callbacks):
    clients = {role: login(users[role]) for role in READERS}
    remettre(bilan, users, django_capture_on_commit_callbacks)
    v1_pages = {role: page_figures(c, bilan, 1) for role, c in clients.items()}
    v1_pdfs = {role: pdf_figures(c, bilan)[0] for role, c in clients.items()}
    assert v1_pages["responsable"]["themes"]["Partenariats"] == ["4"]
    assert v1_pdfs["responsable"]["themes"]["Charge émotionnelle"] == "4"

    # Between the two remises, one group holds one more séance and its compte rendu names two themes.
    held(bilan.programme, groupes[4], ["Partenariats", "Charge émotionnelle"], day=WINTER, fenetre=2, presents=2)
    remettre(bilan, users, django_capture_on_commit_callbacks)
    assert bilan.versions.count() == 2

    for role, client in clients.items():
        v2_page = page_figures(client, bilan, 2)
        v2_pdf, v2_text = pdf_figures(client, bilan)
        assert "Cette version reprend les chiffres de la version 1" in v2_text
        assert "ne montre jamais ce que moins de 3 groupes ont dit" in v2_text  # the annex
        # Subtract every figure of version 1 from version 2: nothing comes from one group.
        assert v2_page == v1_pages[role], role
        assert v2_pdf == v1_pdfs[role], role
        v1_again = page_figures(client, bilan, 1)
        assert v1_again == v1_pages[role]
        shown = html.unescape(client.get(reverse("bilans:detail", kwargs={"pk": bilan.pk})).content.decode())
        assert "reprend les chiffres de la version 1" in shown
        assert "moins de 3 groupes" in shown
    # The planning's counts are the MLHG's own: the séance held is counted.
    assert BilanVersion.objects.get(numero=2).synthese["seances"]["tenues"] == 5


@pytest.mark.django_db
def test_the_figures_are_recomputed_once_k_groups_brought_each_change(
    bilan, groupes, users, django_capture_on_commit_callbacks
):
    remettre(bilan, users, django_capture_on_commit_callbacks)
    for groupe in groupes[4:6] + [groupes[0]]:
        held(bilan.programme, groupe, ["Partenariats"], day=WINTER, fenetre=2)
    remettre(bilan, users, django_capture_on_commit_callbacks)
    client = login(users["responsable"])
    v2 = page_figures(client, bilan, 2)
    assert v2["themes"]["Partenariats"] == ["7"] and v2["themes"]["Charge émotionnelle"] == ["4"]
    assert "reprend les chiffres" not in client.get(reverse("bilans:detail", kwargs={"pk": bilan.pk})).content.decode()


@pytest.mark.django_db
def test_hole_06_trends_show_no_year_changing_by_fewer_than_k_groups(
    bilan, groupes, users, django_capture_on_commit_callbacks
):
    previous = build_programme(users, annee=2025)
    old = BilanFactory(programme=previous, status=Bilan.Status.VALIDE)  # due 30 June 2026
    BilanVersionFactory(
        bilan=old, remis_par=users["prestataire"],
        synthese={"themes": [{"libelle": "Charge émotionnelle", "seances": 6}, {"libelle": "Partenariats",
                                                                                "seances": 3}]},
    )  # fmt: skip
    clients = {role: login(users[role]) for role in READERS}

    def trends(client):
        pages = [client.get(reverse("bilans:list")), client.get(reverse("bilans:detail", kwargs={"pk": bilan.pk}))]
        return [rows(p.content.decode(), "Tendances des thèmes") for p in pages]

    remettre(bilan, users, django_capture_on_commit_callbacks)
    before = {role: trends(c) for role, c in clients.items()}
    assert before["responsable"][0]["Partenariats"] == ["3", "4"]
    held(bilan.programme, groupes[4], ["Partenariats", "Charge émotionnelle"], day=WINTER, fenetre=2)
    remettre(bilan, users, django_capture_on_commit_callbacks)
    for role, client in clients.items():
        # This year's column, subtracted from what the same reader saw before, shows no one group's themes.
        assert trends(client) == before[role], role


# -- a total and its parts ------------------------------------------------------------------------


@pytest.mark.django_db
def test_hole_06_a_period_from_fewer_than_k_groups_is_masked_and_so_is_the_total_that_would_give_it(groupes):
    programme = groupes[0].programme
    for groupe in groupes[:3]:
        held(programme, groupe, [], day=AUTUMN, presents=2)
    held(programme, groupes[3], [], day=WINTER, fenetre=2, presents=4)
    data = participation(programme, 3)
    periods = {f["fenetre"]: f for f in data["par_fenetre"]}
    # Window 2 holds one group's sheet: masked. The year's rate minus window 1 would give it: masked too,
    # window 1 with it (the least attended shown period joins the masked ones), so nothing tells window 2.
    assert periods["janvier – mars"]["masque"] and periods["janvier – mars"]["presents"] is None
    assert periods["septembre – décembre"]["masque"]
    assert data["taux"] == round(100 * (2 * 3 + 4) / (3 * 3 + 5)) and not data["masque"]
    assert periods["avril – juin"] == {"fenetre": "avril – juin", "presents": 0, "attendus": 0, "taux": None,
                                       "masque": False}  # fmt: skip
    # With a third group in window 2, both periods are shown.
    for groupe in groupes[4:6]:
        held(programme, groupe, [], day=WINTER, fenetre=2, presents=1)
    periods = {f["fenetre"]: f for f in participation(programme, 3)["par_fenetre"]}
    assert not periods["janvier – mars"]["masque"] and periods["janvier – mars"]["presents"] == 6


@pytest.mark.django_db
def test_a_total_of_two_groups_is_masked(groupes):
    programme = groupes[0].programme
    for groupe in groupes[:2]:
        held(programme, groupe, ["Charge émotionnelle"], day=AUTUMN, presents=2)
    data = synthese(programme, 3)["participation"]
    assert data["masque"] and data["taux"] is None and all(f["masque"] for f in data["par_fenetre"][:1])


@pytest.mark.django_db
def test_hole_06_a_compte_rendu_rewritten_after_a_remise_changes_no_figure_of_the_next_version(
    bilan, groupes, users, django_capture_on_commit_callbacks
):
    from seances.models import Theme
    from seances.services.compte_rendu import compte_rendu_save

    remettre(bilan, users, django_capture_on_commit_callbacks)
    v1 = BilanVersion.objects.get(numero=1).synthese
    seance = groupes[3].seances.get()
    themes = [Theme.objects.get(libelle=label) for label in THEMES]  # « Logement » added to one group's
    compte_rendu_save(seance=seance, user=seance.intervenant.user, tenue=True, methode="codeveloppement",
                      themes=themes, observations="Échanges sur les partenariats.")  # fmt: skip
    assert synthese_live(bilan)["autres"] == {"themes": 2, "seances": 4} != v1["autres"]
    remettre(bilan, users, django_capture_on_commit_callbacks)
    v2 = BilanVersion.objects.get(numero=2).synthese
    assert {key: v2[key] for key in ("themes", "autres", "participation")} == {
        key: v1[key] for key in ("themes", "autres", "participation")
    }
    assert v2["reprise"] == {"version": 1}
