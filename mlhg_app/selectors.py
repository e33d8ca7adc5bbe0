"""Reads of the foundation that carry rules: the directory of people, and the sites' headcounts.

A site's headcount (« effectif de conseillers ») is never typed: it is the number of its active
conseillers who are not line managers, i.e. the people who may sit in its APP groups (seed §5.1). The
seances app sizes and splits its groups from it.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from mlhg_app.models import Antenne, PeopleImport, Structure, User
from mlhg_app.structures import every_structure

HEADCOUNT = Q(users__role=User.Role.CONSEILLER, users__is_active=True, users__is_manager=False)


def conseillers_actifs(antenne: Antenne | None = None) -> QuerySet:
    """The active conseillers who are not line managers (of `antenne` when given): a site's headcount."""
    qs = User.objects.in_structure().filter(role=User.Role.CONSEILLER, is_active=True, is_manager=False)
    return qs if antenne is None else qs.filter(antenne=antenne)


def antenne_headcount(antenne: Antenne) -> int:
    """The site's headcount, read from the directory (one query)."""
    return conseillers_actifs(antenne).count()


def antenne_headcounts() -> dict[int, int]:
    """Every site's headcount by its id (one query; a site without conseillers counts 0)."""
    return dict(antennes_with_headcount().values_list("pk", "effectif_conseillers"))


def antennes_with_headcount() -> QuerySet:
    """The sites in their display order, each annotated with `effectif_conseillers` (one query)."""
    return Antenne.objects.annotate(effectif_conseillers=Count("users", filter=HEADCOUNT)).order_by("ordre", "nom")


def antenne_with_headcount(pk: int) -> Antenne:
    """One site, annotated with `effectif_conseillers` (Http404 when there is none)."""
    return get_object_or_404(antennes_with_headcount(), pk=pk)


def antenne_history(antenne: Antenne, limit: int = 20) -> QuerySet:
    """The last changes of a site, the most recent first, with who made them."""
    return antenne.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]


ACTIVE_CHOICES = {"oui": True, "non": False}


def people_directory(*, q: str = "", antenne: str = "", role: str = "", active: str = "") -> QuerySet:
    """The directory of people, filtered: `q` in the name or email, a site id, a role, « oui » / « non »
    for active; ordered by name, with the site joined (constant queries whatever the page)."""
    qs = User.objects.in_structure().select_related("antenne").order_by("last_name", "first_name", "email")
    for word in q.split()[:5]:
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    if antenne.isdigit():
        qs = qs.filter(antenne_id=int(antenne))
    if role in User.Role.values:
        qs = qs.filter(role=role)
    if active in ACTIVE_CHOICES:
        qs = qs.filter(is_active=ACTIVE_CHOICES[active])
    return qs


def people_imports_of(user) -> QuerySet:
    """The imports a staff member uploaded, latest first."""
    return PeopleImport.objects.filter(importe_par=user)


def structures_of(user) -> list:
    """The structures an account works in, read across structures (explicitly): its own (staff-side), or
    those whose calls its organisation answered or whose programmes it facilitates (prestataire-side)."""
    # late: the apps above mlhg_app hold the dossiers and programmes (bilans → seances → ami → mlhg_app)
    from ami.models import Dossier
    from seances.models import IntervenantProgramme

    if user.structure_id:
        return [user.structure]
    with every_structure():
        ids = set(Dossier.objects.filter(prestataire__membres__user=user).values_list("ami__structure", flat=True))
        ids |= set(IntervenantProgramme.objects.filter(user=user).values_list("programme__structure", flat=True))
        return list(Structure.objects.filter(pk__in=ids).order_by("nom"))
