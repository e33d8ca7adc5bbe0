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

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ami.models import Convention
from ami.selectors import prestataire_of
from mlhg_app import french
from mlhg_app.models import Antenne, User
from mlhg_app.rules import is_conseiller, is_intervenant, is_prestataire, is_responsable, is_staff_member
from mlhg_app.selectors import conseillers_actifs
from mlhg_app.todo import Item, Link, Upcoming, counted
from seances import calendar, review_sources
from seances.feedback_tokens import feedback_token, token_hash
from seances.group_sizes import default_group_count
from seances.models import (
    Annulation,
    AvisInvitation,
    CalendarFeed,
    CompteRendu,
    Emargement,
    Facture,
    Fenetre,
    Groupe,
    Programme,
    Reconduction,
    Releve,
    RevuePrestation,
    Seance,
)
from seances.pricing import minimum_per_site

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


def renewal_decisions(programme: Programme) -> dict:
    """The renewal decisions around `programme` (seances.Reconduction): the one taken on it (``"taken"``:
    renewed into the next year, or not), and the one it comes from (``"from"``), each None when absent."""
    taken = (
        Reconduction.objects.filter(programme=programme)
        .select_related("programme_suivant", "ami", "avenant", "decided_by")
        .first()
    )
    origin = Reconduction.objects.filter(programme_suivant=programme).select_related("programme", "avenant").first()
    return {"taken": taken, "from": origin}


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
    return conseillers_actifs(antenne).order_by("last_name", "first_name")


def seances_due(programme: Programme) -> dict:
    """Séances due per site (groups × windows) and in total, against the minimum (21 for 7 sites × 3)."""
    windows = programme.fenetres.count()
    rows = []
    for site in programme.sites.select_related("antenne"):
        rows.append({"antenne": site.antenne, "groupes": site.nb_groupes, "dues": site.nb_groupes * windows})
    total = sum(r["dues"] for r in rows)
    minimum = minimum_per_site(programme) * len(rows)
    return {"sites": rows, "total": total, "minimum": minimum}


def validate_all_preview(programme) -> dict:
    """What « Valider les séances proposées » will send: the séances proposed, the convocations (one per
    active member of the group and per intervenant, as seances.calendar.seance_attendees) and the distinct
    people convoked. Three queries."""
    seances = list(
        programme.seances.filter(status=Seance.Status.PROPOSEE)
        .select_related("intervenant")
        .prefetch_related(Prefetch("groupe__membres", queryset=User.objects.filter(is_active=True)))
    )
    invitations, people = 0, set()
    for seance in seances:
        emails = {m.email.strip().lower() for m in seance.groupe.membres.all() if m.email.strip()}
        if seance.intervenant.email.strip():
            emails.add(seance.intervenant.email.strip().lower())
        invitations += len(emails)
        people |= emails
    return {"seances": len(seances), "invitations": invitations, "people": len(people)}


def programme_sites_overview(programme) -> list[dict]:
    """Each site of the programme, by antenne order: its headcount (its groups' members), its default number
    of groups (ceil(the directory's conseillers ÷ max size)), the sizes of its groups, whether one exceeds the method's usual size, its groups
    with their members, and the conseillers who may be added ((pk, full name)). Four queries, whatever the number of sites."""
    sites = list(programme.sites.select_related("antenne").order_by("antenne__ordre"))
    groupes = defaultdict(list)
    names = ("pk", "first_name", "last_name", "email", "antenne_id")  # what the page shows of a person
    members = Prefetch("membres", queryset=User.objects.only(*names))
    for groupe in programme.groupes.select_related("antenne").prefetch_related(members):
        groupes[groupe.antenne_id].append(groupe)
    candidates = defaultdict(list)
    # The conseillers who may join a group (never a line manager, seed §5.1): the site's headcount; as
    # (pk, full name) (hundreds a site: no model instance each).
    conseillers = (
        conseillers_actifs()
        .filter(antenne__in=[site.antenne_id for site in sites])
        .order_by("last_name")
        .values_list("pk", "first_name", "last_name", "antenne_id")
    )
    for pk, first_name, last_name, antenne_id in conseillers:
        candidates[antenne_id].append((pk, f"{first_name} {last_name}".strip()))  # User.get_full_name
    rows = []
    for site in sites:
        # the site's headcount is its members; the directory's conseillers make the default split
        sizes = [len(groupe.membres.all()) for groupe in groupes[site.antenne_id]]
        headcount = len({m.pk for groupe in groupes[site.antenne_id] for m in groupe.membres.all()})
        rows.append(
            {
                "site": site,
                "headcount": headcount,
                "default": default_group_count(len(candidates[site.antenne_id]), programme.taille_max_groupe),
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
    return Convention.objects.filter(programmes__isnull=True).select_related("dossier__prestataire")


def programme_board(programme) -> tuple[list, list, list[dict]]:
    """The planning board's grid: the programme's windows, its séances (cancelled and postponed ones
    apart), and one row per group (by antenne order, then number) with its séance in each window."""
    fenetres = list(programme.fenetres.all())
    groupes = list(programme.groupes.select_related("antenne").order_by("antenne__ordre", "numero"))
    by_pk = {groupe.pk: groupe for groupe in groupes}
    seances = list(
        programme.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE])
        .select_related("intervenant")
        # séances of the same moment in the sites' order (the calendar's pills of a day), not as the plan goes
        .order_by("date", "heure_debut", "groupe__antenne__ordre", "groupe__numero", "pk")
    )
    for seance in seances:  # each séance's group (and its antenne) the row's, not read again with it
        if seance.groupe_id in by_pk:
            seance.groupe = by_pk[seance.groupe_id]
    cell = {(s.groupe_id, s.fenetre_id): s for s in seances}
    rows = [{"groupe": groupe, "cells": [cell.get((groupe.pk, f.pk)) for f in fenetres]} for groupe in groupes]
    return fenetres, seances, rows


# -- the home page's « À faire » (mlhg_app.todo; registered in seances/apps.py) -------------------------
# Each count goes through the selector that carries the rules (`seances_visible_to`, `releves_visible_to`,
# `seances_for`): a responsable counts its programmes only, a prestataire its own, an intervenant its séances.

# Staff are told of a held séance still without its compte rendu after this many days (as the reminder).
COMPTE_RENDU_DELAY_DAYS = 2
# The séances whose compte rendu may be written once held (seances.services.compte_rendu reads both).
REPORT_STATUSES = (Seance.Status.CONVOQUEE, Seance.Status.REALISEE)
# A held séance whose attendance is not recorded yet (recording it makes it « réalisée »).
UNRECORDED_STATUSES = (Seance.Status.VALIDEE, Seance.Status.CONVOQUEE)
INACTIVE_STATUSES = (Seance.Status.ANNULEE, Seance.Status.REPORTEE)


def _started(now) -> Q:
    """Séances that have begun at `now` (Europe/Paris)."""
    local = timezone.localtime(now)
    return Q(date__lt=local.date()) | Q(date=local.date(), heure_debut__lte=local.time())


def _per_programme(queryset, singular: str, plural: str, view: str, detail=None, **aggregates):
    """The queryset counted per programme in one query, the latest programme first: an `Item` per programme,
    linking its page `view`, its detail « Programme 2026-2027 » or `detail(row, label)` (the row holds
    "n" and the `aggregates`)."""
    rows = (
        queryset.order_by()
        .values("programme", "programme__annee_debut")
        .annotate(n=Count("pk", distinct=True), **aggregates)
        .order_by("-programme__annee_debut")
    )
    for row in rows:
        start = row["programme__annee_debut"]
        label = f"Programme {start}-{start + 1}"
        url = reverse(view, args=[row["programme"]])
        yield Item.counting(row["n"], singular, plural, url=url, detail=detail(row, label) if detail else label)


def _recording_items(seances, now, list_url):
    """The attendance to record and the comptes rendus to write among `seances` (two queries); one of them
    links its own page, several the list."""
    started = seances.filter(_started(now))
    attendance = started.filter(status__in=UNRECORDED_STATUSES, emargement__isnull=True)
    reports = started.filter(status__in=REPORT_STATUSES, compte_rendu__isnull=True)
    for queryset, view, singular, plural in (
        (attendance, "seances:attendance", "Émargement à saisir", "Émargements à saisir"),
        (reports, "seances:compte_rendu", "Compte rendu à écrire", "Comptes rendus à écrire"),
    ):
        found = queryset.order_by().aggregate(n=Count("pk", distinct=True), first=Min("pk"))
        if found["n"]:
            url = reverse(view, args=[found["first"]]) if found["n"] == 1 else list_url
            yield Item.counting(found["n"], singular, plural, url=url)


def _next_seance(seances, now):
    """The soonest séance to come among `seances`, as an `Upcoming` (None when there is none)."""
    seance = (
        seances.filter(date__gte=timezone.localtime(now).date(), status__in=CONFIRMED_STATUSES)
        .order_by("date", "heure_debut")
        .first()
    )
    if seance is None:
        return None
    return Upcoming(f"séance du groupe {seance.groupe}", seance.date)


def todo_staff(user, now):
    """Staff: statements to pay, séances to bill, cancellations to decide, séances held without a compte
    rendu for 2 days, programmes to create from a convention; the next séance. Six queries."""
    today = timezone.localtime(now).date()
    yield from _per_programme(
        releves_visible_to(user).filter(paye_le__isnull=True),
        "Relevé à payer",
        "Relevés à payer",
        "seances:statements",
        detail=lambda row, label: f"{label} · {french.euros(row['ttc'])} TTC",
        ttc=Sum("total_ttc"),
    )
    visible = seances_visible_to(user)
    to_bill = visible.filter(date__lt=today, ligne_releve__isnull=True).filter(
        Q(status=Seance.Status.REALISEE) | Q(status=Seance.Status.ANNULEE, annulation__facturable=True)
    )
    yield from _per_programme(
        to_bill, "Séance à facturer : relevé à émettre", "Séances à facturer : relevé à émettre", "seances:statements"
    )
    undecided = (
        Annulation.objects.filter(facturable__isnull=True, seance__in=visible.values("pk"))
        .values("seance__programme")
        .annotate(n=Count("pk"))
        .order_by("seance__programme")
    )
    for row in undecided:
        yield Item.counting(
            row["n"],
            "Annulation à déclarer facturable ou non",
            "Annulations à déclarer facturables ou non",
            url=reverse("seances:statements", args=[row["seance__programme"]]),
        )
    late = visible.filter(
        status__in=REPORT_STATUSES,
        date__lte=today - datetime.timedelta(days=COMPTE_RENDU_DELAY_DAYS),
        compte_rendu__isnull=True,
    )
    yield from _per_programme(
        late,
        f"Séance sans compte rendu depuis {COMPTE_RENDU_DELAY_DAYS} jours",
        f"Séances sans compte rendu depuis {COMPTE_RENDU_DELAY_DAYS} jours",
        "seances:dashboard",
    )
    conventions = conventions_without_programme().count()
    if conventions:
        yield Item.counting(
            conventions,
            "Programme annuel à créer",
            "Programmes annuels à créer",
            url=reverse("seances:programme_create"),
            detail=counted(conventions, "depuis sa convention", "depuis leurs conventions"),
        )
    upcoming = _next_seance(visible, now)
    if upcoming:
        yield upcoming


def todo_responsable(user, now):
    """A responsable: the proposed séances of the programmes it is the référent of, to validate (those with a
    change it asked for wait for the prestataire); the next séance. Two queries."""
    proposed = seances_visible_to(user).filter(
        programme__responsable=user, status=Seance.Status.PROPOSEE, demande_modification=""
    )
    yield from _per_programme(
        proposed,
        "Séance à valider",
        "Séances à valider",
        "seances:board",
        detail=lambda row, label: f"{label} · la première le {french.long_date(row['first'])}",
        first=Min("date"),
    )
    upcoming = _next_seance(seances_visible_to(user).filter(programme__responsable=user), now)
    if upcoming:
        yield upcoming


def todo_prestataire(user, now):
    """A prestataire: in its programmes, the (group, window) cells of the windows not over yet still without a
    séance, the changes the responsable asked for, the attendance and comptes rendus to record; the next
    séance. A fixed number of queries (seven), whatever the number of programmes, groups and séances."""
    if not is_prestataire(user):
        return
    today = timezone.localtime(now).date()
    programmes = programmes_visible_to(user)
    open_windows = Fenetre.objects.filter(programme__in=programmes.values("pk"), fin__gte=today)
    windows = dict(open_windows.values("programme").annotate(n=Count("pk")).values_list("programme", "n"))
    if windows:
        groupes = dict(
            Groupe.objects.filter(programme__in=list(windows))
            .values("programme")
            .annotate(n=Count("pk"))
            .values_list("programme", "n")
        )
        planned = dict(
            Seance.objects.filter(fenetre__in=open_windows.values("pk"))
            .exclude(status__in=INACTIVE_STATUSES)
            .values("programme")
            .annotate(n=Count("pk"))
            .values_list("programme", "n")
        )
        for programme in programmes.filter(pk__in=list(windows)).order_by("-annee_debut"):
            n = windows[programme.pk] * groupes.get(programme.pk, 0) - planned.get(programme.pk, 0)
            if n > 0:
                url = reverse("seances:board", args=[programme.pk])
                yield Item.counting(n, "Séance à planifier", "Séances à planifier", url=url, detail=str(programme))
    seances = seances_visible_to(user)
    asked = seances.filter(status=Seance.Status.PROPOSEE).exclude(demande_modification="")
    yield from _per_programme(
        asked, "Demande de modification à traiter", "Demandes de modification à traiter", "seances:board"
    )
    latest = programmes.order_by("-annee_debut").values_list("pk", flat=True).first()
    list_url = reverse("seances:board", args=[latest]) if latest else reverse("seances:programme_list")
    yield from _recording_items(seances, now, list_url)
    upcoming = _next_seance(seances, now)
    if upcoming:
        yield upcoming


def todo_intervenant(user, now):
    """An intervenant: the attendance to record and the comptes rendus to write of its séances held; its next
    séance. Three queries."""
    seances = seances_for(user)
    yield from _recording_items(seances, now, reverse("seances:my_seances"))
    upcoming = _next_seance(seances, now)
    if upcoming:
        yield upcoming


def todo_conseiller(user, now):
    """A conseiller: its next séance (date, place, its invitation .ics), its feedback to give on the séances
    held (one line each) and the charter to accept. Four queries."""
    seance = (
        seances_attended(user)
        .filter(date__gte=timezone.localtime(now).date(), status__in=CONFIRMED_STATUSES)
        .exclude(status=Seance.Status.REALISEE)
        .first()
    )
    if seance is not None:
        yield Item(
            label=f"Prochaine séance : {calendar.seance_when_text(seance)}",
            url=reverse("seances:my_seances"),
            detail=calendar.seance_location(seance),
            links=(Link("Ajouter à mon agenda (.ics)", reverse("seances:seance_ics", args=[seance.pk])),),
        )
    yield from _feedback_items(user, now)
    pending = charte_pending_programmes(user).count()
    if pending:
        yield Item(
            label="Charte de confidentialité à accepter",
            url=reverse("seances:charte"),
            detail="avant votre première séance",
        )


# -- participant feedback (issue 20; seances/services/feedback.py) -------------------------------------------


@dataclass(frozen=True)
class FeedbackLink:
    """A feedback link as opened: its token and the live invitation behind it (None: forged, used or expired
    and purged). The permission `seances.give_feedback` is checked on it."""

    token: str
    invitation: AvisInvitation | None


def feedback_link(token: str) -> FeedbackLink:
    invitation = (
        AvisInvitation.objects.select_related("seance__groupe__antenne", "seance__programme", "seance__intervenant")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return FeedbackLink(token=token, invitation=invitation)


def feedback_pending(user, *, today=None) -> list[dict]:
    """The séances held where the conseiller was present and may still give feedback: each with its link's
    token (recomputed, never stored). Two queries."""
    if not is_conseiller(user):
        return []
    today = today or timezone.localdate()
    seances = list(
        Seance.objects.filter(status=Seance.Status.REALISEE, emargement__presents=user)
        .select_related("groupe__antenne")
        .order_by("date")
    )
    links = ((seance, feedback_token(user, seance)) for seance in seances)
    tokens = {token_hash(token): (seance, token) for seance, token in links}
    live = AvisInvitation.objects.filter(token_hash__in=list(tokens), expire_le__gte=today).values_list(
        "token_hash", "expire_le"
    )
    rows = [{"seance": tokens[h][0], "token": tokens[h][1], "expire_le": expire} for h, expire in live]
    return sorted(rows, key=lambda row: row["seance"].date)


def _feedback_items(user, now):
    for row in feedback_pending(user, today=timezone.localtime(now).date()):
        yield Item(
            label=f"Votre avis sur la séance du {calendar.date_text(row['seance'].date)}",
            url=reverse("seances:feedback", kwargs={"token": row["token"]}),
            due=row["expire_le"],
            detail="trois questions, anonyme",
        )


# -- the provider's review (issue 20) -------------------------------------------------------------------
# Staff see « Revue de la prestation à rédiger » from REVUE_OPENS_DAYS before the end of the programme's
# last window until they share it; it is due REVUE_DUE_DAYS after that end.
REVUE_OPENS_DAYS = 45
REVUE_DUE_DAYS = 30
# The prestataire answers once, while the review is not closed; staff may close it without an answer only
# REVUE_ANSWER_DAYS after sharing it (seances/services/review.py).
REVUE_ANSWER_DAYS = 30
HELD_STATUSES = (Seance.Status.REALISEE,)
COMING_STATUSES = (Seance.Status.PROPOSEE, Seance.Status.VALIDEE, Seance.Status.CONVOQUEE)


def revues_visible_to(user):
    """Exactly the reviews `seances.view_revue` allows: staff all of them; a prestataire's account its own
    programmes' reviews once shared (never a draft, never another organisation's); anyone else none."""
    base = RevuePrestation.objects.select_related("programme__prestataire")
    if is_staff_member(user):
        return base
    prestataire = prestataire_of(user) if is_prestataire(user) else None
    if prestataire is None:
        return base.none()
    return base.filter(programme__prestataire=prestataire).exclude(status=RevuePrestation.Status.BROUILLON)


def revue_get(pk) -> RevuePrestation:
    return get_object_or_404(RevuePrestation.objects.select_related("programme__prestataire"), pk=pk)


def revue_of(programme) -> RevuePrestation | None:
    return RevuePrestation.objects.filter(programme=programme).first()


def programme_year_end(programme) -> datetime.date:
    """The end of the programme's last window (30 June of its second year when it has none)."""
    end = programme.fenetres.aggregate(fin=Max("fin"))["fin"]
    return end or datetime.date(programme.annee_debut + 1, 6, 30)


def revue_seances_figures(programme) -> dict:
    """Séances held against due, per site and in total: due = the site's groups × the windows (every
    sub-group séance is a full séance), beside the convention's volume per site in effect at the year's end
    (`seances.pricing.minimum_per_site`, the avenants applied); held (réalisées), cancelled, still to come.
    Plain data (JSON: frozen when the review is shared). Four queries."""
    windows = programme.fenetres.count()
    end = programme_year_end(programme)
    volume = minimum_per_site(programme, on=end)
    counts = {
        row["groupe__antenne"]: row
        for row in Seance.objects.filter(programme=programme)
        .values("groupe__antenne")
        .annotate(
            tenues=Count("pk", filter=Q(status__in=HELD_STATUSES)),
            annulees=Count("pk", filter=Q(status=Seance.Status.ANNULEE)),
            a_venir=Count("pk", filter=Q(status__in=COMING_STATUSES)),
        )
        .order_by()
    }
    rows = []
    for site in programme.sites.select_related("antenne").order_by("antenne__ordre"):
        c = counts.get(site.antenne_id, {})
        rows.append(
            {
                "site": site.antenne.nom,
                "groupes": site.nb_groupes,
                "minimum": volume,
                "dues": site.nb_groupes * windows,
                "tenues": c.get("tenues", 0),
                "annulees": c.get("annulees", 0),
                "a_venir": c.get("a_venir", 0),
            }
        )
    total = {key: sum(r[key] for r in rows) for key in ("groupes", "minimum", "dues", "tenues", "annulees", "a_venir")}
    total["taux"] = french.percent_value(total["tenues"], total["dues"])
    total["taux_minimum"] = french.percent_value(total["tenues"], total["minimum"])
    return {"sites": rows, "total": total, "fenetres": windows, "volume_par_site": volume, "fin": end.isoformat()}


def revue_chiffres(revue: RevuePrestation) -> dict:
    """What the review shows beside the assessment: frozen when shared, else computed now. ``{"seances":
    revue_seances_figures, "sources": review_sources.collect (the bilan's punctuality, the participants'
    feedback), "arretes_le": « 1er décembre 2026 à 9 h 30 », "figes": bool}``."""
    if revue.chiffres:
        return {**revue.chiffres, "figes": True}
    return {**revue_chiffres_now(revue.programme), "figes": False}


def revue_chiffres_now(programme) -> dict:
    return {
        "seances": revue_seances_figures(programme),
        "sources": review_sources.collect(programme),
        "arretes_le": french.date_at(timezone.now()),
    }


def revue_answer_closable_from(revue: RevuePrestation) -> datetime.date | None:
    """The day staff may close a shared review the prestataire has not answered."""
    if revue.partagee_le is None:
        return None
    return timezone.localtime(revue.partagee_le).date() + datetime.timedelta(days=REVUE_ANSWER_DAYS)


def revues_for_reading(user):
    """The reviews of the previous programmes, the latest first: what staff read when they write the next AMI."""
    return revues_visible_to(user).order_by("-programme__annee_debut")


def todo_staff_revue(user, now):
    """Staff: the programmes whose year ends within REVUE_OPENS_DAYS and whose review is not shared yet (due
    REVUE_DUE_DAYS after the end of the last window), or the day the next one opens; shared reviews
    answered by the prestataire, to close. Two queries."""
    if not is_staff_member(user):
        return
    today = timezone.localtime(now).date()
    pending = (
        programmes_visible_to(user)
        .filter(Q(revue__isnull=True) | Q(revue__status=RevuePrestation.Status.BROUILLON))
        .annotate(fin=Max("fenetres__fin"))
        .filter(fin__isnull=False)
        .values("pk", "annee_debut", "fin", "revue")
        .order_by("fin")
    )
    for row in pending:
        opens = row["fin"] - datetime.timedelta(days=REVUE_OPENS_DAYS)
        if today < opens:
            yield Upcoming("revue de la prestation à rédiger", opens)
            continue
        url = (
            reverse("seances:revue", args=[row["revue"]])
            if row["revue"]
            else reverse("seances:board", args=[row["pk"]]) + "#revue"
        )
        yield Item(
            label="Revue de la prestation à rédiger",
            url=url,
            due=row["fin"] + datetime.timedelta(days=REVUE_DUE_DAYS),
            detail=f"Programme {row['annee_debut']}-{row['annee_debut'] + 1} · à partager avec le prestataire",
        )
    answered = (
        revues_visible_to(user).filter(status=RevuePrestation.Status.REPONDUE).order_by("-programme__annee_debut")
    )
    for revue in answered:
        yield Item(
            label="Réponse du prestataire à la revue de la prestation : à lire, puis clore la revue",
            url=reverse("seances:revue", args=[revue.pk]),
            detail=f"Programme {revue.annee}",
        )


def todo_prestataire_revue(user, now):
    """A prestataire: its programmes' reviews shared and not answered yet, to read and answer. One query."""
    if not is_prestataire(user):
        return
    for revue in revues_visible_to(user).filter(status=RevuePrestation.Status.PARTAGEE):
        yield Item(
            label="Revue de la prestation à lire et à laquelle répondre",
            url=reverse("seances:revue", args=[revue.pk]),
            detail=f"Programme {revue.annee} · partagée le {french.day_date(revue.partagee_le)}",
        )


# -- the statement as an invoice (issue 20) ----------------------------------------------------------


def facture_of(releve):
    """The statement's invoice, or None."""
    return Facture.objects.filter(releve=releve).first()


# -- participation certificates (issue 20) -----------------------------------------------------------


def seances_present(user, programme):
    """The séances réalisées of the programme at which the person was recorded present (attendance), by date."""
    return (
        Seance.objects.filter(programme=programme, status=Seance.Status.REALISEE, emargement__presents=user)
        .select_related("groupe__antenne", "programme")
        .distinct()
        .order_by("date", "heure_debut")
    )


def certificate_programmes(user):
    """The programme years for which the person has an attestation: present at one of their séances at least."""
    return (
        Programme.objects.filter(seances__status=Seance.Status.REALISEE, seances__emargement__presents=user)
        .distinct()
        .order_by("-annee_debut")
    )


def certificate_holders(programme):
    """Everyone present at one of the programme's séances réalisées, by name: the bulk issue's recipients."""
    return (
        User.objects.filter(
            pk__in=Emargement.objects.filter(seance__programme=programme, seance__status=Seance.Status.REALISEE).values(
                "presents"
            )
        )
        .select_related("antenne")
        .order_by("last_name", "first_name", "pk")
    )
