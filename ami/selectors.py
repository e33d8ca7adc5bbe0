"""Reads that carry the AMI's rules: who sees which AMI, dossier and file; the committee's results;
the AMI's journal."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from ami.models import (
    AMI,
    Convention,
    Critere,
    Decision,
    DepotCourriel,
    Dossier,
    Evaluation,
    Fichier,
    Lettre,
    Membre,
    Note,
    Prestataire,
)
from ami.scoring import annual_totals, compute_results, money
from mlhg_app.history import ACTIONS, EMPTY, Change, plain_value
from mlhg_app.rules import is_evaluateur, is_staff_member


def amis_public():
    """AMIs visible on the public pages: published or later (never drafts)."""
    return AMI.objects.exclude(status=AMI.Status.BROUILLON).prefetch_related("criteres", "jalons")


def prestataire_of(user) -> Prestataire | None:
    """« Which prestataire is this user's »: the organisation of the user's account, None for anyone else.

    The one answer to that question in every app (seances, bilans ask it here)."""
    membre = getattr(user, "membre", None) if user.is_authenticated else None
    return membre.prestataire if membre else None


def dossiers_of_member(user):
    """The dossiers of the user's own organisation."""
    prestataire = prestataire_of(user)
    if prestataire is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(prestataire=prestataire).select_related("ami", "prestataire")


def _own_dossiers_q(user) -> Q:
    prestataire = prestataire_of(user)
    return Q(prestataire=prestataire) if prestataire is not None else Q(pk__in=[])


def _declared(user, conflit: bool):
    return Exists(Evaluation.objects.filter(dossier=OuterRef("pk"), evaluateur=user.pk, conflit=conflit))


def dossiers_visible_to(user):
    """Dossiers whose existence and status the user may see: exactly `ami.view_dossier`.

    The organisation's own; staff: every dossier submitted at least once; an evaluator: those of the
    AMIs they are assigned to, unless they declared a conflict on it. Content is `dossiers_readable_by`.
    """
    q = _own_dossiers_q(user)
    submitted = ~Q(status=Dossier.Status.BROUILLON)
    if is_staff_member(user):
        q |= submitted
    elif is_evaluateur(user):
        q |= submitted & Q(ami__evaluateurs=user) & ~_declared(user, True)
    return Dossier.objects.filter(q).distinct().select_related("ami", "prestataire")


def dossiers_readable_by(user, now=None):
    """Dossiers whose content the user may read: exactly `ami.read_dossier` (the seal).

    The organisation's own; staff: submitted dossiers once the deadline has passed; an evaluator of
    the AMI: recevable dossiers after the deadline, once they declared no conflict of interest.
    """
    now = now or timezone.now()
    q = _own_dossiers_q(user)
    opened = Q(ami__date_limite__lt=now)
    if is_staff_member(user):
        q |= opened & ~Q(status=Dossier.Status.BROUILLON)
    elif is_evaluateur(user):
        q |= opened & Q(ami__evaluateurs=user, status=Dossier.Status.RECEVABLE) & _declared(user, False)
    return Dossier.objects.filter(q).distinct().select_related("ami", "prestataire")


def fichiers_visible_to(user):
    """Files the user may download: exactly `ami.view_fichier`.

    The organisation's own; for the others, the files of a submitted version of a dossier they may read.
    """
    own = _own_dossiers_q(user)
    readable = dossiers_readable_by(user).values("pk")
    return (
        Fichier.objects.filter(
            Q(dossier__in=Dossier.objects.filter(own).values("pk")) | Q(dossier__in=readable, versions__isnull=False)
        )
        .distinct()
        .select_related("dossier__ami")
    )


# -- evaluation ---------------------------------------------------------------------


def last_version(dossier):
    return dossier.versions.order_by("-numero").first()


def dossiers_to_evaluate(user):
    """Recevable dossiers of the AMIs the evaluator is assigned to, once opened (after the deadline)."""
    return (
        Dossier.objects.filter(
            ami__evaluateurs=user, status=Dossier.Status.RECEVABLE, ami__date_limite__lt=timezone.now()
        )
        .select_related("ami", "prestataire")
        .order_by("ami__date_limite", "prestataire__raison_sociale")
    )


def other_submitted_grids(evaluation):
    """The other evaluators' submitted grids, only once this evaluator has submitted theirs."""
    if evaluation is None or evaluation.submitted_at is None:
        return Evaluation.objects.none()
    return (
        Evaluation.objects.filter(dossier=evaluation.dossier, submitted_at__isnull=False, conflit=False)
        .exclude(pk=evaluation.pk)
        .select_related("evaluateur")
        .prefetch_related("notes__critere")
    )


# -- public pages and the organisation's accounts ------------------------------------


def amis_open(now=None):
    """Public AMIs open for submissions now: published and the deadline not passed (soonest first)."""
    now = now or timezone.now()
    return amis_public().filter(status=AMI.Status.PUBLIE, date_limite__gte=now).order_by("date_limite")


def amis_past(now=None):
    """Public AMIs no longer open: closed or later, or published with the deadline passed (latest first)."""
    now = now or timezone.now()
    return (
        amis_public()
        .filter(Q(date_limite__lt=now) | ~Q(status=AMI.Status.PUBLIE))
        .order_by("-date_limite", "reference")
    )


def ami_public_detail(reference: str) -> AMI:
    """A public AMI with everything its page shows, or 404 (drafts answer 404)."""
    ami = amis_public().prefetch_related("sections", "rectificatifs").filter(reference=reference).first()
    if ami is None:
        raise Http404("Appel introuvable")
    return ami


def membres_of(prestataire: Prestataire):
    """The accounts of an organisation, the oldest first, with who invited them."""
    return (
        Membre.objects.filter(prestataire=prestataire).select_related("user", "invited_by").order_by("created_at", "pk")
    )


# -- decision -------------------------------------------------------------------------


def decision_of(ami: AMI) -> Decision | None:
    """The AMI's decision with the retained candidate and who decided, or None before the decision."""
    return Decision.objects.filter(ami=ami).select_related("dossier__prestataire", "decided_by").first()


def lettres_visible_to(user):
    """Letters the user may read: exactly `ami.view_lettre` (staff every one; a candidate its own, once sent)."""
    q = Q(dossier__in=Dossier.objects.filter(_own_dossiers_q(user)).values("pk"), sent_at__isnull=False)
    if is_staff_member(user):
        q = Q()
    return Lettre.objects.filter(q).select_related("decision__ami", "dossier__prestataire")


def conventions_visible_to(user):
    """Conventions the user may read: exactly `ami.view_convention` (staff; the retained organisation)."""
    q = Q(dossier__in=Dossier.objects.filter(_own_dossiers_q(user)).values("pk"))
    if is_staff_member(user):
        q = Q()
    return Convention.objects.filter(q).select_related("dossier__prestataire", "decision__ami")


def evaluations_visible_to(user):
    """Grids the user may read: exactly `ami.view_evaluation` (own; staff; others' submitted once theirs is)."""
    if is_staff_member(user):
        return Evaluation.objects.all()
    submitted_own = Evaluation.objects.filter(evaluateur=user.pk, submitted_at__isnull=False).values("dossier_id")
    return Evaluation.objects.filter(
        Q(evaluateur=user.pk) | Q(submitted_at__isnull=False, conflit=False, dossier__in=submitted_own)
    )


# -- results ---------------------------------------------------------------------------
# The committee's results for an AMI, read from the database (the arithmetic is `ami.scoring`).


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


def results_table(ami) -> tuple[list[str], list[list]]:
    """The results grid as rows: rank, candidate, per criterion mean/median/points, price, total."""
    criteres = list(ami.criteres.order_by("ordre"))
    header = ["Rang", "Candidat"]
    for c in criteres:
        if c.mode == "calcule":
            header += ["Total annuel TTC (€)", f"{c.libelle} – points /{c.poids}"]
        else:
            header += [
                f"{c.libelle} – moyenne",
                f"{c.libelle} – médiane",
                f"{c.libelle} – points /{c.poids}",
                f"{c.libelle} – désaccord",
            ]
    header.append("Total /100")
    rows = []
    for r in ami_results(ami):
        row = [r.rank, r.name]
        for c in criteres:
            cr = r.criteria[c.code]
            if c.mode == "calcule":
                row += [money(r.annual_total_ttc) if r.annual_total_ttc else "", money(cr.points)]
            else:
                row += [
                    money(cr.mean) if cr.mean is not None else "",
                    money(cr.median) if cr.median is not None else "",
                    money(cr.points),
                    "oui" if cr.disagreement else "non",
                ]
        row.append(money(r.total))
        rows.append(row)
    return header, rows


# -- journal ---------------------------------------------------------------------------
# The journal of an AMI, read from django-simple-history: who changed what, when, before → after.
#
# `ami_journal(ami)` reads every history table once (a constant number of
# queries, whatever the number of records), diffs consecutive records of each
# object with `diff_against`, and returns the entries newest first.

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


# -- the convention's terms over time ------------------------------------------------------------


def convention_terms(convention, on=None) -> dict:
    """The prices HT of a séance and the volume the convention sets on `on` (today by default): those of the
    retained dossier's last version, amended by each signed avenant whose date d'effet is on or before `on`.

    ``{"prix_seance_groupe": Decimal, "prix_seance_sous_groupe": Decimal, "seances_par_site": int, "avenants": [...]}``
    """
    on = on or timezone.localdate()
    version = convention.dossier.versions.order_by("-numero").first()
    financier = version.contenu.get("financier", {}) if version else {}
    groupe = Decimal(str(financier.get("prix_seance_groupe") or "0"))
    terms = {
        "prix_seance_groupe": groupe,
        "prix_seance_sous_groupe": Decimal(str(financier.get("prix_seance_sous_groupe") or groupe)),
        "seances_par_site": convention.dossier.ami.seances_par_site,
        "avenants": [],
    }
    for avenant in convention.avenants.filter(signed_at__isnull=False, date_effet__lte=on).order_by("date_effet"):
        for name in ("prix_seance_groupe", "prix_seance_sous_groupe", "seances_par_site"):
            value = getattr(avenant, name)
            if value is not None:
                terms[name] = value
        terms["avenants"].append(avenant)
    return terms


def dossier_recipients(dossier: Dossier) -> list[tuple[str, str, object]]:
    """Who is written to about a dossier: ``(email, first name, user or None)`` for each active account of its
    organisation, and, for a dossier received by email, the message's sender (once)."""
    recipients = [
        (membre.user.email, membre.user.first_name, membre.user)
        for membre in dossier.prestataire.membres.select_related("user").filter(user__is_active=True)
    ]
    depot = DepotCourriel.objects.filter(dossier=dossier).first() if dossier.canal == Dossier.Canal.COURRIEL else None
    if depot is not None and depot.expediteur_email.lower() not in {email.lower() for email, _, _ in recipients}:
        recipients.append((depot.expediteur_email, depot.expediteur_nom, None))
    return recipients
