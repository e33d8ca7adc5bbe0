"""The pages of the benchmark (every list and detail page of each role) and their query counts."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import BENCH_AMI, bench_conseiller


def pages() -> list[tuple[str, str | None, str]]:
    """(name, user email or None for anonymous, URL): every list and detail page of each role."""
    from mlhg_app.models import Structure
    from mlhg_app.structures import structure_scope

    with structure_scope(Structure.objects.get(slug="mlhg")):  # the volumes are MLHG's (bench/data.py)
        return _mlhg_pages()


def _mlhg_pages() -> list[tuple[str, str | None, str]]:
    from ami.models import AMI, Dossier
    from bilans.models import Bilan
    from mlhg_app.models import User
    from seances.models import Programme

    bench = AMI.objects.get(reference=BENCH_AMI)
    demo_dossier = Dossier.objects.filter(prestataire__siret="73282932000074").order_by("pk").first()
    draft = Dossier.objects.filter(ami__reference="ami-demonstration").order_by("pk").first()
    bench_dossier = bench.dossiers.order_by("pk").first()
    programme = Programme.objects.filter(annee_debut=2026).order_by("pk").first()
    bilan = Bilan.objects.get(programme=programme)
    staff = "direction@demo.ml31.org"
    evaluator = User.objects.filter(role="evaluateur").order_by("email").first().email
    responsable = "responsable@demo.ml31.org"
    prestataire = "contact@horizons-supervision.demo"
    return [
        ("public: AMI list", None, reverse("ami:list")),
        ("public: AMI detail", None, reverse("ami:detail", args=[BENCH_AMI])),
        ("prestataire: home", prestataire, reverse("home")),
        ("prestataire: dossier overview", prestataire, reverse("ami:dossier", args=[demo_dossier.pk])),
        ("prestataire: dossier section", prestataire, reverse("ami:dossier_section", args=[draft.pk, "equipe"])),
        ("staff: home", staff, reverse("home")),
        ("staff: dossier list", staff, reverse("ami:staff_dossiers", args=[BENCH_AMI])),
        ("staff: dossier read", staff, reverse("ami:dossier_read", args=[bench_dossier.pk])),
        ("staff: eligibility", staff, reverse("ami:eligibility", args=[BENCH_AMI])),
        ("staff: committee", staff, reverse("ami:committee", args=[BENCH_AMI])),
        ("staff: results", staff, reverse("ami:results", args=[BENCH_AMI])),
        ("staff: results CSV", staff, reverse("ami:results_csv", args=[BENCH_AMI])),
        ("staff: audit log", staff, reverse("ami:audit", args=[BENCH_AMI])),
        ("staff: sites", staff, reverse("antenne_list")),
        ("staff: people", staff, reverse("people_list")),
        ("staff: people import", staff, reverse("people_import")),
        ("evaluator: my evaluations", evaluator, reverse("ami:my_evaluations")),
        ("evaluator: grid", evaluator, reverse("ami:evaluation", args=[bench_dossier.pk])),
        ("responsable: programmes", responsable, reverse("seances:programme_list")),
        ("responsable: planning board", responsable, reverse("seances:board", args=[programme.pk])),
        ("staff: programme sites", staff, reverse("seances:sites", args=[programme.pk])),
        ("staff: statements", staff, reverse("seances:statements", args=[programme.pk])),
        ("responsable: dashboard", responsable, reverse("seances:dashboard", args=[programme.pk])),
        ("conseiller: my séances", bench_conseiller().email, reverse("seances:my_seances")),
        ("intervenant: my séances", "marc.olivier@horizons-supervision.demo", reverse("seances:my_seances")),
        ("prestataire: bilans", prestataire, reverse("bilans:list")),
        ("prestataire: bilan", prestataire, reverse("bilans:detail", args=[bilan.pk])),
        ("prestataire: bilan themes chart", prestataire, reverse("bilans:chart", args=[bilan.pk, "themes"])),
        ("responsable: bilans", responsable, reverse("bilans:list")),
        ("responsable: bilan", responsable, reverse("bilans:detail", args=[bilan.pk])),
        ("staff: bilans", staff, reverse("bilans:list")),
    ]


def client_for(email):
    from mlhg_app.models import User

    client = Client()
    if email:
        client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    return client


def measure_counts() -> dict[str, dict]:
    out = {}
    for name, email, url in pages():
        client = client_for(email)
        client.get(url)  # warm-up (template compilation, caches)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        out[name] = {"url": url, "status": response.status_code, "queries": len(ctx.captured_queries)}
    return out


def measure_charts(repeat: int = 15) -> dict:
    """The dashboard's two charts as its page asks them: drawn (cache emptied each time), then from the cache
    (median ms)."""
    from django.core.cache import cache

    from seances.models import Programme
    from seances.services.billing import programme_dashboard
    from seances.views.billing import dashboard_charts

    board = programme_dashboard(Programme.objects.filter(annee_debut=2026).order_by("pk").first())

    def median_ms(clear: bool) -> float:
        samples = []
        for _ in range(repeat):
            if clear:
                cache.clear()
            start = time.perf_counter()
            dashboard_charts(board)
            samples.append(time.perf_counter() - start)
        return round(statistics.median(samples) * 1000, 3)

    drawn = median_ms(clear=True)
    return {"drawn_ms": drawn, "warm_ms": median_ms(clear=False), "charts": 2}
