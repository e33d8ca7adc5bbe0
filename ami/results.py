"""The committee's results for an AMI, read from the database (see `ami.scoring`)."""

from django.db.models import Prefetch

from ami.models import AMI, Dossier, Evaluation
from ami.scoring import annual_totals, compute_results


def dossier_annual_totals(dossier: Dossier, version=None) -> dict | None:
    """The annual totals of the dossier's last submitted version (what was deposited, not the draft)."""
    version = version or dossier.versions.order_by("-numero").first()
    if version is None:
        return None
    financier = version.contenu.get("financier", {})
    if not financier.get("prix_seance_groupe"):
        return None
    return annual_totals(
        prix_groupe=financier["prix_seance_groupe"],
        regime_tva=financier.get("regime_tva", ""),
        taux_tva=financier.get("taux_tva") or None,
        volume=dossier.ami.volume_minimal,
    )


def ami_results(ami: AMI):
    """Results of the recevable dossiers: per criterion each evaluator's score, mean, median,
    points and disagreement; the price points; total and rank. A constant number of queries."""
    dossiers = list(
        ami.dossiers.filter(status=Dossier.Status.RECEVABLE)
        .select_related("prestataire", "ami")
        .prefetch_related(
            "versions",
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.filter(submitted_at__isnull=False, conflit=False)
                .select_related("evaluateur")
                .prefetch_related("notes__critere"),
                to_attr="submitted_grids",
            ),
        )
    )
    criteres = [(c.code, c.libelle, c.poids, c.mode) for c in ami.criteres.order_by("ordre")]
    inputs = []
    for dossier in dossiers:
        versions = sorted(dossier.versions.all(), key=lambda v: v.numero)
        totals = dossier_annual_totals(dossier, versions[-1] if versions else None)
        scores: dict[str, list] = {}
        for grid in dossier.submitted_grids:
            for note in grid.notes.all():
                if note.score is not None:
                    scores.setdefault(note.critere.code, []).append((str(grid.evaluateur), note.score))
        inputs.append(
            {
                "id": dossier.pk,
                "name": dossier.prestataire.raison_sociale,
                "annual_total_ttc": totals["ttc"] if totals else None,
                "scores": scores,
            }
        )
    return compute_results(criteres=criteres, dossiers=inputs, threshold=ami.seuil_desaccord, formula=ami.formule_prix)
