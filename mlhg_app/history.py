"""The history of one object, for MLHG staff: who changed what, when, before → after (read-only).

Read from django-simple-history. Only the models listed in `SHOWN` have a page,
and each lists the fields it never shows: a bilan's sections are the
prestataire's draft until remitted (the remitted versions are on the bilan's
page); a compte rendu never has a page. Models are looked up by label, so this
module imports no app of the product (dependencies point to mlhg_app, never from).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.http import Http404
from django.utils import formats

from mlhg_app.french import clock_time, date_at, day_date
from mlhg_app.structures import in_scope

# A dossier's fields are its organisation's draft: its history shows its status and eligibility only (the
# submitted versions are read on the dossier's own page, once the seal is lifted).
DOSSIER_DRAFT = {
    "presentation", "statut_juridique", "activite", "references_resume", "approche", "approche_autre", "posture",
    "garantie_cadre", "garantie_intelligence_collective", "garantie_non_jugement", "garantie_problematique",
    "justification", "prix_seance_groupe", "prix_seance_sous_groupe", "regime_tva", "taux_tva",
    "mention_exoneration", "modalites_facturation", "demarrage_septembre", "demarrage_commentaire",
    "disponibilites_saisies_at",
}  # fmt: skip

# label → (French name, fields never shown)
SHOWN: dict[str, tuple[str, set[str]]] = {
    "ami.ami": ("AMI", set()),
    "ami.dossier": ("Dossier", DOSSIER_DRAFT),
    "ami.evaluation": ("Grille d'évaluation", set()),
    "ami.decision": ("Décision", set()),
    "ami.convention": ("Convention", set()),
    "ami.avenant": ("Avenant", set()),
    "ami.depotcourriel": ("Dossier reçu par courriel", set()),
    "seances.programme": ("Programme", set()),
    "seances.seance": ("Séance", set()),
    "seances.emargement": ("Émargement", set()),
    "seances.annulation": ("Annulation", set()),
    "seances.releve": ("Relevé de prestations", set()),
    "seances.revueprestation": ("Revue de la prestation", set()),
    "bilans.bilan": ("Bilan annuel", {"thematiques", "attention", "preconisations"}),
}
# label → (the object's own read permission, the attribute that gives the object it is checked on, or "").
# Each page asks it on top of `mlhg_app.view_history`; a model with no entry has no page.
PERMISSIONS: dict[str, tuple[str, str]] = {
    "ami.ami": ("ami.view_ami", ""),
    "ami.dossier": ("ami.read_dossier", ""),
    "ami.evaluation": ("ami.view_evaluation", ""),
    "ami.decision": ("ami.view_decision", ""),
    "ami.convention": ("ami.view_convention", ""),
    "ami.avenant": ("ami.view_convention", ""),
    "ami.depotcourriel": ("ami.view_intake", ""),
    "seances.programme": ("seances.view_programme", ""),
    "seances.seance": ("seances.view_seance", ""),
    "seances.emargement": ("seances.view_seance", "seance"),
    "seances.annulation": ("seances.view_seance", "seance"),
    "seances.releve": ("seances.view_releve", ""),
    "seances.revueprestation": ("seances.view_revue", ""),
    "bilans.bilan": ("bilans.view_bilan", ""),
}
ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
EMPTY = "—"
SKIPPED = {"id", "uid", "reunion_uid"}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    when: datetime.datetime
    action: str
    user: object
    reason: str
    changes: list


def _fields(model, hidden: set[str]) -> list[models.Field]:
    """The model's fields its history records (not those it excludes), minus hidden and technical ones."""
    recorded = {f.name for f in model.history.model._meta.concrete_fields}
    return [f for f in model._meta.concrete_fields if f.name in recorded and f.name not in hidden | SKIPPED]


def plain_value(value) -> str:
    """A recorded value in French: « oui », « 12 octobre 2026 à 14:05:00 », « 1 234,5 », a file's name."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return date_at(value)
    if isinstance(value, datetime.date):
        return day_date(value)
    if isinstance(value, datetime.time):
        return clock_time(value)
    if isinstance(value, Decimal | int):
        return formats.localize(value)
    if hasattr(value, "name"):  # a file
        return value.name or EMPTY
    return str(value)


def _display(field, value, names) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(field, models.ForeignKey):
        related = field.related_model
        return names.get((related._meta.label_lower, value), f"{related._meta.verbose_name} n° {value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return plain_value(value)


def related_names(records, fields) -> dict[tuple[str, object], str]:
    """The name (str) of every object the records point at, keyed by (model label, pk): one query per
    related model, whatever the number of records (a deleted object keeps its « n° »)."""
    wanted: dict[type, set] = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None, ""}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        label = related._meta.label_lower
        for obj in related._default_manager.filter(pk__in=ids):
            names[(label, obj.pk)] = str(obj)
    return names


def _history(model, pk: int):
    """The object's history records, of the active structure only (a deleted object's too: through the
    records' own path to the structure)."""
    return in_scope(model.history.filter(id=pk), model._default_manager.structure_path)


def history_permission(label: str, pk: int) -> tuple[str, object]:
    """The permission the object's history page asks, and the object it is checked on (None once deleted:
    refused). Http404 for a label without a page."""
    if label not in SHOWN or label not in PERMISSIONS:
        raise Http404("Historique introuvable")
    perm, attribute = PERMISSIONS[label]
    model = apps.get_model(label)
    obj = model.objects.filter(pk=pk).first()
    if obj is None and not _history(model, pk).exists():
        raise Http404("Historique introuvable")
    if obj is not None and attribute:
        obj = getattr(obj, attribute)
    return perm, obj


def object_history(label: str, pk: int) -> dict:
    """The object's name and its history entries, newest first; Http404 for an unknown label or object.
    A constant number of queries (the records, then one per kind of object they name)."""
    if label not in SHOWN:
        raise Http404("Historique introuvable")
    kind, hidden = SHOWN[label]
    model = apps.get_model(label)
    records = list(_history(model, pk).select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        raise Http404("Historique introuvable")
    fields = _fields(model, hidden)
    names = related_names(records, fields)
    entries = []
    previous = None
    for record in records:
        changes = []
        for f in fields:
            after = getattr(record, f.attname)
            before = getattr(previous, f.attname) if previous is not None else None
            if previous is None and after in (None, ""):
                continue
            if previous is not None and before == after:
                continue
            changes.append(Change(str(f.verbose_name), _display(f, before, names), _display(f, after, names)))
        if changes or record.history_type == "-":
            entries.append(
                Entry(
                    when=record.history_date,
                    action=ACTIONS.get(record.history_type, record.history_type),
                    user=record.history_user,
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
        previous = record
    entries.reverse()
    current = model.objects.filter(pk=pk).first()
    name = str(current) if current else f"{kind} n° {pk} (supprimé)"
    # « Programme 2026-2027 », not « Programme Programme 2026-2027 »: a name that says its kind is the title.
    title = name if name.lower().startswith(kind.lower()) else f"{kind} {name}"
    return {"kind": kind, "name": name, "title": title, "entries": entries}
