"""Reads that carry the AMI's rules: who sees which AMI, dossier and file; the committee's results;
the AMI's journal."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ami.completeness import dossier_completeness, dossiers_prefetch
from ami.models import (
    AMI,
    Convention,
    Critere,
    Decision,
    DepotCourriel,
    Dossier,
    DossierVersion,
    Evaluation,
    Fichier,
    Lettre,
    Membre,
    Note,
    Prestataire,
    Question,
    VersionAMI,
)
from ami.scoring import annual_totals, compute_results, money
from ami.serialisation import content_hash, dossier_content, dossier_queryset_for_content
from mlhg_app.french import time_left_text
from mlhg_app.history import ACTIONS, EMPTY, Change, plain_value
from mlhg_app.models import User
from mlhg_app.rules import is_evaluateur, is_staff_member
from mlhg_app.todo import Item, Upcoming, counted


def amis_published():
    """AMIs published or later (never drafts)."""
    return AMI.objects.exclude(status=AMI.Status.BROUILLON)


def amis_public():
    """AMIs visible on the public pages: published or later (never drafts), with their criteria and milestones."""
    return amis_published().prefetch_related("criteres", "jalons")


def amis_addressable(*, include_drafts: bool = False):
    """The AMIs a page's URL may name by reference: published or later, drafts too for the staff's own pages."""
    return AMI.objects.all() if include_drafts else amis_published()


def amis_on_home(user):
    """The AMIs of a staff or evaluator home (an evaluator: those they are assigned to), latest deadline first,
    each with its number of dossiers past the draft."""
    amis = amis_published()
    if not user.has_perm("ami.manage_selection"):
        amis = amis.filter(evaluateurs=user)
    return amis.annotate(
        nb_dossiers=Count("dossiers", filter=~Q(dossiers__status=Dossier.Status.BROUILLON), distinct=True)
    ).order_by("-date_limite")


def amis_accepting():
    """Published AMIs, the soonest deadline first (the prestataire's home)."""
    return AMI.objects.filter(status=AMI.Status.PUBLIE).order_by("date_limite")


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


def dossier_for_page(pk: int) -> Dossier:
    """A dossier with its AMI and organisation (for the permission and the page), or 404."""
    return get_object_or_404(Dossier.objects.select_related("ami", "prestataire"), pk=pk)


@dataclass
class PathStep:
    label: str
    state: str  # "done", "current", "todo" (still to come) or "skipped"
    when: datetime.datetime | None = None
    lettre: Lettre | None = None


def dossier_path(dossier: Dossier) -> list[PathStep]:
    """The dossier's path as its candidate sees it: brouillon → déposé → recevable (or irrecevable) → retenu
    or non retenu, each with its date, the last with the letter once sent. Two queries."""
    S = Dossier.Status
    first = dossier.versions.order_by("numero").first()
    lettre = dossier.lettres.filter(sent_at__isnull=False).select_related("decision").first()
    deposited = first is not None and dossier.status != S.BROUILLON
    judged = dossier.status in (S.RECEVABLE, S.IRRECEVABLE)
    steps = [
        PathStep("Brouillon", "done" if deposited else "current", dossier.created_at),
        PathStep(
            "Retiré" if dossier.status == S.RETIRE else "Déposé",
            "done" if deposited else "todo",
            first.submitted_at if first else None,
        ),
    ]
    if dossier.status == S.IRRECEVABLE:
        steps.append(PathStep("Irrecevable", "done", dossier.recevabilite_le))
    else:
        steps.append(PathStep("Recevable", "done" if judged else "todo", dossier.recevabilite_le))
    if lettre is not None and lettre.kind == Lettre.Kind.RETENU:
        steps.append(PathStep("Retenu", "done", lettre.sent_at, lettre))
    elif lettre is not None:
        steps.append(PathStep("Non retenu", "done", lettre.sent_at, lettre))
    elif dossier.status != S.IRRECEVABLE:
        steps.append(PathStep("Retenu ou non retenu", "todo"))
    for step in steps:  # the step after the last one done is the current one
        if step.state == "todo":
            step.state = "current"
            break
    return steps


def dossier_of(ami: AMI, prestataire: Prestataire) -> Dossier | None:
    """The organisation's dossier for this AMI, None before it starts one."""
    return ami.dossiers.filter(prestataire=prestataire).first()


def _with_submissions(dossiers):
    """`nb_versions` and `derniere_soumission` on each dossier, in the organisations' order."""
    return dossiers.annotate(nb_versions=Count("versions"), derniere_soumission=Max("versions__submitted_at")).order_by(
        "prestataire__raison_sociale"
    )


def dossiers_of_ami_for(user, ami: AMI):
    """The AMI's dossiers the user may see, with their versions' count and last deposit (the staff's list)."""
    return _with_submissions(dossiers_visible_to(user).filter(ami=ami))


def dossiers_for_eligibility(ami: AMI):
    """The AMI's dossiers whose eligibility is decided: deposited or decided (neither draft nor withdrawn)."""
    return _with_submissions(
        ami.dossiers.exclude(status__in=[Dossier.Status.BROUILLON, Dossier.Status.RETIRE]).select_related(
            "prestataire", "recevabilite_par"
        )
    )


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


def fichier_of_dossier(dossier_pk: int, fichier_pk: int) -> Fichier:
    """A dossier's file with its dossier and AMI (for the permission), or 404."""
    return get_object_or_404(Fichier.objects.select_related("dossier__ami"), pk=fichier_pk, dossier_id=dossier_pk)


def draft_fichiers(dossier: Dossier):
    """The files attached to the draft (not detached)."""
    return dossier.fichiers.filter(detache_at__isnull=True)


def versions_of(dossier: Dossier) -> list[DossierVersion]:
    """The dossier's deposited versions, the latest first, with who deposited them."""
    return list(dossier.versions.select_related("submitted_by").order_by("-numero"))


def version_of(dossier: Dossier, numero: int) -> DossierVersion | None:
    """One deposited version of the dossier by its number, with who deposited it."""
    return dossier.versions.filter(numero=numero).select_related("submitted_by").first()


def last_version(dossier):
    """The dossier's latest deposited version, with who deposited it; None before the first deposit."""
    return dossier.versions.order_by("-numero").select_related("submitted_by").first()


def draft_changed_since(dossier: Dossier, version: DossierVersion) -> bool:
    """Whether the draft, as it is now, differs from the deposited `version`."""
    fresh = dossier_queryset_for_content().get(pk=dossier.pk)
    return content_hash(dossier_content(fresh)) != version.sha256


def letters_sent_to(dossier: Dossier):
    """The decision letters sent to the dossier's organisation."""
    return dossier.lettres.filter(sent_at__isnull=False).select_related("decision")


# -- evaluation ---------------------------------------------------------------------


def evaluateurs_available():
    """The active evaluator accounts, by name: who may sit on a committee."""
    return User.objects.filter(role=User.Role.EVALUATEUR, is_active=True).order_by("last_name")


def committee_of(ami: AMI) -> set[int]:
    """The ids of the AMI's evaluators."""
    return set(ami.evaluateurs.values_list("pk", flat=True))


def evaluation_of(dossier: Dossier, user) -> Evaluation | None:
    """This evaluator's grid for this dossier, None before their declaration."""
    return Evaluation.objects.filter(dossier=dossier, evaluateur=user).first()


def evaluation_notes(evaluation: Evaluation | None) -> dict:
    """The grid's scores by criterion id ({} without a grid)."""
    return {n.critere_id: n for n in evaluation.notes.select_related("critere")} if evaluation else {}


def evaluations_to_do(user) -> list[tuple[Dossier, Evaluation | None]]:
    """The dossiers the evaluator is to evaluate, each with their grid once begun (None before)."""
    dossiers = list(dossiers_to_evaluate(user))
    grids = {e.dossier_id: e for e in Evaluation.objects.filter(evaluateur=user, dossier__in=dossiers)}
    return [(d, grids.get(d.pk)) for d in dossiers]


def price_criterion(ami: AMI) -> Critere | None:
    """The AMI's computed (price) criterion, None when it has none."""
    return ami.criteres.filter(mode=Critere.Mode.CALCULE).first()


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


def _with_public_page(amis):
    """Everything an AMI's public page shows, in a constant number of queries: its text, rectificatifs, the
    list of its versions (their snapshots left out) and the published questions (never who asked)."""
    return amis.prefetch_related(
        "sections",
        "rectificatifs",
        Prefetch("versions", queryset=VersionAMI.objects.defer("sections").select_related("rectificatif")),
        Prefetch("questions", queryset=questions_published(), to_attr="questions_publiees"),
    )


def ami_public_detail(reference: str) -> AMI:
    """A public AMI with everything its page shows, or 404 (drafts answer 404)."""
    ami = _with_public_page(amis_public()).filter(reference=reference).first()
    if ami is None:
        raise Http404("Appel introuvable")
    return ami


def ami_preview(ami: AMI) -> AMI:
    """Any AMI, drafts included, loaded as its public page shows it (staff's preview)."""
    return _with_public_page(AMI.objects.prefetch_related("criteres", "jalons")).get(pk=ami.pk)


def ami_version(ami: AMI, numero: int) -> VersionAMI:
    """One stored version of an AMI's text, or 404."""
    version = VersionAMI.objects.filter(ami=ami, numero=numero).select_related("rectificatif").first()
    if version is None:
        raise Http404("Version introuvable")
    return version


# -- questions and registered candidates ---------------------------------------------


def questions_published():
    """Published questions, as everyone reads them: the rewritten question and the answer, by number.

    Who asked and what they wrote (`texte`, `posee_par`, `prestataire`) are deferred: a public page
    never loads them."""
    return (
        Question.objects.filter(publiee_le__isnull=False)
        .only("pk", "ami_id", "numero", "question_publiee", "reponse", "publiee_le")
        .order_by("numero")
    )


def questions_for_staff(ami: AMI):
    """Every question of the AMI with who asked (staff only): pending first, the oldest first."""
    return (
        Question.objects.filter(ami=ami)
        .select_related("posee_par", "prestataire", "repondue_par")
        .order_by(F("publiee_le").asc(nulls_first=True), "posee_le", "pk")
    )


def questions_asked_by(user, ami: AMI):
    """The questions the user's own organisation asked on the AMI (its own text; never another's)."""
    prestataire = prestataire_of(user)
    if prestataire is None:
        return Question.objects.none()
    return Question.objects.filter(ami=ami, prestataire=prestataire).order_by("posee_le", "pk")


def candidats_inscrits(ami: AMI):
    """The registered candidates' active accounts: every account of an organisation that has a dossier
    on the AMI (draft or submitted) or asked a question on it, once each."""
    return (
        Membre.objects.filter(
            Q(prestataire__dossiers__ami=ami) | Q(prestataire__questions__ami=ami), user__is_active=True
        )
        .select_related("user", "prestataire")
        .distinct()
        .order_by("pk")
    )


def membres_of(prestataire: Prestataire):
    """The accounts of an organisation, the oldest first, with who invited them."""
    return (
        Membre.objects.filter(prestataire=prestataire).select_related("user", "invited_by").order_by("created_at", "pk")
    )


def prestataire_recipients(prestataire: Prestataire) -> list:
    """The organisation's active accounts: who receives the emails about its dossiers and séances."""
    return [m.user for m in prestataire.membres.select_related("user").filter(user__is_active=True)]


# -- decision -------------------------------------------------------------------------


def decision_of(ami: AMI) -> Decision | None:
    """The AMI's decision with the retained candidate and who decided, or None before the decision."""
    return Decision.objects.filter(ami=ami).select_related("dossier__prestataire", "decided_by").first()


def lettres_of(decision: Decision | None):
    """The decision's letters with their organisations ([] without a decision)."""
    return decision.lettres.select_related("dossier__prestataire") if decision else []


def lettre_for_page(pk: int) -> Lettre:
    """A letter with its AMI and organisation (for the permission and the page), or 404."""
    return get_object_or_404(Lettre.objects.select_related("decision__ami", "dossier__prestataire"), pk=pk)


def convention_of_ami(reference: str) -> Convention:
    """The convention of the AMI named by `reference`, with its organisation, or 404."""
    return get_object_or_404(
        Convention.objects.select_related("dossier__prestataire", "decision__ami"), decision__ami__reference=reference
    )


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


def grids_missing(ami: AMI) -> list[tuple[Dossier, int, list[str]]]:
    """Each recevable dossier still waiting for grids: (dossier, grids submitted, the evaluators of the AMI
    without a declared conflict of interest who have not submitted theirs). Three queries."""
    evaluators = list(ami.evaluateurs.order_by("last_name", "first_name"))
    dossiers = ami.dossiers.filter(status=Dossier.Status.RECEVABLE).select_related("prestataire")
    evaluations = Evaluation.objects.filter(dossier__in=dossiers)
    done = {(e.dossier_id, e.evaluateur_id): e for e in evaluations}
    missing = []
    for dossier in dossiers.order_by("prestataire__raison_sociale"):
        grids = [done.get((dossier.pk, ev.pk)) for ev in evaluators]
        submitted = sum(1 for g in grids if g and g.submitted_at and not g.conflit)
        lacking = [
            str(ev) for ev, g in zip(evaluators, grids, strict=True) if not g or not (g.conflit or g.submitted_at)
        ]
        if lacking or not submitted:
            missing.append((dossier, submitted, lacking))
    return missing


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
    """Every recorded change of the AMI's selection, newest first. A constant number of queries.

    Of the dossiers, those submitted at least once: a draft never submitted is its candidate's alone (as
    in the dossier list, `dossiers_visible_to`)."""
    submitted = Dossier.objects.filter(ami=ami).exclude(status=Dossier.Status.BROUILLON)
    dossiers = list(submitted.select_related("prestataire"))
    evaluations = list(Evaluation.objects.filter(dossier__ami=ami).select_related("evaluateur"))
    criteres = list(Critere.objects.filter(ami=ami))
    decisions = Decision.history.filter(ami_id=ami.pk).values("id")
    history = {
        AMI: AMI.history.filter(id=ami.pk),
        Dossier: Dossier.history.filter(id__in=submitted.values("pk")).select_related("recevabilite_par"),
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


# -- the home page's « À faire » (mlhg_app.todo; registered in ami/apps.py) ----------------------------

# A grid is due on the AMI's first dated step after the deadline (« Analyse des candidatures et
# sélection »), else this many days after the deadline.
GRID_DAYS_AFTER_DEADLINE = 14


def grid_due_date(ami: AMI) -> datetime.date:
    """When the committee's grids of the AMI are due (its `jalons` prefetched)."""
    deadline = timezone.localtime(ami.date_limite).date()
    dated = sorted(j.date for j in ami.jalons.all() if j.date and j.date > deadline)
    return dated[0] if dated else deadline + datetime.timedelta(days=GRID_DAYS_AFTER_DEADLINE)


def _per_ami(queryset, ami_path: str, singular: str, plural: str, view: str):
    """The queryset counted per AMI, in one query: an `Item` per AMI, linking its page `view`, the soonest
    deadline first."""
    rows = (
        queryset.order_by()
        .values(f"{ami_path}__reference", f"{ami_path}__titre", f"{ami_path}__date_limite")
        .annotate(n=Count("pk", distinct=True))
        .order_by(f"{ami_path}__date_limite", f"{ami_path}__reference")
    )
    for row in rows:
        url = reverse(view, args=[row[f"{ami_path}__reference"]])
        yield Item.counting(row["n"], singular, plural, url=url, detail=row[f"{ami_path}__titre"])


def todo_staff(user, now):
    """Staff: the dossiers to declare recevable (once the deadline has passed), the letters to send, the
    conventions to get signed; the next deadline to come. Four queries."""
    pending = Dossier.objects.filter(
        pk__in=dossiers_readable_by(user, now).filter(status=Dossier.Status.DEPOSE).values("pk")
    )
    yield from _per_ami(
        pending, "ami", "Dossier à déclarer recevable", "Dossiers à déclarer recevables", "ami:eligibility"
    )
    letters = lettres_visible_to(user).filter(sent_at__isnull=True)
    yield from _per_ami(
        letters, "decision__ami", "Lettre de résultat à envoyer", "Lettres de résultat à envoyer", "ami:decision"
    )
    # The decision's page shows the convention and leads to its signature (ami:convention is POST only).
    unsigned = conventions_visible_to(user).filter(signed_at__isnull=True)
    yield from _per_ami(
        unsigned, "decision__ami", "Convention à faire signer", "Conventions à faire signer", "ami:decision"
    )
    ami = amis_public().filter(status=AMI.Status.PUBLIE, date_limite__gte=now).order_by("date_limite").first()
    if ami is not None:
        yield Upcoming(
            f"date limite de « {ami.titre} »", ami.date_limite, reverse("ami:staff_dossiers", args=[ami.reference])
        )


def todo_evaluateur(user, now):
    """An evaluator: the grids still to fill (declaration or scores) of the recevable dossiers of their AMIs,
    per AMI, with the date they are due; the next AMI whose dossiers open. Three queries."""
    done = Evaluation.objects.filter(dossier=OuterRef("pk"), evaluateur=user.pk).filter(
        Q(submitted_at__isnull=False) | Q(conflit=True)
    )
    pending = (
        Dossier.objects.filter(ami__evaluateurs=user, status=Dossier.Status.RECEVABLE, ami__date_limite__lt=now)
        .exclude(Exists(done))
        .order_by()
        .values("ami")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = {row["ami"]: row["n"] for row in pending}
    amis = AMI.objects.filter(pk__in=counts).prefetch_related("jalons").order_by("date_limite") if counts else []
    for ami in amis:
        yield Item.counting(
            counts[ami.pk],
            "Grille à remplir",
            "Grilles à remplir",
            url=reverse("ami:my_evaluations"),
            due=grid_due_date(ami),
            detail=ami.titre,
        )
    ami = (
        AMI.objects.filter(evaluateurs=user, status=AMI.Status.PUBLIE, date_limite__gte=now)
        .order_by("date_limite")
        .first()
    )
    if ami is not None:
        yield Upcoming(f"ouverture des dossiers de « {ami.titre} »", ami.date_limite)


def todo_prestataire(user, now):
    """A prestataire: each draft of its organisation on an open AMI, with the sections still to complete and
    the time left before the deadline. A fixed number of queries, whatever the number of drafts."""
    drafts = list(
        dossiers_of_member(user)
        .filter(status=Dossier.Status.BROUILLON, ami__status=AMI.Status.PUBLIE, ami__date_limite__gte=now)
        .order_by("ami__date_limite")
    )
    dossiers_prefetch(drafts)
    for dossier in drafts:
        missing = sum(1 for state in dossier_completeness(dossier) if not state.complete)
        detail = f"{dossier.ami.titre} · {time_left_text(dossier.ami.date_limite, now)}"
        url = reverse("ami:dossier", args=[dossier.pk])
        if missing:
            label = counted(missing, "Section à compléter", "Sections à compléter")
            yield Item(label=label, count=missing, url=url, due=dossier.ami.date_limite, detail=detail)
        else:
            yield Item(label="Dossier complet, à déposer", url=url, due=dossier.ami.date_limite, detail=detail)
        yield Upcoming(f"date limite de « {dossier.ami.titre} »", dossier.ami.date_limite, url)


# -- the convention's terms over time ------------------------------------------------------------


# The terms an avenant may amend (`ami.Avenant`: None where it leaves the term as it was).
AMENDABLE_TERMS = ("prix_seance_groupe", "prix_seance_sous_groupe", "seances_par_site")


def terms_on(base: dict, avenants, on: datetime.date) -> dict:
    """`base` amended by the `avenants` (signed, in date d'effet order) in effect on `on`: for each term, the
    latest avenant that sets it wins. The one rule of the convention page, its avenants' PDFs and the
    programme's prices and volumes (`seances.pricing`)."""
    terms = dict(base)
    for avenant in avenants:
        if avenant.date_effet <= on:
            for name in AMENDABLE_TERMS:
                value = getattr(avenant, name)
                if name in terms and value is not None:
                    terms[name] = value
    return terms


def convention_terms(convention, on=None) -> dict:
    """The prices HT of a séance and the volume the convention sets on `on` (today by default): those of the
    retained dossier's last version, amended by each signed avenant whose date d'effet is on or before `on`.

    ``{"prix_seance_groupe": Decimal, "prix_seance_sous_groupe": Decimal, "seances_par_site": int, "avenants": [...]}``
    """
    on = on or timezone.localdate()
    version = convention.dossier.versions.order_by("-numero").first()
    financier = version.contenu.get("financier", {}) if version else {}
    groupe = Decimal(str(financier.get("prix_seance_groupe") or "0"))
    base = {
        "prix_seance_groupe": groupe,
        "prix_seance_sous_groupe": Decimal(str(financier.get("prix_seance_sous_groupe") or groupe)),
        "seances_par_site": convention.dossier.ami.seances_par_site,
    }
    avenants = list(convention.avenants.filter(signed_at__isnull=False).order_by("date_effet", "numero"))
    return terms_on(base, avenants, on) | {"avenants": [a for a in avenants if a.date_effet <= on]}


def convention_end(convention) -> datetime.date:
    """The end of the prestation: the convention's, or the latest a signed avenant of renewal set
    (`Avenant.date_fin_prestation`)."""
    ends = [convention.date_fin]
    ends += [
        a.date_fin_prestation
        for a in convention.avenants.all()
        if a.signed_at is not None and a.date_fin_prestation is not None
    ]
    return max(ends)


def dossier_recipients(dossier: Dossier) -> list[tuple[str, str, object]]:
    """Who is written to about a dossier: ``(email, first name, user or None)`` for each active account of its
    organisation, and, for a dossier received by email, the message's sender (once)."""
    recipients = [(user.email, user.first_name, user) for user in prestataire_recipients(dossier.prestataire)]
    depot = DepotCourriel.objects.filter(dossier=dossier).first() if dossier.canal == Dossier.Canal.COURRIEL else None
    if depot is not None and depot.expediteur_email.lower() not in {email.lower() for email, _, _ in recipients}:
        recipients.append((depot.expediteur_email, depot.expediteur_nom, None))
    return recipients
