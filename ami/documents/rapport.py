"""The rapport d'analyse of an AMI, as a PDF: committee, eligibility, results grid, comments, decision.

Reads only; the context is built here (not in the template) so that the PDF and
the archive show the same figures as the results page (`ami.selectors.ami_results`).
"""

from decimal import Decimal

from django.utils.text import slugify

from ami.models import AMI, Critere, Dossier, Evaluation
from ami.scoring import money
from ami.selectors import ami_results, decision_of
from mlhg_app.pdf import render_pdf

NOT_EVALUATED = "—"
CONFLICT = "conflit"
NOT_SUBMITTED = "non soumise"


def rapport_filename(ami: AMI) -> str:
    return f"rapport-analyse-{slugify(ami.reference)}.pdf"


def _note(grid: Evaluation, critere: Critere):
    """The grid's note for one criterion, or None (the grid's notes are prefetched)."""
    return next((n for n in grid.notes.all() if n.critere_id == critere.pk), None)


def _grid_cell(grid: Evaluation | None, critere: Critere) -> str:
    """What one evaluator's column shows for one criterion of one dossier."""
    if grid is None or grid.conflit is None:
        return NOT_EVALUATED
    if grid.conflit:
        return CONFLICT
    if grid.submitted_at is None:
        return NOT_SUBMITTED
    note = _note(grid, critere)
    return str(note.score) if note is not None and note.score is not None else NOT_EVALUATED


def _dossiers(ami: AMI) -> list[Dossier]:
    """Every dossier submitted at least once, by candidate name (the eligibility section)."""
    return list(
        ami.dossiers.exclude(status=Dossier.Status.BROUILLON)
        .select_related("prestataire", "recevabilite_par")
        .order_by("prestataire__raison_sociale")
    )


def _evaluations(ami: AMI) -> list[Evaluation]:
    """Every grid of the AMI, submitted or not, with its notes."""
    return list(
        Evaluation.objects.filter(dossier__ami=ami)
        .select_related("evaluateur", "dossier__prestataire")
        .prefetch_related("notes")
        .order_by("dossier__prestataire__raison_sociale")
    )


def _evaluators(ami: AMI, evaluations: list[Evaluation]) -> list:
    """The assigned evaluators and anyone who holds a grid, by name: the grid's columns."""
    return sorted(
        {*ami.evaluateurs.all(), *(e.evaluateur for e in evaluations)},
        key=lambda u: (u.last_name, u.first_name, u.email),
    )


def _committee(evaluators: list, evaluations: list[Evaluation]) -> list[dict]:
    """Per evaluator: the conflicts declared and the number of grids submitted."""
    return [
        {
            "user": user,
            "conflicts": [e for e in evaluations if e.evaluateur_id == user.pk and e.conflit],
            "submitted": sum(1 for e in evaluations if e.evaluateur_id == user.pk and e.submitted_at),
        }
        for user in evaluators
    ]


def _lowest_total(results) -> Decimal | None:
    """The lowest annual total TTC among the results (the price criterion's reference), or None."""
    totals = [r.annual_total_ttc for r in results if r.annual_total_ttc]
    return money(min(totals)) if totals else None


def _criterion_line(result, critere: Critere, grids: dict, evaluators: list) -> dict:
    """One scored criterion of one dossier: each evaluator's cell, mean, median, points, disagreement."""
    cr = result.criteria[critere.code]
    return {
        "critere": critere,
        "cells": [_grid_cell(grids.get((result.dossier_id, u.pk)), critere) for u in evaluators],
        "mean": cr.mean,
        "median": cr.median,
        "points": cr.points,
        "disagreement": cr.disagreement,
    }


def _criterion_comments(result, critere: Critere, grids: dict, evaluators: list) -> dict:
    """The comments of the submitted grids without a conflict, for one criterion of one dossier."""
    items = []
    for user in evaluators:
        grid = grids.get((result.dossier_id, user.pk))
        if grid is None or grid.conflit is not False or grid.submitted_at is None:
            continue
        note = _note(grid, critere)
        if note is not None and note.commentaire:
            items.append({"user": user, "score": note.score, "commentaire": note.commentaire})
    return {"critere": critere, "items": items}


def _result_row(result, *, scored: list[Critere], price: Critere | None, grids: dict, evaluators: list) -> dict:
    """One dossier of the results grid: its lines per scored criterion, their comments, price and total."""
    lines = [_criterion_line(result, critere, grids, evaluators) for critere in scored]
    return {
        "result": result,
        "lines": lines,
        "comments": [_criterion_comments(result, critere, grids, evaluators) for critere in scored],
        "price_points": result.criteria[price.code].points if price else None,
        "annual_total_ttc": money(result.annual_total_ttc) if result.annual_total_ttc else None,
        "disagreement": any(line["disagreement"] for line in lines),
    }


def rapport_context(ami: AMI) -> dict:
    """The rapport's figures: criteria, committee, eligibility, results grid with comments, decision."""
    criteres = list(ami.criteres.order_by("ordre"))
    scored = [c for c in criteres if c.mode == Critere.Mode.NOTE]
    price = next((c for c in criteres if c.mode == Critere.Mode.CALCULE), None)
    dossiers = _dossiers(ami)
    evaluations = _evaluations(ami)
    evaluators = _evaluators(ami, evaluations)
    grids = {(e.dossier_id, e.evaluateur_id): e for e in evaluations}
    results = ami_results(ami)
    rows = [_result_row(r, scored=scored, price=price, grids=grids, evaluators=evaluators) for r in results]
    decision = decision_of(ami)
    return {
        "ami": ami,
        "criteres": criteres,
        "scored": scored,
        "price": price,
        "lowest": _lowest_total(results),
        "committee": _committee(evaluators, evaluations),
        "evaluators": evaluators,
        "dossiers": dossiers,
        "rows": rows,
        "decision": decision,
    }


def rapport_pdf(ami: AMI) -> bytes:
    return render_pdf("pdf/rapport_analyse.html", rapport_context(ami), about=ami)
