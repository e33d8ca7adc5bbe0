"""The rapport d'analyse of an AMI, as a PDF: committee, eligibility, results grid, comments, decision.

Reads only; the context is built here (not in the template) so that the PDF and
the archive show the same figures as the results page (`ami.results.ami_results`).
"""

from django.utils.text import slugify

from ami.models import AMI, Critere, Decision, Dossier, Evaluation
from ami.scoring import money
from ami.selectors import ami_results
from mlhg_app.pdf import render_pdf

NOT_EVALUATED = "—"
CONFLICT = "conflit"
NOT_SUBMITTED = "non soumise"


def rapport_filename(ami: AMI) -> str:
    return f"rapport-analyse-{slugify(ami.reference)}.pdf"


def _grid_cell(grid: Evaluation | None, critere: Critere) -> str:
    """What one evaluator's column shows for one criterion of one dossier."""
    if grid is None or grid.conflit is None:
        return NOT_EVALUATED
    if grid.conflit:
        return CONFLICT
    if grid.submitted_at is None:
        return NOT_SUBMITTED
    note = next((n for n in grid.notes.all() if n.critere_id == critere.pk), None)
    return str(note.score) if note is not None and note.score is not None else NOT_EVALUATED


def rapport_context(ami: AMI) -> dict:
    criteres = list(ami.criteres.order_by("ordre"))
    scored = [c for c in criteres if c.mode == Critere.Mode.NOTE]
    price = next((c for c in criteres if c.mode == Critere.Mode.CALCULE), None)
    dossiers = list(
        ami.dossiers.exclude(status=Dossier.Status.BROUILLON)
        .select_related("prestataire", "recevabilite_par")
        .order_by("prestataire__raison_sociale")
    )
    evaluations = list(
        Evaluation.objects.filter(dossier__ami=ami)
        .select_related("evaluateur", "dossier__prestataire")
        .prefetch_related("notes")
        .order_by("dossier__prestataire__raison_sociale")
    )
    evaluators = sorted(
        {*ami.evaluateurs.all(), *(e.evaluateur for e in evaluations)},
        key=lambda u: (u.last_name, u.first_name, u.email),
    )
    grids = {(e.dossier_id, e.evaluateur_id): e for e in evaluations}
    committee = [
        {
            "user": user,
            "conflicts": [e for e in evaluations if e.evaluateur_id == user.pk and e.conflit],
            "submitted": sum(1 for e in evaluations if e.evaluateur_id == user.pk and e.submitted_at),
        }
        for user in evaluators
    ]

    results = ami_results(ami)
    totals = [r.annual_total_ttc for r in results if r.annual_total_ttc]
    lowest = money(min(totals)) if totals else None
    rows = []
    for result in results:
        lines, comments = [], []
        for critere in scored:
            cr = result.criteria[critere.code]
            lines.append(
                {
                    "critere": critere,
                    "cells": [_grid_cell(grids.get((result.dossier_id, u.pk)), critere) for u in evaluators],
                    "mean": cr.mean,
                    "median": cr.median,
                    "points": cr.points,
                    "disagreement": cr.disagreement,
                }
            )
            items = []
            for user in evaluators:
                grid = grids.get((result.dossier_id, user.pk))
                if grid is None or grid.conflit is not False or grid.submitted_at is None:
                    continue
                note = next((n for n in grid.notes.all() if n.critere_id == critere.pk), None)
                if note is not None and note.commentaire:
                    items.append({"user": user, "score": note.score, "commentaire": note.commentaire})
            comments.append({"critere": critere, "items": items})
        rows.append(
            {
                "result": result,
                "lines": lines,
                "comments": comments,
                "price_points": result.criteria[price.code].points if price else None,
                "annual_total_ttc": money(result.annual_total_ttc) if result.annual_total_ttc else None,
                "disagreement": any(line["disagreement"] for line in lines),
            }
        )
    decision = Decision.objects.filter(ami=ami).select_related("dossier__prestataire", "decided_by").first()
    return {
        "ami": ami,
        "criteres": criteres,
        "scored": scored,
        "price": price,
        "lowest": lowest,
        "committee": committee,
        "evaluators": evaluators,
        "dossiers": dossiers,
        "rows": rows,
        "decision": decision,
    }


def rapport_pdf(ami: AMI) -> bytes:
    return render_pdf("pdf/rapport_analyse.html", rapport_context(ami))
