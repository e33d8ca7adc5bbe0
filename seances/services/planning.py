"""Planning a programme's séances: the planner's input read from the database, the plan written back."""

import datetime

from django.db import transaction
from django.db.models import Prefetch

from mlhg_app.models import Antenne
from seances import planner
from seances.calendar_rules import programme_years, public_holidays, school_holidays_zone_c
from seances.models import Groupe, IntervenantProgramme, Programme, Seance

S = Seance.Status
# A séance that holds its (group, window): the others (annulée, reportée) leave it free.
ACTIVE_STATUSES = (S.PROPOSEE, S.VALIDEE, S.CONVOQUEE, S.REALISEE)
# A séance the planner keeps where it is.
FIXED_STATUSES = (S.VALIDEE, S.CONVOQUEE, S.REALISEE)


def _assignment(seance: Seance, *, fixed: bool = False) -> planner.Assignment:
    return planner.Assignment(
        seance.groupe_id, seance.fenetre_id, seance.date, seance.heure_debut, seance.intervenant_id, fixed=fixed
    )


def programme_plan_input(*, programme: Programme) -> planner.PlanInput:
    """The planner's input for ``programme`` (6 queries, whatever its size).

    Groups with their antenne and its unavailable weekdays, windows with their indicative months,
    intervenants with their antennes and unavailable dates, and the validée/convoquée/réalisée
    séances as fixed; public holidays and zone C school holidays of the windows' years.
    """
    groupes = list(Groupe.objects.filter(programme=programme).select_related("antenne"))
    fenetres = list(programme.fenetres.all())
    intervenants = list(
        IntervenantProgramme.objects.filter(programme=programme).prefetch_related(
            Prefetch("antennes", queryset=Antenne.objects.only("pk")), "indisponibilites"
        )
    )
    fixed = list(Seance.objects.filter(programme=programme, status__in=FIXED_STATUSES))
    years = programme_years(*[d for f in fenetres for d in (f.debut, f.fin)])
    return planner.PlanInput(
        groups=tuple(
            planner.GroupSpec(
                key=g.pk,
                antenne_key=g.antenne_id,
                antenne_name=g.antenne.nom,
                label=str(g),
                unavailable_weekdays=frozenset(g.antenne.jours_indisponibles or ()),
            )
            for g in groupes
        ),
        windows=tuple(
            planner.WindowSpec(f.pk, f.numero, f.debut, f.fin, frozenset(f.mois_indicatifs or ())) for f in fenetres
        ),
        intervenants=tuple(
            planner.IntervenantSpec(
                key=i.pk,
                name=f"{i.prenom} {i.nom}",
                antenne_keys=frozenset(a.pk for a in i.antennes.all()),
                unavailable_dates=frozenset(x.date for x in i.indisponibilites.all()),
            )
            for i in intervenants
        ),
        fixed=tuple(_assignment(s, fixed=True) for s in fixed),
        public_holidays=frozenset(public_holidays(years)),
        school_holidays=frozenset(school_holidays_zone_c(years)),
    )


def programme_plan(*, programme: Programme, dry_run: bool = False, time_limit: float = 20.0) -> planner.PlanResult:
    """Plan every (group, window) of the programme with the CP-SAT planner.

    The validée, convoquée and réalisée séances stay where they are. Unless ``dry_run``, and only
    when a complete plan exists, in one transaction: each (group, window) without an active séance
    gets a new séance (status proposée, date, start time, intervenant); each proposée séance is
    moved to the new plan's date, time and intervenant (same row, so its calendar UID is kept).
    Nothing is written when no plan exists, or when the fixed séances changed during the solve
    (the result then says so). No email is sent: the responsable validates the proposal later.
    """
    if not programme.fenetres.exists():
        return planner.PlanResult(
            ok=False, reasons=["Le programme n'a aucune fenêtre : ajoutez-en avant de planifier."]
        )
    if not programme.groupes.exists():
        return planner.PlanResult(
            ok=False, reasons=["Le programme n'a aucun groupe : constituez-les avant de planifier."]
        )
    inp = programme_plan_input(programme=programme)
    result = planner.plan(inp, time_limit=time_limit)
    if not result.ok or dry_run:
        return result
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one plan at a time
        active = {
            (s.groupe_id, s.fenetre_id): s
            for s in Seance.objects.select_for_update().filter(programme=programme, status__in=ACTIVE_STATUSES)
        }
        fixed_now = {_assignment(s, fixed=True) for s in active.values() if s.status in FIXED_STATUSES}
        if fixed_now != set(inp.fixed):
            return planner.PlanResult(
                ok=False,
                reasons=["Des séances ont été validées ou modifiées pendant le calcul : relancez la planification."],
                wall_time=result.wall_time,
            )
        for a in result.assignments:
            if a.fixed:
                continue
            seance = active.get((a.group_key, a.window_key))
            if seance is None:
                Seance.objects.create(
                    programme=programme,
                    groupe_id=a.group_key,
                    fenetre_id=a.window_key,
                    date=a.date,
                    heure_debut=a.start,
                    intervenant_id=a.intervenant_key,
                    status=S.PROPOSEE,
                )
            elif (seance.date, seance.heure_debut, seance.intervenant_id) != (a.date, a.start, a.intervenant_key):
                seance.date, seance.heure_debut, seance.intervenant_id = a.date, a.start, a.intervenant_key
                seance.save(update_fields=["date", "heure_debut", "intervenant", "updated_at"])
    return result


def seance_move_check(
    *, seance: Seance, date: datetime.date, heure_debut: datetime.time, intervenant: IntervenantProgramme
) -> list[str]:
    """The hard rules that moving ``seance`` to this date, time and intervenant would break (in French).

    Checked against the programme's other active séances; an empty list means the move is allowed.
    No side effect.
    """
    programme = seance.programme
    inp = programme_plan_input(programme=programme)
    others = [
        _assignment(s)
        for s in Seance.objects.filter(programme=programme, status__in=ACTIVE_STATUSES).exclude(pk=seance.pk)
    ]
    proposal = planner.Assignment(seance.groupe_id, seance.fenetre_id, date, heure_debut, intervenant.pk)
    return planner.check_assignment(inp, others, proposal)
