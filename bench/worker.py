"""The PDFs as a Celery worker makes them, run by bench/__main__.py in a process of its own: the worker
child's start (mlhg_app.celery.load_pdf_engine: WeasyPrint imported, a page laid out), then each kind of
PDF made `BENCH_PDF_REPEAT` times (median), the rapport d'analyse last, with the process's memory before
and after it (what `worker_max_memory_per_child` compares to its bound after a job).

Prints one JSON object. Reads the bench's database from the environment the bench set.
"""

import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def memory_kib() -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the peak), KiB, from /proc (Linux)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def median_ms(fn, *args, repeat: int) -> dict:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "runs": repeat, "max_ms": round(max(samples), 1)}


def main() -> dict:
    import django

    django.setup()
    from mlhg_app.celery import load_pdf_engine
    from mlhg_app.models import Structure
    from mlhg_app.structures import structure_scope

    repeat = max(3, int(os.environ.get("BENCH_PDF_REPEAT", "3")))
    start = time.perf_counter()
    load_pdf_engine()
    engine_ms = round((time.perf_counter() - start) * 1000)
    # the documents are MLHG's, made in its scope as a task carrying its structure would
    with structure_scope(Structure.objects.get(slug="mlhg")):
        return _documents(repeat, engine_ms)


def _documents(repeat: int, engine_ms: int) -> dict:
    # late, as in main(): the apps are loaded by django.setup() there
    from ami.documents.dossier import dossier_pdf
    from ami.documents.rapport import rapport_pdf
    from ami.documents.receipts import receipt_pdf
    from ami.models import AMI, DossierVersion
    from bilans.documents.bilan import bilan_pdf
    from bilans.selectors import shown_live
    from mlhg_app.celery import app
    from seances.documents.releve import statement_pdf
    from seances.models import Programme, Releve

    ami = AMI.objects.get(reference=os.environ["BENCH_AMI"])
    version = DossierVersion.objects.filter(dossier__ami=ami).order_by("pk").first()
    bilan = Programme.objects.get(annee_debut=2026).bilan
    documents = {
        "receipt": (receipt_pdf, version),
        "dossier": (dossier_pdf, version),
        "bilan_with_charts": (bilan_pdf, bilan, shown_live(bilan)),
    }
    releve = Releve.objects.order_by("pk").first()
    if releve is not None:
        documents["statement"] = (statement_pdf, releve)
    pdf = {name: median_ms(fn, *args, repeat=repeat) for name, (fn, *args) in documents.items()}
    gc.collect()
    before = memory_kib()
    pdf["rapport_analyse"] = median_ms(rapport_pdf, ami, repeat=repeat)
    after_job = memory_kib()
    gc.collect()
    bound = app.conf.worker_max_memory_per_child
    worker = {
        "engine_start_ms": engine_ms,
        "dossiers_in_rapport": ami.dossiers.count(),
        "rss_mb_before_rapport": round(before["VmRSS"] / 1024),
        "rss_mb_after_rapport": round(after_job["VmRSS"] / 1024),
        "peak_mb": round(after_job["VmHWM"] / 1024),
        "objects_after_rapport": len(gc.get_objects()),
        "max_memory_per_child_mb": round(bound / 1024),
        # Celery checks the resident size after each job: above the bound, the child is replaced.
        "child_replaced_after_rapport": after_job["VmRSS"] > bound,
    }
    return {"pdf": pdf, "worker": worker}


if __name__ == "__main__":
    print(json.dumps(main()))
