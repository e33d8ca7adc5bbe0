"""Letters to the candidates and the convention, as PDFs.

A non-retained candidate's letter holds its own points per criterion, its
rank, the retained candidate's name and total, and the reasons; nothing else
of any other candidate (the context given to the template is built here, so a
template cannot reach another dossier).
"""

import datetime

from django.utils import timezone
from django.utils.text import slugify

from ami.models import Avenant, Convention, Decision, Lettre
from ami.scoring import money
from ami.selectors import ami_results, convention_terms, dossier_annual_totals
from mlhg_app.pdf import render_pdf


def letter_filename(lettre: Lettre) -> str:
    return f"lettre-{slugify(lettre.dossier.prestataire.raison_sociale)}-{lettre.decision.ami.reference}.pdf"


def letter_context(lettre: Lettre) -> dict:
    decision = lettre.decision
    ami = decision.ami
    results = {r.dossier_id: r for r in ami_results(ami)}
    own = results.get(lettre.dossier_id)
    criteres = list(ami.criteres.order_by("ordre"))
    own_lines = []
    if own is not None:
        own_lines = [
            {"libelle": c.libelle, "poids": c.poids, "points": money(own.criteria[c.code].points)} for c in criteres
        ]
    winner = None
    if decision.kind == Decision.Kind.ATTRIBUE and decision.dossier_id != lettre.dossier_id:
        w = results.get(decision.dossier_id)
        winner = {"name": decision.dossier.prestataire.raison_sociale, "total": money(w.total) if w else None}
    return {
        "lettre": lettre,
        "ami": ami,
        "prestataire": lettre.dossier.prestataire,
        "own_lines": own_lines,
        "own_total": money(own.total) if own else None,
        "own_rank": own.rank if own else None,
        "nb_classes": len(results),
        "winner": winner,
        "irrecevable": lettre.dossier.status == "irrecevable",
    }


def letter_pdf(lettre: Lettre, sent_on=None) -> bytes:
    return render_pdf(
        "pdf/lettre.html", {**letter_context(lettre), "sent_on": sent_on or timezone.localdate()}, about=lettre
    )


def convention_pdf(convention: Convention) -> bytes:
    dossier = convention.dossier
    version = dossier.versions.order_by("-numero").first()
    return render_pdf(
        "pdf/convention.html",
        {
            "convention": convention,
            "dossier": dossier,
            "ami": dossier.ami,
            "prestataire": dossier.prestataire,
            "financier": version.contenu["financier"] if version else {},
            "equipe": version.contenu["equipe"] if version else [],
            "totaux": dossier_annual_totals(dossier, version),
        },
        about=dossier,
    )


def avenant_filename(avenant: Avenant) -> str:
    return f"{avenant.reference}.pdf"


def avenant_pdf(avenant: Avenant) -> bytes:
    """The avenant: what it changes, from when, the terms before and after."""
    convention = avenant.convention
    before = convention_terms(convention, on=avenant.date_effet - datetime.timedelta(days=1))
    return render_pdf(
        "pdf/avenant.html",
        {
            "avenant": avenant,
            "convention": convention,
            "prestataire": convention.dossier.prestataire,
            "ami": convention.dossier.ami,
            "before": before,
            "end_before": max(
                [convention.date_fin]
                + [
                    a.date_fin_prestation
                    for a in convention.avenants.filter(numero__lt=avenant.numero, date_fin_prestation__isnull=False)
                ]
            ),
        },
        about=convention,
    )
