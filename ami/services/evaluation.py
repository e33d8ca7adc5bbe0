"""The committee's grids: conflict declaration, scores with comments, submission."""

from django.db import transaction
from django.utils import timezone

from ami.models import Critere, Evaluation, Note
from ami.selectors import evaluateurs_available
from mlhg_app.refusals import Refused


def scored_criteria(ami):
    return list(ami.criteres.filter(mode=Critere.Mode.NOTE).order_by("ordre"))


def committee_set(*, ami, evaluateur_ids) -> int:
    """Name the AMI's committee: the active evaluator accounts among `evaluateur_ids`; returns how many.

    Side effects: the AMI's evaluators replaced. Raises Refused when none is an active evaluator.
    """
    chosen = list(evaluateurs_available().filter(pk__in=evaluateur_ids))
    if not chosen:
        raise Refused("Choisissez au moins un évaluateur.")
    with transaction.atomic():
        ami.evaluateurs.set(chosen)
    return len(chosen)


def evaluation_get_or_create(*, dossier, user) -> Evaluation:
    evaluation, _ = Evaluation.objects.get_or_create(dossier=dossier, evaluateur=user)
    return evaluation


def evaluation_declare(*, dossier, user, conflit: bool, motif: str = "", now=None) -> Evaluation:
    """Declare (no) conflict of interest for a dossier; a conflict excludes the evaluator from it.

    Side effects: the evaluation row (history keeps who and when). A declaration
    cannot be changed once made.
    """
    now = now or timezone.now()
    with transaction.atomic():
        evaluation, _ = Evaluation.objects.select_for_update().get_or_create(dossier=dossier, evaluateur=user)
        if evaluation.conflit is not None:
            raise Refused("Votre déclaration de conflit d'intérêts est déjà enregistrée.")
        if conflit and not motif.strip():
            raise Refused("Décrivez la nature du conflit d'intérêts.")
        evaluation.conflit = conflit
        evaluation.conflit_motif = motif.strip() if conflit else ""
        evaluation.declared_at = now
        evaluation._history_user = user
        evaluation.save()
    return evaluation


def _grid_locked(evaluation: Evaluation) -> Evaluation:
    """The evaluation again, its row locked until the transaction ends; refused before the declaration
    of no conflict (a grid exists only for an evaluator without one)."""
    evaluation = Evaluation.objects.select_for_update(of=("self",)).select_related("dossier__ami").get(pk=evaluation.pk)
    if evaluation.conflit is not False:
        raise Refused("Déclarez d'abord l'absence de conflit d'intérêts pour ce dossier.")
    return evaluation


def evaluation_save(*, evaluation: Evaluation, scores: dict) -> Evaluation:
    """Save the grid as a draft: scores {critere_id: (score or None, comment)}.

    The form has checked each score (0–10) and its comment. Side effects:
    notes (history records each change).
    """
    with transaction.atomic():
        evaluation = _grid_locked(evaluation)
        if evaluation.submitted_at is not None:
            raise Refused("Votre grille est déjà soumise : elle ne peut plus être modifiée.")
        criteres = {c.pk: c for c in scored_criteria(evaluation.dossier.ami)}
        for critere_id, (score, comment) in scores.items():
            critere = criteres[critere_id]
            note, _ = Note.objects.get_or_create(evaluation=evaluation, critere=critere)
            if (note.score, note.commentaire) != (score, comment):
                note.score, note.commentaire = score, comment
                note._history_user = evaluation.evaluateur
                note.save()
    return evaluation


def evaluation_submit(*, evaluation: Evaluation, now=None) -> Evaluation:
    """Submit the saved grid: every scored criterion needs a score and a comment; then it is locked.

    Side effects: `submitted_at`; the other evaluators' submitted grids become visible to this one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        evaluation = _grid_locked(evaluation)
        if evaluation.submitted_at is not None:
            return evaluation
        notes = {n.critere_id: n for n in evaluation.notes.all()}
        missing = [
            c.libelle
            for c in scored_criteria(evaluation.dossier.ami)
            if c.pk not in notes or notes[c.pk].score is None or not notes[c.pk].commentaire.strip()
        ]
        if missing:
            raise Refused("Notez et commentez chaque critère avant de soumettre : " + ", ".join(missing) + ".")
        evaluation.submitted_at = now
        evaluation._history_user = evaluation.evaluateur
        evaluation.save(update_fields=["submitted_at"])
    return evaluation
