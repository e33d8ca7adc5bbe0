"""Reads that carry the AMI's rules: who sees which AMI, dossier and file."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from ami.models import AMI, Dossier, Fichier, Membre, Prestataire
from mlhg_app.rules import is_evaluateur, is_staff_member


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


def _own_dossiers_q(user) -> Q:
    prestataire = prestataire_of(user)
    return Q(prestataire=prestataire) if prestataire is not None else Q(pk__in=[])


def _declared(user, conflit: bool):
    from ami.models import Evaluation

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
    from django.utils import timezone

    return (
        Dossier.objects.filter(
            ami__evaluateurs=user, status=Dossier.Status.RECEVABLE, ami__date_limite__lt=timezone.now()
        )
        .select_related("ami", "prestataire")
        .order_by("ami__date_limite", "prestataire__raison_sociale")
    )


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


def lettres_visible_to(user):
    """Letters the user may read: exactly `ami.view_lettre` (staff every one; a candidate its own, once sent)."""
    from ami.models import Lettre

    q = Q(dossier__in=Dossier.objects.filter(_own_dossiers_q(user)).values("pk"), sent_at__isnull=False)
    if is_staff_member(user):
        q = Q()
    return Lettre.objects.filter(q).select_related("decision__ami", "dossier__prestataire")


def conventions_visible_to(user):
    """Conventions the user may read: exactly `ami.view_convention` (staff; the retained organisation)."""
    from ami.models import Convention

    q = Q(dossier__in=Dossier.objects.filter(_own_dossiers_q(user)).values("pk"))
    if is_staff_member(user):
        q = Q()
    return Convention.objects.filter(q).select_related("dossier__prestataire", "decision__ami")


def evaluations_visible_to(user):
    """Grids the user may read: exactly `ami.view_evaluation` (own; staff; others' submitted once theirs is)."""
    from ami.models import Evaluation

    if is_staff_member(user):
        return Evaluation.objects.all()
    submitted_own = Evaluation.objects.filter(evaluateur=user.pk, submitted_at__isnull=False).values("dossier_id")
    return Evaluation.objects.filter(
        Q(evaluateur=user.pk) | Q(submitted_at__isnull=False, conflit=False, dossier__in=submitted_own)
    )
