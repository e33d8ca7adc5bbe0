"""The follow-up dashboard: séances due, planned, held, cancelled per site and in total; amounts committed
against the forecast; staff and responsable only; a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from seances.models import Seance
from seances.services.billing import annulation_set_billable, percent_step, programme_dashboard, seance_cancel
from tests.factories import CompteRenduFactory
from tests.seances_world import build_programme, groupe_of, make_seance, split_site

D = datetime.date

SITES = ["nord-est", "nord-ouest", "muretain", "comminges", "sud-garonne", "ouest"]


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.fixture
def figures(programme, users):
    """Comminges in 2 sub-groups; held: 2 full-group + 1 sub-group; one billable cancellation (full
    group), one not billable; the world's convoked séance at Muretain stays planned."""
    sub1, _sub2 = split_site(programme, "comminges")
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    make_seance(programme, groupe_of(programme, "ouest"), D(2027, 2, 1), fenetre=2)
    make_seance(programme, sub1, D(2026, 11, 16))
    billable = make_seance(programme, groupe_of(programme, "nord-est"), D(2026, 12, 1), Seance.Status.VALIDEE)
    annulation = seance_cancel(seance=billable, user=users["staff"], motif="Grève")
    annulation_set_billable(annulation=annulation, facturable=True, user=users["staff"])
    other = make_seance(programme, groupe_of(programme, "nord-est"), D(2026, 12, 8), Seance.Status.PROPOSEE)
    seance_cancel(seance=other, user=users["prestataire"], motif="Intervenant malade")
    return programme


def test_percent_step():
    assert percent_step(0, 21) == 0
    assert percent_step(3, 21) == 10  # 14.3 % → 10
    assert percent_step(21, 21) == 100
    assert percent_step(30, 21) == 100
    assert percent_step(1, 0) == 0


def test_dashboard_figures(figures):
    board = programme_dashboard(figures)
    by_site = {row["antenne"].code: row for row in board["sites"]}
    assert len(by_site) == 7
    ouest, comminges, nord_est, muretain = (by_site[c] for c in ["ouest", "comminges", "nord-est", "muretain"])
    assert (ouest["dues"], ouest["planned"], ouest["held"], ouest["cancelled"]) == (3, 2, 2, 0)
    assert (comminges["groupes"], comminges["dues"], comminges["held"]) == (2, 6, 1)
    assert (nord_est["planned"], nord_est["held"], nord_est["cancelled"]) == (0, 0, 2)
    assert (muretain["planned"], muretain["held"]) == (1, 0)
    # Committed TTC: held and billable cancellations; forecast: due × price (sub-group price for Comminges).
    assert ouest["committed"] == Decimal("1152.00")  # 2 × 480 × 1.2
    assert comminges["committed"] == Decimal("516.00")  # 430 × 1.2
    assert nord_est["committed"] == Decimal("576.00")  # the billable cancellation
    assert comminges["forecast"] == Decimal("3096.00")  # 6 × 430 × 1.2
    assert ouest["forecast"] == Decimal("1728.00")  # 3 × 480 × 1.2
    assert ouest["held_pct"] == 65  # 2/3 = 66.7 % → 65
    total = board["total"]
    assert (total["dues"], total["minimum"], total["planned"], total["held"], total["cancelled"]) == (24, 21, 4, 3, 2)
    assert total["committed"] == Decimal("2244.00")  # (3 × 480 + 430) × 1.2
    assert total["forecast"] == Decimal("13464.00")  # (18 × 480 + 6 × 430) × 1.2
    assert total["held_min_pct"] == 10  # 3/21
    assert total["amount_pct"] == 15  # 16.7 % (the step only picks the bar's CSS width class)
    # The numbers shown are exact, never rounded down to 5 (issue 17).
    assert (total["held_min_exact"], total["amount_exact"]) == (14, 17)


def test_dashboard_page_for_staff_and_responsable(figures, client_for, users):
    url = reverse("seances:dashboard", args=[figures.pk])
    for role in ["staff", "responsable"]:
        response = client_for(role).get(url)
        assert response.status_code == 200
        content = " ".join(response.content.decode().replace("\u202f", " ").replace("\xa0", " ").split())
        assert "Séances réalisées : <strong>3</strong> sur le minimum de <strong>21</strong>" in content
        assert "Montant engagé : <strong>2 244,00 €</strong> sur <strong>13 464,00 €</strong>" in content
        assert 'class="progress-bar bg-success pct-10"' in content
        # The shown percentages are exact: 3/21 = 14 %, 2 244 / 13 464 € = 17 % (not « 10 % », « 15 % »).
        assert 'pct-10">14&nbsp;%</div>' in content and 'pct-15">17&nbsp;%</div>' in content
        assert "style=" not in content
    assert "Relevés de prestations" in client_for("staff").get(url).content.decode()
    assert "Relevés de prestations" not in client_for("responsable").get(url).content.decode()
    for role in ["prestataire", "intervenant", "conseiller", "evaluateur"]:
        assert client_for(role).get(url).status_code == 403


def test_responsable_never_sees_compte_rendu_text(figures, users, client_for):
    seance = figures.seances.filter(status=Seance.Status.REALISEE).first()
    CompteRenduFactory(seance=seance, observations="OBSERVATION-CONFIDENTIELLE-XYZ", written_by=users["intervenant"])
    for name in ["seances:dashboard", "seances:board"]:
        content = client_for("responsable").get(reverse(name, args=[figures.pk])).content.decode()
        assert "OBSERVATION-CONFIDENTIELLE-XYZ" not in content


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_seances(programme, client_for):
    url = reverse("seances:dashboard", args=[programme.pk])
    client = client_for("staff")
    one = _count(client, url)
    slots = [(code, fenetre) for fenetre in (2, 3) for code in SITES if code != "muretain"]
    days = [D(2027, 1, 11), D(2027, 4, 12)]
    for i, (code, fenetre) in enumerate(slots[:9]):
        day = days[fenetre - 2] + datetime.timedelta(days=i % 5)
        status = Seance.Status.REALISEE if i % 2 else Seance.Status.VALIDEE
        make_seance(programme, groupe_of(programme, code), day, status, fenetre)
    assert programme.seances.count() == 10
    assert _count(client, url) == one


@pytest.mark.django_db
def test_the_dashboard_shows_its_figures_as_charts(users, client_for):
    programme = build_programme(users)
    for name, legend in (("seances", "Réalisées"), ("budget", "Engagé (TTC)")):
        url = reverse("seances:dashboard_chart", kwargs={"pk": programme.pk, "name": name})
        response = client_for("responsable").get(url)
        assert response["Content-Type"].startswith("image/svg+xml")
        svg = response.content.decode()
        assert legend in svg and "Muretain" in svg  # text stays text: labels and legend are readable
        assert client_for("prestataire").get(url).status_code == 403
    page = client_for("responsable").get(reverse("seances:dashboard", kwargs={"pk": programme.pk})).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 2  # inline
    assert "Séances dues, planifiées, réalisées et annulées par site" in page and "Engagé (TTC)" in page
    unknown = reverse("seances:dashboard_chart", kwargs={"pk": programme.pk, "name": "autre"})
    assert client_for("responsable").get(unknown).status_code == 404
