"""Reads that carry the séances' rules: who sees which programme, group, séance and statement.

Each list returns exactly the objects its view permission allows (`seances.rules`; a test walks the
demo to say so): `programmes_visible_to` ⇔ `seances.view_programme`, `groupes_visible_to` ⇔
`seances.view_groupe`, `seances_visible_to` ⇔ `seances.view_seance`, `releves_visible_to` ⇔
`seances.view_releve`. The `*_get` functions load one object for a view's permission check (404 if
it does not exist); the permission, not the lookup, decides who may use it.

Beside them, one function per question: one's own séances and calendars (`seances_for`,
`seances_attended`, `seances_upcoming`, `feed_seances`, `user_feed`), an intervenant's past séances,
a group's members, the sites page (`programme_sites_overview`), the charters to accept, the
conventions still without a programme. « Which prestataire is this user's » is `ami.selectors.prestataire_of`.
"""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ami.models import Convention
from ami.selectors import prestataire_of
from mlhg_app.models import Antenne, User
from mlhg_app.rules import is_conseiller, is_intervenant, is_prestataire, is_responsable, is_staff_member
from seances.group_sizes import default_group_count, split_sizes
from seances.models import Annulation, CalendarFeed, CompteRendu, Emargement, Groupe, Programme, Releve, Seance

# Statuses a conseiller's calendar shows: the séance is decided (a proposal may still move).
CONFIRMED_STATUSES = ("validee", "convoquee", "realisee")
# The séances whose attendance may be recorded (once held).
ATTENDANCE_STATUSES = (Seance.Status.VALIDEE, Seance.Status.CONVOQUEE, Seance.Status.REALISEE)


def _programmes_filter(user, prefix=""):
    """A Q over programmes (through `prefix`) matching `seances.view_programme`; None for all of them."""
    if is_staff_member(user):
        return None
    q = Q(pk__in=[])
    if is_responsable(user):
        q |= Q(**{f"{prefix}responsable": user})
    prestataire = prestataire_of(user) if is_prestataire(user) else None
    if prestataire is not None:
        q |= Q(**{f"{prefix}prestataire": prestataire})
    return q


def programmes_visible_to(user):
    base = Programme.objects.select_related("prestataire", "responsable")
    q = _programmes_filter(user)
    return base if q is None else base.filter(q)


def groupes_visible_to(user):
    base = Groupe.objects.select_related("programme", "antenne")
    q = _programmes_filter(user, "programme__")
    if q is None:
        return base
    if is_conseiller(user):
        q |= Q(pk__in=Groupe.objects.filter(membres=user).values("pk"))
    return base.filter(q)


def seances_visible_to(user):
    base = Seance.objects.select_related("groupe__antenne", "fenetre", "intervenant", "programme")
    q = _programmes_filter(user, "programme__")
    if q is None:
        return base
    if is_intervenant(user):
        q |= Q(intervenant__user=user)
    if is_conseiller(user):
        q |= Q(groupe__in=Groupe.objects.filter(membres=user))
    return base.filter(q)


def releves_visible_to(user):
    base = Releve.objects.select_related("programme__prestataire")
    if is_staff_member(user):
        return base
    prestataire = prestataire_of(user) if is_prestataire(user) else None
    if prestataire is not None:
        return base.filter(programme__prestataire=prestataire)
    return base.none()


def programme_get(pk) -> Programme:
    return get_object_or_404(Programme.objects.select_related("prestataire", "responsable"), pk=pk)


def seance_get(pk) -> Seance:
    return get_object_or_404(
        Seance.objects.select_related("programme", "groupe__antenne", "fenetre", "intervenant__user"), pk=pk
    )


def releve_get(pk) -> Releve:
    return get_object_or_404(Releve.objects.select_related("programme__prestataire"), pk=pk)


def seances_for(user):
    """The séances a conseiller (as a member) or an intervenant (as facilitator) attends."""
    base = Seance.objects.select_related("groupe__antenne", "fenetre", "intervenant", "programme")
    if is_conseiller(user):
        return base.filter(groupe__membres=user)
    if is_intervenant(user):
        return base.filter(intervenant__user=user)
    return base.none()


def seances_past_for_intervenant(user, *, today=None):
    """An intervenant's séances of today and before (not cancelled), most recent first, with what is recorded."""
    today = today or timezone.localdate()
    if not is_intervenant(user):
        return Seance.objects.none()
    return (
        Seance.objects.select_related("groupe__antenne", "programme__prestataire", "intervenant__user", "fenetre")
        .filter(intervenant__user=user)
        .filter(date__lte=today, status__in=ATTENDANCE_STATUSES)
        .annotate(
            a_emargement=Exists(Emargement.objects.filter(seance=OuterRef("pk"))),
            a_compte_rendu=Exists(CompteRendu.objects.filter(seance=OuterRef("pk"))),
        )
        .order_by("-date", "-heure_debut")[:30]
    )


def emargement_of(seance) -> Emargement | None:
    """The séance's attendance sheet, None before it is recorded."""
    return Emargement.objects.filter(seance=seance).first()


def compte_rendu_of(seance) -> CompteRendu | None:
    """The séance's compte rendu, None before it is written."""
    return CompteRendu.objects.filter(seance=seance).first()


def annulation_of(seance) -> Annulation | None:
    """The séance's cancellation, None when it is not cancelled."""
    return Annulation.objects.filter(seance=seance).first()


def annulations_of(programme):
    """The programme's cancelled séances with their group, statement line and who cancelled, by date."""
    return (
        Annulation.objects.filter(seance__programme=programme)
        .select_related("seance__groupe__antenne", "seance__ligne_releve__releve", "annulee_par")
        .order_by("seance__date")
    )


def group_members(seance):
    """The group's active members, by name."""
    return seance.groupe.membres.filter(is_active=True).order_by("last_name", "first_name", "email")


def eligible_members(antenne: Antenne):
    """The antenne's conseillers who may join an APP group: never a line manager (seed §5.1)."""
    return User.objects.filter(role=User.Role.CONSEILLER, antenne=antenne, is_active=True, is_manager=False).order_by(
        "last_name", "first_name"
    )


def seances_due(programme: Programme) -> dict:
    """Séances due per site (groups × windows) and in total, against the minimum (21 for 7 sites × 3)."""
    windows = programme.fenetres.count()
    rows = []
    for site in programme.sites.select_related("antenne"):
        rows.append({"antenne": site.antenne, "groupes": site.nb_groupes, "dues": site.nb_groupes * windows})
    total = sum(r["dues"] for r in rows)
    minimum = programme.minimum_par_site * len(rows)
    return {"sites": rows, "total": total, "minimum": minimum}


def programme_sites_overview(programme) -> list[dict]:
    """Each site of the programme, by antenne order: its default number of groups (ceil(headcount ÷ max
    size)), the balanced sizes of its groups, whether one exceeds the method's usual size, its groups
    with their members, and the conseillers who may be added. Four queries, whatever the number of sites."""
    sites = list(programme.sites.select_related("antenne").order_by("antenne__ordre"))
    groupes = defaultdict(list)
    for groupe in programme.groupes.select_related("antenne").prefetch_related("membres"):
        groupes[groupe.antenne_id].append(groupe)
    candidates = defaultdict(list)
    conseillers = User.objects.filter(
        role=User.Role.CONSEILLER, antenne__in=[site.antenne_id for site in sites], is_active=True
    ).order_by("last_name")
    for conseiller in conseillers:
        candidates[conseiller.antenne_id].append(conseiller)
    rows = []
    for site in sites:
        headcount = site.antenne.effectif_conseillers
        sizes = split_sizes(headcount, site.nb_groupes)
        rows.append(
            {
                "site": site,
                "default": default_group_count(headcount, programme.taille_max_groupe),
                "sizes": sizes,
                "groupes": groupes[site.antenne_id],
                "too_big": any(size > programme.taille_usuelle for size in sizes),
                "candidates": candidates[site.antenne_id],
            }
        )
    return rows


def seances_convoked_on(day) -> list[int]:
    """The ids of the convoked séances held on `day`."""
    return list(Seance.objects.filter(status=Seance.Status.CONVOQUEE, date=day).values_list("pk", flat=True))


def seances_attended(user):
    """The séances of `seances_for(user)` the person may see: a conseiller sees the decided ones
    (validated, convoked, held, cancelled), not proposals that may still move; an intervenant sees all."""
    qs = seances_for(user).select_related("programme", "intervenant__user")
    if is_conseiller(user):
        qs = qs.filter(status__in=[*CONFIRMED_STATUSES, "annulee"])
    return qs.distinct().order_by("date", "heure_debut")


def seances_upcoming(user):
    """The person's next séances, from today on (postponed ones apart: their replacement is listed)."""
    return seances_attended(user).filter(date__gte=timezone.localdate()).exclude(status="reportee")


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed behind a secret token, None when it is unknown or revoked."""
    return CalendarFeed.objects.select_related("user", "antenne").filter(token=token, revoked_at__isnull=True).first()


def feed_seances(feed):
    """The séances of a private feed, cancelled and postponed ones apart."""
    qs = Seance.objects.select_related("groupe__antenne", "programme", "intervenant")
    if feed.kind == "site":
        qs = qs.filter(groupe__antenne=feed.antenne, status__in=CONFIRMED_STATUSES)
    elif feed.user is None or not feed.user.is_active:
        return qs.none()
    elif feed.kind == "intervenant":
        qs = seances_for(feed.user).exclude(status__in=["annulee", "reportee"])
    else:
        qs = seances_for(feed.user).filter(status__in=CONFIRMED_STATUSES)
    return qs.distinct().order_by("date", "heure_debut")


def feed_kind_for(user) -> str:
    return CalendarFeed.Kind.INTERVENANT if is_intervenant(user) else CalendarFeed.Kind.CONSEILLER


def charte_pending_programmes(user):
    """The programmes of the conseiller's groups whose charter they have not accepted yet."""
    if not is_conseiller(user):
        return Programme.objects.none()
    return (
        Programme.objects.filter(groupes__membres=user).exclude(chartes__user=user).distinct().order_by("-annee_debut")
    )


def user_feed(user):
    """The user's active private feed, or None."""
    return (
        CalendarFeed.objects.filter(user=user, kind=feed_kind_for(user), revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def conventions_without_programme():
    """The conventions no programme was created from yet (staff create one from each)."""
    return Convention.objects.filter(programme__isnull=True).select_related("dossier__prestataire")


def programme_board(programme) -> tuple[list, list, list[dict]]:
    """The planning board's grid: the programme's windows, its séances (cancelled and postponed ones
    apart), and one row per group (by antenne order, then number) with its séance in each window."""
    fenetres = list(programme.fenetres.all())
    seances = list(
        programme.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE]).select_related(
            "groupe__antenne", "fenetre", "intervenant"
        )
    )
    cell = {(s.groupe_id, s.fenetre_id): s for s in seances}
    rows = [
        {"groupe": groupe, "cells": [cell.get((groupe.pk, f.pk)) for f in fenetres]}
        for groupe in programme.groupes.select_related("antenne").order_by("antenne__ordre", "numero")
    ]
    return fenetres, seances, rows
