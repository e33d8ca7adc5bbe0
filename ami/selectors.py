"""Reads that carry the AMI's rules: who sees which AMI, dossier and file."""

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from ami.models import AMI, Dossier, Fichier, Membre, Prestataire


def amis_public():
    """AMIs visible on the public pages: published or later (never drafts)."""
    return AMI.objects.exclude(status=AMI.Status.BROUILLON).prefetch_related("criteres", "jalons")


def prestataire_of(user) -> Prestataire | None:
    membre = getattr(user, "membre", None) if user.is_authenticated else None
    return membre.prestataire if membre else None


def dossiers_of_member(user):
    """The dossiers of the user's own organisation."""
    prestataire = prestataire_of(user)
    if prestataire is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(prestataire=prestataire).select_related("ami", "prestataire")


def dossier_for_member(user, pk: int) -> Dossier:
    """The user's organisation's dossier, or 404 (another organisation's id answers 404)."""
    dossier = dossiers_of_member(user).filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable")
    return dossier


def dossiers_visible_to(user):
    """Dossiers a staff member or an evaluator may list (existence and status).

    Staff see every dossier that was submitted at least once; an evaluator only
    those of the AMIs they are assigned to. Content stays sealed until the
    deadline: see `dossier_content_readable`.
    """
    base = Dossier.objects.exclude(status=Dossier.Status.BROUILLON).select_related("ami", "prestataire")
    if user.role == "staff":
        return base
    if user.role == "evaluateur":
        return base.filter(ami__evaluateurs=user)
    return Dossier.objects.none()


def dossier_content_readable(dossier: Dossier, now=None) -> bool:
    """Dossiers are sealed until the deadline, as on a public buyer's platform."""
    return dossier.ami.is_past_deadline(now)


def fichier_for(user, dossier_pk: int, fichier_pk: int, now=None) -> Fichier:
    """A file the user may download, or 404.

    The organisation's own accounts; staff and the evaluators assigned to the
    AMI after the deadline, and only files of a submitted version.
    """
    fichier = Fichier.objects.select_related("dossier__ami").filter(pk=fichier_pk, dossier_id=dossier_pk).first()
    if fichier is None:
        raise Http404("Fichier introuvable")
    dossier = fichier.dossier
    if prestataire_of(user) is not None and dossier.prestataire_id == prestataire_of(user).pk:
        return fichier
    if user.role in {"staff", "evaluateur"}:
        allowed = dossiers_visible_to(user).filter(pk=dossier.pk).exists()
        if allowed and dossier_content_readable(dossier, now) and fichier.versions.exists():
            return fichier
    raise Http404("Fichier introuvable")


# -- evaluation ---------------------------------------------------------------------


def last_version(dossier):
    return dossier.versions.order_by("-numero").first()


def dossiers_to_evaluate(user):
    """Recevable dossiers of the AMIs the evaluator is assigned to, once opened (after the deadline)."""
    from django.utils import timezone

    return (
        Dossier.objects.filter(
            ami__evaluateurs=user, status=Dossier.Status.RECEVABLE, ami__date_limite__lt=timezone.now()
        )
        .select_related("ami", "prestataire")
        .order_by("ami__date_limite", "prestataire__raison_sociale")
    )


def dossier_for_evaluator(user, pk: int):
    """A dossier the evaluator may score, or 404: assigned, recevable, opened, and no conflict declared."""
    from ami.models import Evaluation

    dossier = dossiers_to_evaluate(user).filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable")
    evaluation = Evaluation.objects.filter(dossier=dossier, evaluateur=user).first()
    if evaluation is not None and evaluation.conflit:
        raise Http404("Vous avez déclaré un conflit d'intérêts pour ce dossier")
    return dossier


def other_submitted_grids(evaluation):
    """The other evaluators' submitted grids, only once this evaluator has submitted theirs."""
    from ami.models import Evaluation

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


def lettre_for(user, pk: int):
    """A letter: staff see every one (drafts included); a candidate only its own, once sent."""
    from ami.models import Lettre

    lettre = Lettre.objects.select_related("decision__ami", "dossier__prestataire").filter(pk=pk).first()
    if lettre is None:
        raise Http404("Lettre introuvable")
    if user.role == "staff":
        return lettre
    prestataire = prestataire_of(user)
    if prestataire is not None and lettre.dossier.prestataire_id == prestataire.pk and lettre.sent_at:
        return lettre
    raise Http404("Lettre introuvable")


def convention_for(user, reference: str):
    from ami.models import Convention

    convention = (
        Convention.objects.select_related("dossier__prestataire", "decision__ami")
        .filter(decision__ami__reference=reference)
        .first()
    )
    if convention is None:
        raise Http404("Convention introuvable")
    if user.role == "staff":
        return convention
    prestataire = prestataire_of(user)
    if prestataire is not None and convention.dossier.prestataire_id == prestataire.pk:
        return convention
    raise Http404("Convention introuvable")
