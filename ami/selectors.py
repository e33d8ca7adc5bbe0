"""Reads that carry the AMI's rules: who sees which AMI, dossier and file; the committee's results;
the AMI's journal."""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lag
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django_scopes import get_scope

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
from ami.serialisation import CONTENT_PREFETCH, content_hash, dossier_content
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
        "prestataire__raison_sociale", "pk"
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
    """Whether the draft, as the page loaded it (with its AMI and organisation), differs from the deposited
    `version`: what the page has prefetched already is not read again, only what it lacks."""
    # prefetch_related_objects skips what is loaded; the draft's files may be there under their own name
    # (ami.completeness.dossiers_prefetch)
    lacking = [n for n in CONTENT_PREFETCH if not (n == "fichiers" and hasattr(dossier, "fichiers_brouillon"))]
    prefetch_related_objects([dossier], *lacking)
    return content_hash(dossier_content(dossier)) != version.sha256


def letters_sent_to(dossier: Dossier):
    """The decision letters sent to the dossier's organisation."""
    return dossier.lettres.filter(sent_at__isnull=False).select_related("decision")


# -- evaluation ---------------------------------------------------------------------


def evaluateurs_available():
    """The active evaluator accounts, by name: who may sit on a committee."""
    return User.objects.in_structure().filter(role=User.Role.EVALUATEUR, is_active=True).order_by("last_name")


def committee_of(ami: AMI) -> set[int]:
    """The ids of the AMI's evaluators."""
    return set(ami.evaluateurs.values_list("pk", flat=True))


def evaluation_of(dossier: Dossier, user) -> Evaluation | None:
    """This evaluator's grid for this dossier, None before their declaration."""
    return Evaluation.objects.filter(dossier=dossier, evaluateur=user).first()


def evaluation_notes(evaluation: Evaluation | None) -> dict:
    """The grid's scores by criterion id ({} without a grid)."""
    return {n.critere_id: n for n in evaluation.notes.select_related("critere")} if evaluation else {}


def evaluations_to_do(user) -> list[dict]:
    """The dossiers the evaluator is to evaluate as their list shows them, plain columns in two queries:
    {pk, name (the candidate), ami (its title), grid (begun), conflit, submitted_at} (the grid's, None before)."""
    dossiers = list(dossiers_to_evaluate(user).values_list("pk", "prestataire__raison_sociale", "ami__titre"))
    grids = {
        dossier_id: (conflit, submitted_at)
        for dossier_id, conflit, submitted_at in Evaluation.objects.filter(
            evaluateur=user, dossier__in=[pk for pk, _name, _ami in dossiers]
        ).values_list("dossier_id", "conflit", "submitted_at")
    }
    return [
        {
            "pk": pk,
            "name": name,
            "ami": ami,
            "grid": pk in grids,
            "conflit": grids.get(pk, (None, None))[0],
            "submitted_at": grids.get(pk, (None, None))[1],
        }
        for pk, name, ami in dossiers
    ]


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
    return _annual_totals(version.contenu.get("financier", {}), dossier.ami.volume_minimal)


def _annual_totals(financier: dict, volume: int) -> dict | None:
    if not financier.get("prix_seance_groupe"):
        return None
    return annual_totals(
        prix_groupe=financier["prix_seance_groupe"],
        regime_tva=financier.get("regime_tva") or "",
        taux_tva=financier.get("taux_tva") or None,
        volume=volume,
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


# The results of an AMI in these states never change again: kept in the cache, which `ami_set_state` clears.
RESULTS_FINAL = {AMI.Status.ATTRIBUE, AMI.Status.SANS_SUITE}


def results_cache_key(ami_id: int) -> str:
    return f"ami-results:{ami_id}"


def ami_results(ami: AMI):
    """Results of the recevable dossiers: per criterion each evaluator's score, mean, median,
    points and disagreement; the price points; total and rank. Four queries, plain columns only (the last
    version's price terms, not every version's content); none once the AMI is decided (the cache)."""
    final = ami.status in RESULTS_FINAL
    if final and (cached := cache.get(results_cache_key(ami.pk))) is not None:
        return cached
    recevables = ami.dossiers.filter(status=Dossier.Status.RECEVABLE)
    criteres = [(c.code, c.libelle, c.poids, c.mode) for c in ami.criteres.order_by("ordre")]
    last = DossierVersion.objects.filter(dossier=OuterRef("dossier")).order_by("-numero").values("numero")[:1]
    # the last version's « financier » object read whole (one JSON path per row, not three)
    financier = {
        dossier_id: terms or {}
        for dossier_id, terms in DossierVersion.objects.filter(dossier__in=recevables, numero=Subquery(last))
        .order_by()  # the versions' default order joins the AMI and the organisation for nothing
        .values_list("dossier_id", "contenu__financier")
    }
    scores: dict[int, dict[str, list]] = {}
    notes = (
        Note.objects.filter(
            evaluation__dossier__in=recevables,
            evaluation__submitted_at__isnull=False,
            evaluation__conflit=False,
            score__isnull=False,
        )
        .order_by("evaluation__dossier_id", "evaluation__evaluateur__last_name", "evaluation_id", "critere__ordre")
        .values_list(
            "evaluation__dossier_id",
            "critere__code",
            "evaluation__evaluateur__first_name",
            "evaluation__evaluateur__last_name",
            "evaluation__evaluateur__email",
            "score",
        )
    )
    for dossier_id, code, first_name, last_name, email, score in notes:
        name = f"{first_name} {last_name}".strip() or email  # User.__str__
        scores.setdefault(dossier_id, {}).setdefault(code, []).append((name, score))
    inputs = []
    for pk, name in recevables.order_by("prestataire__raison_sociale").values_list("pk", "prestataire__raison_sociale"):
        totals = _annual_totals(financier.get(pk, {}), ami.volume_minimal)
        inputs.append(
            {
                "id": pk,
                "name": name,
                "annual_total_ttc": totals["ttc"] if totals else None,
                "scores": scores.get(pk, {}),
            }
        )
    results = compute_results(
        criteres=criteres, dossiers=inputs, threshold=ami.seuil_desaccord, formula=ami.formule_prix
    )
    if final:
        cache.set(results_cache_key(ami.pk), results, timeout=None)
    return results


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
# `ami_journal(ami)` reads the tracked columns of every history table once (`values_list`, no model
# instance: a constant number of queries), keeps the records that change something, newest first, and
# formats an entry only when a page asks for it (the 50 shown, with their labels read then).

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
    """Names of the objects a history record points at: {pk: name} read for one page of the journal."""

    def __init__(self, dossiers, evaluations, criteres, users):
        self.dossiers = dossiers  # {pk: raison sociale}
        self.evaluations = evaluations  # {pk: (dossier_id, evaluateur_id)}
        self.criteres = criteres  # {pk: libellé}
        self.users = users  # {pk: User}

    def user(self, pk):
        user = self.users.get(pk)
        return str(user) if user else (EMPTY if pk is None else f"utilisateur n° {pk}")

    def dossier(self, pk):
        return self.dossiers.get(pk, EMPTY if pk is None else f"dossier n° {pk}")

    def evaluation(self, pk):
        evaluation = self.evaluations.get(pk)
        if evaluation is None:
            return f"évaluation n° {pk}"
        dossier_id, evaluateur_id = evaluation
        return f"{self.user(evaluateur_id)} – {self.dossier(dossier_id)}"


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


# The columns a record's subject needs besides its tracked fields (`_subject`).
SUBJECT_COLUMNS = {Note: ("evaluation_id", "critere_id"), Lettre: ("dossier_id",)}
_HEAD = ("id", "history_id", "history_date", "history_type", "history_user_id", "history_change_reason")


@dataclass(frozen=True)
class _Record:
    """One history record that changes something tracked: its tracked values and the previous ones."""

    model: type
    id: int
    history_id: int
    when: datetime.datetime
    type: str
    user_id: int | None
    reason: str | None
    extra: dict
    values: tuple
    before: tuple | None


def _subject(record: _Record, labels: _Labels) -> tuple[str, str]:
    model, values = record.model, dict(zip(TRACKED[record.model], record.values, strict=True))
    if model is AMI:
        return "AMI", values["titre"]
    if model is Dossier:
        return "Dossier", labels.dossier(record.id)
    if model is Evaluation:
        return "Grille d'évaluation", labels.evaluation(record.id)
    if model is Note:
        extra = record.extra
        return "Note", f"{labels.evaluation(extra['evaluation_id'])} – {labels.criteres.get(extra['critere_id'], '?')}"
    if model is Decision:
        return "Décision", ""
    if model is Lettre:
        return "Lettre", labels.dossier(record.extra["dossier_id"])
    return "Convention", values["numero"]


def _changes(record: _Record, labels: _Labels) -> list[Change]:
    model, fields = record.model, TRACKED[record.model]
    if record.type == "-":
        return []
    verbose = [str(model._meta.get_field(name).verbose_name) for name in fields]
    if record.before is None:
        return [
            Change(verbose[i], EMPTY, _display(model, name, value, labels))
            for i, (name, value) in enumerate(zip(fields, record.values, strict=True))
            if value not in (None, "")
        ]
    return [
        Change(verbose[i], _display(model, name, old, labels), _display(model, name, new, labels))
        for i, (name, old, new) in enumerate(zip(fields, record.before, record.values, strict=True))
        if old != new
    ]


# A record's tracked values as one text (`_signature`), to compare it with the object's previous record in SQL.
_BLANK = "\x01"  # a value NULL or empty
_SEPARATOR = "\x1f"
# The models of the journal by a tag, which the union of their history tables carries
# (its number in TRACKED: among records of the same moment, the AMI's first, then the dossiers', …)
_TAGS = dict(enumerate(TRACKED))
_TAG_OF = {model: tag for tag, model in _TAGS.items()}


def _signature(model, history_model):
    """The tracked values of a history record as one text: `COALESCE(NULLIF(CAST(col AS TEXT), ''), blank)`
    joined by `||` (PostgreSQL and SQLite alike). Written as one expression: Django's own (Cast, Coalesce,
    Concat) nest a node per value and cost more to compile than the query takes to run."""
    table = connection.ops.quote_name(history_model._meta.db_table)
    columns = [f"{table}.{connection.ops.quote_name(_attname(model, name))}" for name in TRACKED[model]]
    sql = " || %s || ".join(f"COALESCE(NULLIF(CAST({column} AS TEXT), ''), %s)" for column in columns)
    params = [_BLANK, *[value for _ in columns[1:] for value in (_SEPARATOR, _BLANK)]]
    # our own quoted column names in the SQL; the values are parameters
    return RawSQL(f"({sql})", params, output_field=TextField())  # nosec B611


def _changing(model, queryset):
    """The records of `queryset` that change a tracked field, create with a value, or delete, as
    (date, history_id, tag, the object's previous history_id): compared in SQL with the previous record."""
    window = {"partition_by": [F("id")], "order_by": [F("history_date").asc(), F("history_id").asc()]}
    blank = _SEPARATOR.join([_BLANK] * len(TRACKED[model]))
    return (
        queryset.order_by()
        .annotate(signature=_signature(model, queryset.model))
        .annotate(
            previous_signature=Window(Lag("signature"), **window),
            previous_id=Window(Lag("history_id"), **window),
            tag=Value(_TAG_OF[model], output_field=IntegerField()),
        )
        .filter(
            Q(history_type="-")
            | Q(previous_signature__isnull=True) & ~Q(signature=blank)
            | Q(previous_signature__isnull=False) & ~Q(signature=F("previous_signature"))
        )
        .values_list("history_date", "history_id", "tag", "previous_id")
    )


def _attname(model, name):
    return model._meta.get_field(name).attname


# The union of an AMI's history tables (`Journal.keys`) compiled to SQL once per process: its text and
# parameters depend on the AMI and the active scope only, never on the data, and compiling its seven windows
# cost a third of a page. {(AMI pk, scope): (sql, params)}
_KEYS_SQL: dict[tuple, tuple[str, tuple]] = {}
_KEYS_SQL_MAX = 256


def _scope_key() -> tuple:
    """The active django-scopes scope as a key ({"_enabled": …, "structure": …}, a list made a tuple)."""
    return tuple(
        sorted((name, tuple(value) if isinstance(value, list | set) else value) for name, value in get_scope().items())
    )


class Journal(Sequence):
    """The journal of an AMI, newest first, paginated in SQL: `page()` reads the keys of a page's records and
    their count in one query, then their tracked values, then the labels they show; nothing else is built.
    As a sequence (`len`, slices) it serves a Paginator too."""

    def __init__(self, ami: AMI, history: dict):
        self.ami = ami
        self.history = history  # {model: its history records of the AMI}
        self._count = None

    @cached_property
    def keys(self):
        parts = [_changing(model, qs) for model, qs in self.history.items()]
        return parts[0].union(*parts[1:], all=True)

    def keys_sql(self) -> tuple[str, tuple]:
        """`keys` as (sql, params), compiled once per AMI and scope."""
        key = (self.ami.pk, _scope_key())
        found = _KEYS_SQL.get(key)
        if found is None:
            if len(_KEYS_SQL) >= _KEYS_SQL_MAX:
                _KEYS_SQL.clear()
            found = _KEYS_SQL[key] = self.keys.query.sql_with_params()
        return found

    def __len__(self):
        if self._count is None:
            sql, params = self.keys_sql()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) journal", params)  # nosec B608 # Django's compiled SQL
                self._count = cursor.fetchone()[0]
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("Journal slices have no step.")
            return self._entries(list(self.keys.order_by("-history_date", "-history_id", "tag")[index]))
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self[0 : len(self)])

    def page(self, number, per_page: int) -> Page:
        """Page `number` (as typed in the URL) and the count, in one query for the keys: a number that is not
        one gives the first page, one out of range the last (as Django's `Paginator.get_page`)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        # beyond 10⁶ pages, certainly past the end (and an OFFSET too large for the database's integers)
        keys = self._page_keys(number, per_page) if 1 <= number <= 10**6 else []
        if keys:
            self._count = keys[0][-1]
        else:  # past the end, below 1, or an empty journal: count, then read the last page
            number = max(1, math.ceil(len(self) / per_page))
            keys = self._page_keys(number, per_page) if len(self) else []
        return Page(self._entries([key[:-1] for key in keys]), number, Paginator(self, per_page))

    def _page_keys(self, number: int, per_page: int) -> list[tuple]:
        """[(date, history_id, tag, previous_id, count of all)] of page `number`, newest first."""
        sql, params = self.keys_sql()
        # Django's compiled union around which we write no value: its values and ours are parameters
        query = f"SELECT *, COUNT(*) OVER () FROM ({sql}) journal ORDER BY 1 DESC, 2 DESC, 3 LIMIT %s OFFSET %s"  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, per_page, (number - 1) * per_page])
            return cursor.fetchall()

    def _records(self, keys) -> list[_Record]:
        """The records of `keys` with their previous ones: one query per history table, whatever the keys."""
        wanted = {model: set() for model in TRACKED}
        for _when, history_id, tag, previous_id in keys:
            wanted[_TAGS[tag]].update({history_id, previous_id})
        rows = {}
        for model, queryset in self.history.items():
            extra_names = SUBJECT_COLUMNS.get(model, ())
            columns = [*_HEAD, *extra_names, *(_attname(model, name) for name in TRACKED[model])]
            ids = wanted[model] - {None} or {0}  # {0}: no record, but the same query (a constant count)
            for row in queryset.order_by().filter(history_id__in=ids).values_list(*columns):
                rows[model, row[1]] = (dict(zip(extra_names, row[len(_HEAD) :], strict=False)), row)
        records = []
        for _when, history_id, tag, previous_id in keys:
            model = _TAGS[tag]
            extra, row = rows[model, history_id]
            start = len(_HEAD) + len(extra)
            before = rows.get((model, previous_id))
            records.append(
                _Record(
                    model,
                    *row[: len(_HEAD)],
                    extra=extra,
                    values=row[start:],
                    before=before[1][start:] if before else None,
                )
            )
        return records

    def _labels(self, records) -> _Labels:
        """Four queries, whatever the records: the AMI's dossiers, evaluations and criteria (plain columns) and
        the people named on the page."""
        ami = self.ami
        # dictionaries: without the models' default orders (which join the AMI and the organisation to sort)
        evaluations = {
            pk: (dossier_id, evaluateur_id)
            for pk, dossier_id, evaluateur_id in Evaluation.objects.filter(dossier__ami=ami)
            .order_by()
            .values_list("pk", "dossier_id", "evaluateur_id")
        }
        dossiers = dict(Dossier.objects.filter(ami=ami).order_by().values_list("pk", "prestataire__raison_sociale"))
        criteres = dict(Critere.objects.filter(ami=ami).order_by().values_list("pk", "libelle"))
        named = {r.user_id for r in records}
        for r in records:
            for i, name in enumerate(TRACKED[r.model]):
                if name in USER_FIELDS:
                    named.update({r.values[i], r.before[i] if r.before else None})
        evaluators = Evaluation.objects.filter(dossier__ami=ami).values("evaluateur_id")
        users = {u.pk: u for u in User.objects.filter(Q(pk__in=named - {None}) | Q(pk__in=evaluators))}
        return _Labels(dossiers, evaluations, criteres, users)

    def _entries(self, keys) -> list[JournalEntry]:
        records = self._records(keys)
        labels = self._labels(records)
        return [
            JournalEntry(
                when=record.when,
                history_id=record.history_id,
                kind=kind,
                subject=subject,
                action=ACTIONS.get(record.type, record.type),
                user=labels.users.get(record.user_id),
                reason=record.reason or "",
                changes=_changes(record, labels),
            )
            for record in records
            for kind, subject in [_subject(record, labels)]
        ]


def ami_journal(ami: AMI) -> Journal:
    """Every recorded change of the AMI's selection, newest first: a sequence to paginate, whose entries are
    built only for the page asked. A page costs a constant number of queries (one count, one for its keys,
    seven for its records, four for its labels).

    Of the dossiers, those submitted at least once: a draft never submitted is its candidate's alone (as
    in the dossier list, `dossiers_visible_to`)."""
    submitted = Dossier.objects.filter(ami=ami).exclude(status=Dossier.Status.BROUILLON)
    decisions = Decision.history.filter(ami_id=ami.pk).values("id")
    history = {
        AMI: AMI.history.filter(id=ami.pk),
        Dossier: Dossier.history.filter(id__in=submitted.values("pk")),
        Evaluation: Evaluation.history.filter(dossier_id__in=Dossier.objects.filter(ami=ami).values("pk")),
        Note: Note.history.filter(evaluation_id__in=Evaluation.objects.filter(dossier__ami=ami).values("pk")),
        Decision: Decision.history.filter(ami_id=ami.pk),
        Lettre: Lettre.history.filter(decision_id__in=decisions),
        Convention: Convention.history.filter(decision_id__in=decisions),
    }
    return Journal(ami, history)


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
