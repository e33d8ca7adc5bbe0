"""What `make bench` writes: the keys its JSON must carry, the issue 18 targets as ratios of one run, and the
Markdown table of that run for the README (« Benchmark »)."""

# Pages held to a p50 target (ms) at 10× (issue 18); every page's rps ≥ 0.03 × the logged-in floor.
P50_TARGETS = {
    "staff: audit log": 80,
    "staff: results": 80,
    "staff: programme sites": 80,
    "responsable: planning board": 50,
    "prestataire: dossier overview": 40,
    "responsable: dashboard": 20,
}
PDF_TARGETS = {"statement": 500}
CHARTS_WARM_MS = 5


def missing_keys(result: dict) -> list[str]:
    """The keys of issue 18 that `result` lacks, as dotted paths (empty when complete)."""
    missing = []

    def need(path: str):
        node = result
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                missing.append(path)
                return
            node = node[part]

    for key in ("floor.anonymous_ok_rps", "floor.logged_in_ok_rps", "floor.healthz_rps"):
        need(key)
    for key in ("load.rps", "load.p95_ms", "load.errors", "charts.warm_ms"):
        need(key)
    pages = result.get("pages") or {}
    if not pages:
        missing.append("pages")
    for name in pages:
        need(f"pages.{name}.rps")
        need(f"pages.{name}.p50_ms")
    pdfs = result.get("pdf") or {}
    if not pdfs:
        missing.append("pdf")
    for name in pdfs:
        need(f"pdf.{name}.median_ms")
    return missing


def targets(result: dict) -> list[dict]:
    """Each target of issue 18 against this run: what, the measure, the bound, met or not."""
    floor, load, pages = result["floor"], result["load"], result["pages"]
    out = []

    def check(what, value, bound, ok):
        out.append({"what": what, "value": value, "target": bound, "ok": bool(ok)})

    logged_in = floor["logged_in_ok_rps"]
    check(
        "« ok » connecté / anonyme",
        round(logged_in / floor["anonymous_ok_rps"], 3) if floor["anonymous_ok_rps"] else None,
        "≥ 0,3",
        floor["anonymous_ok_rps"] and logged_in >= 0.3 * floor["anonymous_ok_rps"],
    )
    for name, bound in P50_TARGETS.items():
        if name in pages:
            check(f"p50 {name} (ms)", pages[name]["p50_ms"], f"≤ {bound}", pages[name]["p50_ms"] <= bound)
    slowest = min(pages, key=lambda n: pages[n]["rps"])
    check(
        f"page la plus lente ({slowest}) req/s / « ok » connecté",
        round(pages[slowest]["rps"] / logged_in, 4) if logged_in else None,
        "≥ 0,03",
        logged_in and pages[slowest]["rps"] >= 0.03 * logged_in,
    )
    check(
        "graphiques, à chaud (ms)", result["charts"]["warm_ms"], f"≤ {CHARTS_WARM_MS}", result["charts"]["warm_ms"] <= 5
    )
    for name, bound in PDF_TARGETS.items():
        if name in result["pdf"]:
            median = result["pdf"][name]["median_ms"]
            check(f"PDF {name}, médiane dans le worker (ms)", median, f"≤ {bound}", median <= bound)
    check("charge : erreurs", load["errors"], "0", load["errors"] == 0)
    queueing = round(1.2 * load["users"] * 1000 / load["rps"], 1) if load["rps"] else None
    check(
        "charge : p95 (ms)",
        load["p95_ms"],
        f"≤ 1,2 × {load['users']} / load.rps = {queueing:.0f}" if queueing else "–",
        queueing and load["p95_ms"] <= queueing,
    )
    return out


def _cell(value) -> str:
    """« 1 074,3 », « 0,049 » (a ratio keeps three decimals), « – » for nothing measured."""
    if isinstance(value, float):
        text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3f}".rstrip("0").rstrip(".")
        return text.replace(",", "\u202f").replace(".", ",")
    return "–" if value is None else str(value)


def markdown(result: dict) -> str:
    """The run as Markdown tables, to paste in the README's « Benchmark » section."""
    floor, load, machine = result["floor"], result["load"], result["machine"]
    lines = [
        f"Exécution du {result['date']} : {machine['platform']}, {machine['cpu_count']} cœurs, Python "
        f"{machine['python']}, {machine['database']}, échelle {result['scale']}× ; gunicorn 2 workers (réglages de "
        f"production), `wrk -t2 -c8 -d{result['wrk_seconds']}s` par mesure, la file vidée entre deux mesures.",
        "",
        "| plancher | req/s |",
        "|---|---|",
        f"| « ok », anonyme | {_cell(floor['anonymous_ok_rps'])} |",
        f"| « ok », connecté | {_cell(floor['logged_in_ok_rps'])} |",
        f"| /healthz/ | {_cell(floor['healthz_rps'])} |",
        "",
        "| page | requêtes 1× | requêtes 10× | p50 (ms) | req/s |",
        "|---|---|---|---|---|",
    ]
    for name, page in result["pages"].items():
        lines.append(
            f"| {name} | {page.get('queries_1x', '–')} | {page.get('queries_10x', '–')} | {_cell(page['p50_ms'])} "
            f"| {_cell(page['rps'])} |"
        )
    lines += ["", "| PDF (dans le worker) | médiane (ms) |", "|---|---|"]
    lines += [f"| {name} | {_cell(pdf['median_ms'])} |" for name, pdf in result["pdf"].items()]
    worker = result.get("worker", {})
    if "rss_mb_after_rapport" in worker:
        lines += [
            "",
            f"Worker : WeasyPrint chargé en {worker['engine_start_ms']} ms au démarrage ; rapport de "
            f"{worker['dossiers_in_rapport']} dossiers : {worker['rss_mb_before_rapport']} Mo avant, "
            f"{worker['rss_mb_after_rapport']} Mo après (pic {worker['peak_mb']} Mo, borne "
            f"{worker['max_memory_per_child_mb']} Mo : fils remplacé après la tâche : "
            f"{'oui' if worker['child_replaced_after_rapport'] else 'non'}).",
        ]
    lines += [
        "",
        f"Graphiques : {_cell(result['charts']['warm_ms'])} ms à chaud (cache), "
        f"{_cell(result['charts']['drawn_ms'])} ms dessinés sans cache. Charge ({load['users']} utilisateurs, "
        f"{load['seconds']} s) : {_cell(load['rps'])} req/s, {load['errors']} erreur(s), p50 {_cell(load['p50_ms'])} ms, "
        f"p95 {_cell(load['p95_ms'])} ms.",
        "",
        "| cible (issue 18) | mesure | cible | tenue |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {t['what']} | {_cell(t['value'])} | {t['target']} | {'oui' if t['ok'] else '**non**'} |"
        for t in result["targets"]
    ]
    return "\n".join(lines) + "\n"
