"""Planning a programme's séances: the planner's input read from the database, the plan written back."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from mlhg_app.models import Antenne
from mlhg_app.refusals import Refused
from seances import planner
from seances.calendar_rules import programme_years, public_holidays, school_holidays_zone_c
from seances.models import Groupe, IntervenantProgramme, Programme, Seance

S = Seance.Status
# A séance that holds its (group, window): the others (annulée, reportée) leave it free.
ACTIVE_STATUSES = (S.PROPOSEE, S.VALIDEE, S.CONVOQUEE, S.REALISEE)
# The planner places only the (group, window) pairs without an active séance: every active séance
# (proposée included, whoever placed it) is a fixed input, unless one séance is replanned on demand.


def _assignment(seance: Seance, *, fixed: bool = False) -> planner.Assignment:
    return planner.Assignment(
        seance.groupe_id, seance.fenetre_id, seance.date, seance.heure_debut, seance.intervenant_id, fixed=fixed
    )


def first_seance_by(programme: Programme) -> datetime.date | None:
    """The 31 October of the prestation's first year (AMI §8: each site's first séance in September or
    October), when ``programme`` is its prestataire's first; None for a later year."""
    earlier = Programme.objects.filter(prestataire_id=programme.prestataire_id, annee_debut__lt=programme.annee_debut)
    return None if earlier.exists() else datetime.date(programme.annee_debut, 10, 31)


def programme_plan_input(*, programme: Programme, replan: Seance | None = None) -> planner.PlanInput:
    """The planner's input for ``programme`` (7 queries, whatever its size).

    Groups with their antenne and its unavailable weekdays, windows with their indicative months,
    intervenants with their antennes and unavailable dates, and every active séance as fixed (but
    ``replan``, the one séance to place again); public holidays and zone C school holidays of the
    windows' years; in the prestation's first year, each site's first séance by 31 October.
    """
    groupes = list(Groupe.objects.filter(programme=programme).select_related("antenne"))
    fenetres = list(programme.fenetres.all())
    intervenants = list(
        IntervenantProgramme.objects.filter(programme=programme).prefetch_related(
            Prefetch("antennes", queryset=Antenne.objects.only("pk")), "indisponibilites"
        )
    )
    fixed = Seance.objects.filter(programme=programme, status__in=ACTIVE_STATUSES)
    if replan is not None:
        fixed = fixed.exclude(pk=replan.pk)
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
        first_seance_by=first_seance_by(programme),
    )


@dataclass(frozen=True)
class PlanPreview:
    """What « Planifier automatiquement » will do: the séances to place, the ones kept as they are."""

    to_place: int
    kept: int
    manual: int  # of the kept: placed or changed by a person

    @property
    def text(self) -> str:
        place = f"{self.to_place} séance{'s' if self.to_place > 1 else ''} à placer"
        return f"{place}, {self.kept} conservée{'s' if self.kept > 1 else ''}"


def programme_plan_preview(*, programme: Programme) -> PlanPreview:
    """Counts only (3 queries): each (group, window) without an active séance is to place."""
    pairs = programme.groupes.count() * programme.fenetres.count()
    active = Seance.objects.filter(programme=programme, status__in=ACTIVE_STATUSES)
    kept = active.count()
    manual = active.filter(placement=Seance.Placement.MANUELLE).count()
    return PlanPreview(to_place=max(0, pairs - kept), kept=kept, manual=manual)


def programme_plan(
    *, programme: Programme, dry_run: bool = False, time_limit: float = 20.0, seance: Seance | None = None
) -> planner.PlanResult:
    """Place the programme's missing séances with the CP-SAT planner, or ``seance`` alone.

    Every active séance stays where it is (a fixed input: its slot holds the intervenant, the site,
    the group's spacing), so a person's move or change of intervenant is never undone; only the
    (group, window) pairs without an active séance get a new séance (status proposée, placement
    auto). With ``seance`` (a proposée séance, « Replanifier cette séance »), only it is placed
    again, same row (its calendar UID is kept), placement auto. Unless ``dry_run``, and only when a
    complete plan exists, in one transaction; nothing is written when no plan exists, or when the
    séances changed during the solve (the result then says so). No email is sent: the responsable
    validates the proposal later.
    """
    if not programme.fenetres.exists():
        return planner.PlanResult(
            ok=False, reasons=["Le programme n'a aucune fenêtre : ajoutez-en avant de planifier."]
        )
    if not programme.groupes.exists():
        return planner.PlanResult(
            ok=False, reasons=["Le programme n'a aucun groupe : constituez-les avant de planifier."]
        )
    if seance is not None and seance.status != S.PROPOSEE:
        raise Refused("Seule une séance proposée se replanifie ; une séance validée se déplace à la main.")
    inp = programme_plan_input(programme=programme, replan=seance)
    if seance is None and len(inp.fixed) >= len(inp.groups) * len(inp.windows):
        # Nothing to place: the plan is the séances as they are (no solve, nothing written).
        return planner.PlanResult(ok=True, assignments=list(_fixed_inputs(inp)), optimal=True)
    result = planner.plan(inp, time_limit=time_limit)
    if not result.ok or dry_run:
        return result
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one plan at a time
        active = {
            (s.groupe_id, s.fenetre_id): s
            for s in Seance.objects.select_for_update().filter(programme=programme, status__in=ACTIVE_STATUSES)
        }
        kept_now = {_assignment(s, fixed=True) for s in active.values() if seance is None or s.pk != seance.pk}
        target = active.get((seance.groupe_id, seance.fenetre_id)) if seance is not None else None
        if kept_now != set(inp.fixed) or (seance is not None and (target is None or target.pk != seance.pk)):
            return planner.PlanResult(
                ok=False,
                reasons=["Des séances ont été validées ou modifiées pendant le calcul : relancez la planification."],
                wall_time=result.wall_time,
            )
        for a in result.assignments:
            if a.fixed:
                continue
            # Where and by whom the planner placed it: the one séance replanned, or a new proposed one.
            placed = {
                "date": a.date,
                "heure_debut": a.start,
                "intervenant_id": a.intervenant_key,
                "placement": Seance.Placement.AUTO,
            }
            if target is not None:
                for name, value in placed.items():
                    setattr(target, name, value)
                target.save(update_fields=[*placed, "updated_at"])
                continue
            Seance.objects.create(
                programme=programme, groupe_id=a.group_key, fenetre_id=a.window_key, status=S.PROPOSEE, **placed
            )
    return result


def _fixed_inputs(inp: planner.PlanInput):
    return sorted(inp.fixed, key=lambda a: (a.date, a.start))


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
