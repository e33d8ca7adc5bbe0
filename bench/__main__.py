"""`make bench`: query counts at 1× and 10×, server times, throughput under gunicorn, PDFs, the planner.

Prints one JSON object and writes it to var/bench-latest.json. Uses its own database:
`mlhg_bench` on the server of DATABASE_URL when set (created and dropped here), else var/bench.sqlite3.
"""

import json
import logging
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess  # nosec B404 # runs wrk and our own gunicorn only (_wrk, measure_throughput)
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def _database_url() -> tuple[str, str | None]:
    """(the bench database URL, the admin URL to drop it with, or None for SQLite)."""
    source = os.environ.get("DATABASE_URL", "").strip()
    if not source:
        path = VAR / "bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", None
    import psycopg

    parts = urlparse(source)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS mlhg_bench")
        conn.execute("CREATE DATABASE mlhg_bench")
    return urlunparse(parts._replace(path="/mlhg_bench")), admin


BENCH_URL, ADMIN_URL = _database_url()
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "mlhg_app.settings",
        "DATABASE_URL": BENCH_URL,
        "MEDIA_ROOT": str(VAR / "bench-media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEBUG": "1",
        "SECRET_KEY": "bench-only-" + "k" * 50,  # the same in gunicorn: the session hashes must match
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
)
os.environ.pop("REDIS_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.data import BENCH_AMI, Sizes, build  # noqa: E402
from bench.pages import client_for, measure_counts, pages  # noqa: E402

REPEAT = 15
# The load run of issue 9 (bench only, never in CI): 50 users for this many seconds.
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))


def log(message):
    print(message, file=sys.stderr, flush=True)


def measure_times() -> dict[str, float]:
    out = {}
    for name, email, url in pages():
        client = client_for(email)
        client.get(url)
        samples = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - start)
        out[name] = round(statistics.median(samples) * 1000, 2)
        log(f"  {name}: {out[name]} ms")
    return out


def timed(fn, *args, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000, 1)


def measure_pdfs() -> dict[str, float]:
    from ami.documents.dossier import dossier_pdf
    from ami.documents.rapport import rapport_pdf
    from ami.documents.receipts import receipt_pdf
    from ami.models import AMI, DossierVersion
    from mlhg_app.models import User
    from seances.documents.releve import statement_pdf
    from seances.models import Programme, Releve
    from seances.services.billing import statement_create

    version = DossierVersion.objects.filter(dossier__ami__reference=BENCH_AMI).order_by("pk").first()
    out = {
        "dossier_ms": timed(dossier_pdf, version),
        "rapport_analyse_ms": timed(rapport_pdf, AMI.objects.get(reference=BENCH_AMI)),
        "receipt_ms": timed(receipt_pdf, version),
    }
    releve = Releve.objects.order_by("pk").first()
    if releve is None:
        programme = Programme.objects.filter(annee_debut=2026).first()
        fenetre = programme.fenetres.get(numero=1)
        try:
            releve = statement_create(
                programme=programme,
                debut=fenetre.debut,
                fin=fenetre.fin,
                user=User.objects.get(email="direction@demo.ml31.org"),
            )
        except Exception as exc:  # no billable séance yet: reported, not fatal
            out["statement_error"] = str(exc)
    if releve is not None:
        out["statement_ms"] = timed(statement_pdf, releve)
    from bilans.documents.bilan import bilan_pdf
    from bilans.selectors import shown_live

    bilan = Programme.objects.get(annee_debut=2026).bilan
    out["bilan_with_charts_ms"] = timed(bilan_pdf, bilan, shown_live(bilan))
    return out


def measure_planner() -> dict:
    """The planner on the demo (as the demo runs it: window 1 kept, windows 2 and 3 to place; and again
    once all is planned) and on the synthetic 40 groups (with and without the first year's rule)."""
    import dataclasses

    from seances import planner
    from seances.models import Programme
    from seances.services.planning import programme_plan_input

    out = {}
    programme = Programme.objects.filter(annee_debut=2026).order_by("pk").first()
    inputs = {}
    if programme is not None:
        inp = programme_plan_input(programme=programme)
        window_1 = {f.pk for f in programme.fenetres.filter(numero=1)}
        inputs["demo_windows_2_3"] = dataclasses.replace(
            inp, fixed=tuple(a for a in inp.fixed if a.window_key in window_1)
        )
        inputs["demo_all_planned"] = inp
    inputs["synthetic_40_groups"] = planner.synthetic_input(groups=40, intervenants=6)
    inputs["synthetic_40_groups_first_year"] = planner.synthetic_input(groups=40, intervenants=6, first_year=True)
    for name, inp in inputs.items():
        start = time.perf_counter()
        result = planner.plan(inp, time_limit=30.0)
        elapsed = time.perf_counter() - start
        out[name] = {
            "groups": len(inp.groups),
            "seconds": round(elapsed, 2),
            "ok": result.ok,
            "optimal": result.optimal,
            "objective": result.objective,
            "placed": result.placed,
            "kept": result.kept,
        }
    return out


def measure_people_import(lines: int = 150) -> dict:
    """Issue 15: the HR import of a 150-line XLSX (target under 5 s): its preview, then its confirmation
    (people created and invited), then a re-import of the same file that changes 10 lines."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from mlhg_app.models import Antenne, User
    from mlhg_app.services.people_import import (
        people_import_confirm,
        people_import_preview,
        people_import_upload,
    )
    from mlhg_app.spreadsheets import xlsx_bytes

    staff = User.objects.get(email="direction@demo.ml31.org")
    sites = list(Antenne.objects.filter(kind=Antenne.Kind.ANTENNE).order_by("ordre"))
    header = ["Nom", "Prénom", "Courriel", "Antenne", "Fonction", "Encadrant"]

    def rows(moved=0):
        return [
            [
                f"Salarié{i:03d}",
                "Camille",
                f"salarie{i:03d}@rh-bench.ml31.org",
                sites[(i + (i < moved)) % len(sites)].nom,
            ]
            + ["Conseiller en insertion", "non"]
            for i in range(lines)
        ]

    def run(data) -> dict:
        # The invitations are queued after commit: measured apart (eager here, a Celery worker's in production).
        start = time.perf_counter()
        with transaction.atomic():
            kept = people_import_upload(by=staff, fichier=SimpleUploadedFile("rh.xlsx", data))
            plan = people_import_preview(people_import=kept)
            preview = time.perf_counter() - start
            people_import_confirm(people_import=kept, by=staff)
            written = time.perf_counter() - start
        return {
            "preview_s": round(preview, 2),
            "preview_and_confirm_s": round(written, 2),
            "invitations_sent_after_commit_s": round(time.perf_counter() - start - written, 2),
            "written": plan.writes,
            "errors": len(plan.errors),
        }

    first = run(xlsx_bytes(title="Personnel", header=header, rows=rows()))
    again = run(xlsx_bytes(title="Personnel", header=header, rows=rows(moved=10)))
    return {"lines": lines, "first_import": first, "reimport_10_changes": again, "target_s": 5}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(email) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from mlhg_app.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _wrk(url, cookie=None, seconds=5) -> float:
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "30s", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    # A fixed argv (wrk on a loopback URL of our own server), no shell.
    output = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout  # nosec B603
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        log(f"wrk {url}: {non2xx.group(1)} non-2xx responses")
    return float(match.group(1)) if match else 0.0


def _status(url, cookie) -> int:
    """The status of one request, redirects not followed: a 302 to the login page is not a measure."""
    import http.client

    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", parts.path, headers={"Cookie": cookie} if cookie else {})
        return conn.getresponse().status
    except OSError:
        return 0
    finally:
        conn.close()


LOAD_SCRIPT = """
local paths = {%s}
local cookie = "%s"
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Cookie"] = cookie})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LOAD requests=%%d duration_us=%%d status=%%d connect=%%d read=%%d write=%%d timeout=%%d "
    .. "p50_us=%%d p95_us=%%d p99_us=%%d\\n", summary.requests, summary.duration, e.status, e.connect, e.read,
    e.write, e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _load(base: str, paths: list[str], cookie: str, *, connections=50, seconds=60) -> dict:
    """A bounded load run: `connections` concurrent users cycling through `paths` for `seconds`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LOAD_SCRIPT % (", ".join(f'"{p}"' for p in paths), cookie))
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script.name, base]
    output = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout  # nosec B603
    os.unlink(script.name)
    found = re.search(r"LOAD (.*)", output)
    if not found:
        return {"error": output[-500:]}
    values = {k: int(v) for k, v in (item.split("=") for item in found.group(1).split())}
    errors = sum(values[k] for k in ("status", "connect", "read", "write", "timeout"))
    return {
        "users": connections,
        "seconds": seconds,
        "pages": paths,
        "requests": values["requests"],
        "rps": round(values["requests"] / (values["duration_us"] / 1e6), 1),
        "errors": errors,
        "p50_ms": round(values["p50_us"] / 1000, 1),
        "p95_ms": round(values["p95_us"] / 1000, 1),
        "p99_ms": round(values["p99_us"] / 1000, 1),
    }


def measure_throughput(heaviest: list[str]) -> dict:
    if not shutil.which("wrk"):
        return {"error": "wrk introuvable"}
    port = _free_port()
    # as production runs: persistent database connections (settings.py's default there)
    env = dict(os.environ, DATABASE_URL=BENCH_URL, ALLOWED_HOSTS="127.0.0.1", DEBUG="0", DATABASE_CONN_MAX_AGE="60")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DJANGO_SETTINGS_MODULE"] = "mlhg_app.settings"
    server = subprocess.Popen(  # nosec B603 # a fixed argv (our gunicorn on loopback), no shell
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "mlhg_app.wsgi",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        found = {name: (email, url) for name, email, url in pages()}
        healthz = _wrk(base + "/healthz/")
        out = {"healthz_rps": healthz, "pages": {}}
        for name in heaviest:
            email, url = found[name]
            cookie = _session_cookie(email) if email else None
            status = _status(base + url, cookie)
            rps = _wrk(base + url, cookie)
            out["pages"][name] = {
                "status": status,
                "rps": rps,
                "ratio_to_healthz": round(rps / healthz, 4) if healthz else None,
            }
        # Issue 9: 50 users browse the portal, the planning board and the dashboard for 60 s.
        load_pages = ["public: AMI list", "responsable: planning board", "responsable: dashboard"]
        responsable = _session_cookie(found["responsable: planning board"][0])
        out["load"] = _load(base, [found[name][1] for name in load_pages], responsable, seconds=LOAD_SECONDS)
        return out
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    VAR.mkdir(exist_ok=True)
    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log("1×: building…")
    build(Sizes.at(1))
    build_1 = time.perf_counter() - started
    counts_1 = measure_counts()
    log("10×: building…")
    start = time.perf_counter()
    build(Sizes.at(10), demo=False)
    build_10 = time.perf_counter() - start
    log(f"10×: built in {build_10:.0f} s; counting queries…")
    counts_10 = measure_counts()
    log("10×: timing pages…")
    times = measure_times()
    pages_out = {}
    for name in counts_1:
        pages_out[name] = {
            "url": counts_10[name]["url"],
            "status": counts_10[name]["status"],
            "queries_1x": counts_1[name]["queries"],
            "queries_10x": counts_10[name]["queries"],
            "median_ms_10x": times[name],
        }
    grows = [n for n, p in pages_out.items() if p["queries_10x"] != p["queries_1x"]]
    heaviest = sorted(times, key=times.get, reverse=True)[:3]
    log("PDFs…")
    pdfs = measure_pdfs()
    log("throughput (gunicorn + wrk)…")
    throughput = measure_throughput(heaviest)
    log("planner…")
    planner_out = measure_planner()
    log("people import (150 lines)…")
    people_import_out = measure_people_import()
    from ami.models import AMI, Dossier
    from mlhg_app.models import OutgoingMessage, User
    from seances.models import Groupe, Seance

    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "database": connection.vendor,
        },
        "data_10x": {
            "amis": AMI.objects.count(),
            "dossiers": Dossier.objects.count(),
            "conseillers": User.objects.filter(role="conseiller").count(),
            "groupes": Groupe.objects.count(),
            "seances": Seance.objects.count(),
            "outgoing_messages": OutgoingMessage.objects.count(),
        },
        "build_seconds": {"1x": round(build_1, 1), "10x": round(build_10, 1)},
        "pages": pages_out,
        "pages_whose_query_count_grows": grows,
        "throughput": throughput,
        "pdf": pdfs,
        "planner": planner_out,
        "people_import": people_import_out,
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    (VAR / "bench-latest.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    try:
        main()
    finally:
        if ADMIN_URL:
            import psycopg

            connection.close()
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS mlhg_bench WITH (FORCE)")
