"""The journal of an AMI, read from django-simple-history: who changed what, when, before → after.

`ami_journal(ami)` reads every history table once (a constant number of
queries, whatever the number of records), diffs consecutive records of each
object with `diff_against`, and returns the entries newest first.
"""

import datetime
from dataclasses import dataclass, field

from ami.models import AMI, Convention, Critere, Decision, Dossier, Evaluation, Lettre, Note
from mlhg_app.history import ACTIONS, EMPTY, Change, plain_value

# The fields each journal shows (other changes of these models are not part of the selection's record).
TRACKED = {
    AMI: [
        "titre",
        "status",
        "date_publication",
        "date_limite",
        "nb_sites",
        "seances_par_site",
        "formule_prix",
        "seuil_desaccord",
        "standstill_jours",
    ],
    Dossier: ["status", "motif_irrecevabilite", "motif_detail", "recevabilite_par"],
    Evaluation: ["conflit", "conflit_motif", "declared_at", "submitted_at"],
    Note: ["score", "commentaire"],
    Decision: ["kind", "dossier", "justification", "decided_by", "decided_at", "letters_sent_at"],
    Lettre: ["kind", "texte_libre", "sent_at", "sha256"],
    Convention: ["numero", "date_debut", "date_fin", "signable_from", "signed_at"],
}
USER_FIELDS = {"recevabilite_par", "decided_by"}


@dataclass
class JournalEntry:
    when: datetime.datetime
    history_id: int
    kind: str  # what the object is: « Recevabilité », « Note », …
    subject: str  # which object: the candidate, the evaluator, the criterion
    action: str
    user: object
    reason: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def sort_key(self):
        return (self.when, self.history_id)


class _Labels:
    """Names of the objects a history record points at, loaded once."""

    def __init__(self, dossiers, evaluations, criteres, users):
        self.dossiers = {d.pk: d.prestataire.raison_sociale for d in dossiers}
        self.evaluations = {e.pk: e for e in evaluations}
        self.criteres = {c.pk: c.libelle for c in criteres}
        self.users = users

    def user(self, pk):
        user = self.users.get(pk)
        return str(user) if user else (EMPTY if pk is None else f"utilisateur n° {pk}")

    def dossier(self, pk):
        return self.dossiers.get(pk, EMPTY if pk is None else f"dossier n° {pk}")

    def evaluation(self, pk):
        evaluation = self.evaluations.get(pk)
        if evaluation is None:
            return f"évaluation n° {pk}"
        return f"{evaluation.evaluateur} – {self.dossier(evaluation.dossier_id)}"


def _display(model, name, value, labels: _Labels) -> str:
    if value is None or value == "":
        return EMPTY
    if name in USER_FIELDS:
        return labels.user(value)
    if name == "dossier":
        return labels.dossier(value)
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return plain_value(value)


def _subject(model, record, labels: _Labels) -> tuple[str, str]:
    if model is AMI:
        return "AMI", record.titre
    if model is Dossier:
        return "Dossier", labels.dossier(record.id)
    if model is Evaluation:
        return "Grille d'évaluation", labels.evaluation(record.id)
    if model is Note:
        return "Note", f"{labels.evaluation(record.evaluation_id)} – {labels.criteres.get(record.critere_id, '?')}"
    if model is Decision:
        return "Décision", ""
    if model is Lettre:
        return "Lettre", labels.dossier(record.dossier_id)
    return "Convention", record.numero


def _entries(model, records, labels: _Labels) -> list[JournalEntry]:
    """Diff each record against the previous one of the same object; skip records that change nothing tracked."""
    fields = TRACKED[model]
    verbose = {name: str(model._meta.get_field(name).verbose_name) for name in fields}
    previous = {}
    out = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "-":
            changes = []
        elif before is None:
            changes = [
                Change(verbose[name], EMPTY, _display(model, name, getattr(record, _attname(model, name)), labels))
                for name in fields
                if getattr(record, _attname(model, name)) not in (None, "")
            ]
        else:
            delta = record.diff_against(before, included_fields=fields)
            changes = [
                Change(
                    verbose[c.field],
                    _display(model, c.field, c.old, labels),
                    _display(model, c.field, c.new, labels),
                )
                for c in sorted(delta.changes, key=lambda c: fields.index(c.field))
            ]
        if not changes and record.history_type != "-":
            continue
        kind, subject = _subject(model, record, labels)
        out.append(
            JournalEntry(
                when=record.history_date,
                history_id=record.history_id,
                kind=kind,
                subject=subject,
                action=ACTIONS.get(record.history_type, record.history_type),
                user=record.history_user,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return out


def _attname(model, name):
    return model._meta.get_field(name).attname


def ami_journal(ami: AMI) -> list[JournalEntry]:
    """Every recorded change of the AMI's selection, newest first. A constant number of queries."""
    dossiers = list(Dossier.objects.filter(ami=ami).select_related("prestataire"))
    evaluations = list(Evaluation.objects.filter(dossier__ami=ami).select_related("evaluateur"))
    criteres = list(Critere.objects.filter(ami=ami))
    decisions = Decision.history.filter(ami_id=ami.pk).values("id")
    history = {
        AMI: AMI.history.filter(id=ami.pk),
        Dossier: Dossier.history.filter(ami_id=ami.pk).select_related("recevabilite_par"),
        Evaluation: Evaluation.history.filter(dossier_id__in=Dossier.objects.filter(ami=ami).values("pk")),
        Note: Note.history.filter(evaluation_id__in=Evaluation.objects.filter(dossier__ami=ami).values("pk")),
        Decision: Decision.history.filter(ami_id=ami.pk).select_related("decided_by"),
        Lettre: Lettre.history.filter(decision_id__in=decisions),
        Convention: Convention.history.filter(decision_id__in=decisions),
    }
    records = {model: list(qs.select_related("history_user")) for model, qs in history.items()}
    users = {
        getattr(r, f"{name}_id"): getattr(r, name)
        for model in (Dossier, Decision)
        for r in records[model]
        for name in USER_FIELDS
        if getattr(r, f"{name}_id", None)
    }
    labels = _Labels(dossiers, evaluations, criteres, users)
    entries = [entry for model, rows in records.items() for entry in _entries(model, rows, labels)]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)
