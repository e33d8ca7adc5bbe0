"""Demo programme 2026-2027: from the AMI 2026 convention, with sub-groups, window 1 dated
September–October 2026 (the first séance of each site, as AMI §8 wants; held or convoked as of today),
windows 2 and 3 planned by the planner, one of their séances then changed by the prestataire (kept by
any later run of the planner)."""

import datetime
from zoneinfo import ZoneInfo

from ami.models import Convention
from mlhg_app.demo import DEMO_PASSWORD, at, ensure_user
from mlhg_app.models import User
from seances.demo_feedback import load_feedback
from seances.demo_held import load_held
from seances.demo_invoice import load_invoice
from seances.demo_review import load_review
from seances.models import Programme, Seance
from seances.services.board import seance_move, seance_request_change, seance_validate
from seances.services.convocations import seance_convoke
from seances.services.planning import programme_plan, seance_move_check
from seances.services.programme import programme_create_from_convention

# Window 1 of the demo, as the responsable validated it: (antenne code, group number, date, time, intervenant).
# The prestation's first year: every site's first séance in September or October 2026 (AMI §8), before the
# Toussaint holidays (17 October – 2 November); Comminges is closed on Wednesdays, Lauragais on Fridays.
PARIS = ZoneInfo("Europe/Paris")
WINDOW_1 = [
    ("nord-est", 1, datetime.date(2026, 9, 29), datetime.time(9, 30), "Olivier"),
    ("nord-est", 2, datetime.date(2026, 9, 29), datetime.time(14, 0), "Olivier"),
    ("ouest", 1, datetime.date(2026, 10, 1), datetime.time(9, 30), "Sabatier"),
    ("nord-ouest", 1, datetime.date(2026, 10, 6), datetime.time(9, 30), "Sabatier"),
    ("sud-garonne", 1, datetime.date(2026, 10, 8), datetime.time(14, 0), "Sabatier"),
    ("muretain", 1, datetime.date(2026, 10, 13), datetime.time(9, 30), "Olivier"),
    ("muretain", 2, datetime.date(2026, 10, 13), datetime.time(14, 0), "Olivier"),
    ("lauragais", 1, datetime.date(2026, 10, 15), datetime.time(9, 30), "Sabatier"),
    ("comminges", 1, datetime.date(2026, 10, 15), datetime.time(14, 0), "Olivier"),
]


# The programme set up once the convention was signed (30 June 2026); window 1 proposed by the prestataire
# at the end of August, validated by the responsable on 10 September: its convocations leave then.
SET_UP = datetime.datetime(2026, 7, 6, 10, 0, tzinfo=PARIS)
WINDOW_1_PROPOSED = datetime.datetime(2026, 8, 31, 15, 0, tzinfo=PARIS)
WINDOW_1_VALIDATED = datetime.datetime(2026, 9, 10, 10, 0, tzinfo=PARIS)


def load(*, today) -> list[tuple[str, str, str]]:
    convention = Convention.objects.filter(dossier__ami__reference="ami-app-2026").first()
    accounts = []
    anne, _ = ensure_user(User.Role.INTERVENANT, "anne.sabatier@horizons-supervision.demo", "Anne", "Sabatier")
    accounts.append((anne.role, anne.email, DEMO_PASSWORD))
    if convention is None or Programme.objects.filter(annee_debut=2026).exists():
        return accounts
    with at(SET_UP):
        programme = programme_create_from_convention(
            convention=convention, responsable=User.objects.get(email="responsable@demo.ml31.org")
        )
    intervenants = {i.nom: i for i in programme.intervenants.all()}
    for intervenant in intervenants.values():
        if intervenant.user is not None:
            continue
        account = User.objects.filter(
            first_name=intervenant.prenom, last_name=intervenant.nom, role="intervenant"
        ).first()
        if account:
            intervenant.user, intervenant.email = account, account.email
            intervenant.save()
    _window_1(programme, intervenants)
    load_held(programme=programme, today=today)
    load_feedback(programme=programme, today=today)
    load_invoice(programme=programme, today=today)  # window 1's statement and its Factur-X invoice
    result = programme_plan(programme=programme)
    if not result.ok:  # the demo's data break a rule: say which, rather than a demo without windows 2 and 3
        raise RuntimeError("Démo : planification impossible : " + " ".join(result.reasons))
    _change_an_intervenant(programme)
    _review_window_2(programme)
    _move_one_convoked(programme)
    load_review(programme=programme, today=today)
    return accounts


def _window_1(programme, intervenants):
    """Window 1 placed by hand (`WINDOW_1`), validated by the responsable and convoked (`seance_convoke`,
    what the validation's queued task does: it finds it done); `load_held` then records the held ones."""
    fenetre = programme.fenetres.get(numero=1)
    groupes = {(g.antenne.code, g.numero): g for g in programme.groupes.select_related("antenne")}
    rows = [(groupes.get((code, numero)), date, heure, nom) for code, numero, date, heure, nom in WINDOW_1]
    with at(WINDOW_1_PROPOSED):
        seances = [
            Seance.objects.create(
                programme=programme, fenetre=fenetre, groupe=g, date=d, heure_debut=h, intervenant=intervenants[nom]
            )
            for g, d, h, nom in rows
            if g is not None
        ]
    with at(WINDOW_1_VALIDATED):
        for seance in seances:
            seance_validate(seance=seance, user=programme.responsable)
            seance_convoke(seance=seance)


def _change_an_intervenant(programme):
    """The prestataire gives a window 3 séance to the other intervenant, same day and time, the Comminges's
    if it can (through the move service: its placement is « manuelle », so a later run of the planner keeps
    it). Which séances the other intervenant is free for depends on the plan the solver found (two workers
    and a time limit: not always the same one), so every proposed séance of window 3 is tried, the
    Comminges's first, until one passes the move's rules."""
    membre = programme.prestataire.membres.select_related("user").first()
    if membre is None:
        return
    seances = programme.seances.filter(fenetre__numero=3, status=Seance.Status.PROPOSEE).select_related(
        "groupe__antenne"
    )
    candidates = sorted(seances, key=lambda s: (s.groupe.antenne.code != "comminges", s.pk))
    for seance in candidates:
        for other in programme.intervenants.exclude(pk=seance.intervenant_id).filter(antennes=seance.groupe.antenne):
            if not seance_move_check(
                seance=seance, date=seance.date, heure_debut=seance.heure_debut, intervenant=other
            ):
                seance_move(
                    seance=seance, date=seance.date, heure_debut=seance.heure_debut, intervenant=other, user=membre.user
                )
                return


def _review_window_2(programme):
    """The responsable has begun to review the planner's proposal: the Muretain's window 2 séances are
    validated (its conseillers see their next séance), one change is asked on the Lauragais; the rest waits."""
    proposed = programme.seances.filter(fenetre__numero=2, status=Seance.Status.PROPOSEE).select_related("groupe")
    for seance in proposed.filter(groupe__antenne__code="muretain").order_by("date", "heure_debut"):
        seance_validate(seance=seance, user=programme.responsable)
    lauragais = proposed.filter(groupe__antenne__code="lauragais").first()
    if lauragais is not None:
        seance_request_change(
            seance=lauragais,
            user=programme.responsable,
            comment="Ce jour-là, l'équipe du Lauragais est en réunion de service : pouvez-vous proposer "
            "un autre jour de la même semaine ?",
        )


def _move_one_convoked(programme):
    """The administration moved one convoked séance of the Muretain a week later: it stays convoked, its
    people got « Séance déplacée » (old and new times, the updated invitation) and its history names who."""
    staff = (
        User.objects.filter(structure=programme.structure, role=User.Role.STAFF, is_active=True)
        .order_by("email")
        .first()
    )
    seance = (
        programme.seances.filter(
            status__in=[Seance.Status.VALIDEE, Seance.Status.CONVOQUEE],
            groupe__antenne__code="muretain",
            fenetre__numero=2,
        )
        .order_by("date")
        .first()
    )
    if staff is None or seance is None:
        return
    seance_convoke(seance=seance)  # what the validation's queued task does (it finds it done)
    seance.refresh_from_db()
    for days in range(7, 15):
        day = seance.date + datetime.timedelta(days=days)
        if not seance_move_check(
            seance=seance, date=day, heure_debut=seance.heure_debut, intervenant=seance.intervenant
        ):
            seance_move(
                seance=seance, date=day, heure_debut=seance.heure_debut, intervenant=seance.intervenant, user=staff
            )
            return
