"""`make bench`: query counts at 1× and 10×, server times, throughput under gunicorn, PDFs, the planner.

Prints one JSON object and writes it to var/bench-latest.json. Uses its own database:
`mlhg_bench` (or BENCH_DATABASE) on the server of DATABASE_URL when set (created and dropped here), else
var/bench.sqlite3.
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


# The bench's own database on the server of DATABASE_URL (BENCH_DATABASE: two benches on one server each their own).
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "mlhg_bench")


def _database_url() -> tuple[str, str | None]:
    """(the bench database URL, the admin URL to drop it with, or None for SQLite)."""
    source = os.environ.get("DATABASE_URL", "").strip()
    if not source:
        path = VAR / "bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", None
    import psycopg
    from psycopg import sql

    parts = urlparse(source)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(BENCH_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    return urlunparse(parts._replace(path=f"/{BENCH_DATABASE}")), admin


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
from bench.pages import client_for, measure_charts, measure_counts, pages  # noqa: E402
from bench.report import markdown, missing_keys, targets  # noqa: E402

REPEAT = 15
# The scale of the large data set (10: the figures of the README; 1 or 2: a quick end-to-end run).
SCALE = int(os.environ.get("BENCH_SCALE", "10"))
# Seconds of each wrk measure (the floors and every page).
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
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


def a_statement():
    """The first relevé, issued for window 1 of the 2026 programme when there is none yet (or None)."""
    from mlhg_app.models import User
    from seances.models import Programme, Releve
    from seances.services.billing import statement_create

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
            log(f"  relevé : {exc}")
    return releve


def measure_pdfs() -> dict:
    """Each PDF made in a process of its own as a Celery worker's child makes it (bench/worker.py)."""
    a_statement()
    connection.close()  # SQLite: the worker process reads the same file
    # A fixed argv (our own module), no shell.
    done = subprocess.run(  # nosec B603
        [sys.executable, str(ROOT / "bench" / "worker.py")],
        cwd=ROOT,
        env=dict(os.environ, BENCH_AMI=BENCH_AMI, DEBUG="0"),  # DEBUG would keep every query in memory
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode:
        return {"pdf": {}, "worker": {"error": done.stderr[-2000:]}}
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def _wrk(url, cookie=None, seconds=WRK_SECONDS) -> float:
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


def _drain(base: str, *, quiet_ms: float = 100, seconds: float = 60) -> float:
    """Wait until the server's queue is empty before the next measure: a pause, then the « ok » probe answered
    alone in under `quiet_ms`, twice in a row. Returns the seconds waited."""
    started = time.perf_counter()
    time.sleep(1)
    quick = 0
    while quick < 2 and time.perf_counter() - started < seconds:
        start = time.perf_counter()
        status = _status(base + "/bench/ok/", None)
        quick = quick + 1 if status == 200 and (time.perf_counter() - start) * 1000 < quiet_ms else 0
        if not quick:
            time.sleep(0.5)
    return round(time.perf_counter() - started, 1)


def _p50_ms(url: str, cookie: str | None, n: int = REPEAT) -> float:
    """The median time of `n` requests sent one after the other (no queue: the server's own time)."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        _status(url, cookie)
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000, 1)


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


def _server_env() -> dict:
    """gunicorn under the production settings (bench/settings.py), from the environment as production reads it:
    persistent connections, static files collected and served by WhiteNoise; HTTP on the loopback (no TLS
    redirect), no second factor asked of staff (the bench logs in by session cookie)."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "MLHG_ENV": "production",
            "DEBUG": "0",
            "DATABASE_URL": BENCH_URL,
            "DATABASE_CONN_MAX_AGE": "60",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "OTP_REQUIRED_FOR_STAFF": "0",
            "DEFAULT_STRUCTURE": "mlhg",  # the demo has a second structure; the pages measured are MLHG's
            "STATIC_ROOT": str(VAR / "bench-static"),
        }
    )
    cache_url = _shared_cache_url()
    if cache_url:  # production's shared cache (sessions read through it, throttles, cached results)
        env["CACHE_URL"] = cache_url
    return env


def _shared_cache_url() -> str:
    """The Redis database the bench's server shares as its cache (BENCH_CACHE_URL, default db 14 of the local
    Redis), emptied first; empty when no Redis answers (the server then caches per process)."""
    import redis

    url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        return ""
    return url


def measure_throughput() -> dict:
    if not shutil.which("wrk"):
        return {"error": "wrk introuvable"}
    port = int(os.environ.get("BENCH_PORT") or _free_port())
    env = _server_env()
    connection.close()
    # A fixed argv (our manage.py), no shell: the production storage needs the collected manifest.
    subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
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
        _drain(base)
        responsable = _session_cookie("responsable@demo.ml31.org")
        floor = {}
        for key, path, cookie in (
            ("anonymous_ok_rps", "/bench/ok/", None),
            ("logged_in_ok_rps", "/bench/ok/", responsable),
            ("healthz_rps", "/healthz/", None),
        ):
            floor[key] = _wrk(base + path, cookie)
            _drain(base)
        log(f"  floor: {floor}")
        found = {name: (email, url) for name, email, url in pages()}
        out = {"floor": floor, "pages": {}}
        for name, (email, url) in found.items():
            cookie = _session_cookie(email) if email else None
            status = _status(base + url, cookie)
            p50 = _p50_ms(base + url, cookie)
            rps = _wrk(base + url, cookie)
            drained = _drain(base)
            out["pages"][name] = {"status": status, "rps": rps, "p50_ms": p50, "drain_s": drained}
            log(f"  {name}: {status}, p50 {p50} ms, {rps} req/s")
        # Issue 9: 50 users browse the portal, the planning board and the dashboard.
        load_pages = ["public: AMI list", "responsable: planning board", "responsable: dashboard"]
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
    total = time.perf_counter()
    call_command("migrate", verbosity=0)
    log("1×: building…")
    build(Sizes.at(1))
    build_1 = time.perf_counter() - started
    counts_1 = measure_counts()
    start = time.perf_counter()
    if SCALE > 1:
        log(f"{SCALE}×: building…")
        build(Sizes.at(SCALE), demo=False)
    build_10 = time.perf_counter() - start
    log(f"{SCALE}×: built in {build_10:.0f} s; counting queries…")
    counts_10 = measure_counts()
    log(f"{SCALE}×: timing pages in-process…")
    times = measure_times()
    log("charts…")
    charts_out = measure_charts()
    log("PDFs (as the worker makes them)…")
    worker_out = measure_pdfs()
    log("throughput (gunicorn under production settings + wrk)…")
    throughput = measure_throughput()
    pages_out = {}
    for name in counts_1:
        served = throughput.get("pages", {}).get(name, {})
        pages_out[name] = {
            "url": counts_10[name]["url"],
            "status": served.get("status", counts_10[name]["status"]),
            "queries_1x": counts_1[name]["queries"],
            "queries_10x": counts_10[name]["queries"],
            "in_process_median_ms": times[name],
            "p50_ms": served.get("p50_ms"),
            "rps": served.get("rps"),
            "drain_s": served.get("drain_s"),
        }
    grows = [n for n, p in pages_out.items() if p["queries_10x"] != p["queries_1x"]]
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
        "scale": SCALE,
        "wrk_seconds": WRK_SECONDS,
        "data_10x": {
            "amis": AMI.objects.count(),
            "dossiers": Dossier.objects.count(),
            "conseillers": User.objects.filter(role="conseiller").count(),
            "groupes": Groupe.objects.count(),
            "seances": Seance.objects.count(),
            "outgoing_messages": OutgoingMessage.objects.count(),
        },
        "build_seconds": {"1x": round(build_1, 1), "10x": round(build_10, 1)},
        "floor": throughput.get("floor", {}),
        "pages": pages_out,
        "pages_whose_query_count_grows": grows,
        "load": throughput.get("load", {}),
        "charts": charts_out,
        "pdf": worker_out["pdf"],
        "worker": worker_out["worker"],
        "planner": planner_out,
        "people_import": people_import_out,
    }
    if "error" in throughput:
        result["throughput_error"] = throughput["error"]
    result["missing_keys"] = missing_keys(result)
    result["targets"] = [] if result["missing_keys"] else targets(result)
    result["bench_seconds"] = round(time.perf_counter() - total)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    (VAR / "bench-latest.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    if not result["missing_keys"]:
        table = markdown(result)
        (VAR / "bench-latest.md").write_text(table, encoding="utf-8")
        log("\n" + table)
        log("(var/bench-latest.md : à coller dans la section « Benchmark » du README)")
    else:
        log(f"clés manquantes : {', '.join(result['missing_keys'])}")


if __name__ == "__main__":
    from mlhg_app.structures import every_structure

    try:
        with every_structure():  # the bench reads and builds as an operator would: every structure, by name
            main()
    finally:
        if ADMIN_URL:
            import psycopg

            connection.close()
            from psycopg import sql

            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))
