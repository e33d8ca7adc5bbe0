"""The séances planner: a CP-SAT model that gives every (group, window) a date, a half-day and an intervenant.

Pure Python (no Django, no database): the service `seances.services.planning` builds a `PlanInput`
from the programme and writes the `PlanResult` back.

Hard rules (never broken by a plan)
    a weekday; not a public holiday; not in July or August; inside the group's window; at least
    ``min_gap_days`` (42 = 6 weeks) between the séances of a group in consecutive windows; an
    intervenant who covers the antenne; an intervenant at most once per half-day (so never
    double-booked and at one site per half-day); the intervenant's unavailable dates; the antenne's
    unavailable weekdays; fixed séances (validée, convoquée, réalisée) stay where they are; in the
    prestation's first year (``first_seance_by`` set, the 31 October), each site's first séance
    on or before that day (AMI §8: « Première séance sur chaque site : septembre / octobre »).

Model
    1. Each (group, window) is first reduced to its feasible (date, intervenant) pairs: every unary
       rule above is applied before any variable exists, and the 6-week gap to the group's fixed
       séances is propagated along the group's windows. An empty domain is reported at once, in
       French, with the rules that emptied it.
    2. One Boolean ``x[g, w, d, i]`` per remaining pair; ``exactly_one`` per (g, w).
       The half-day is not a variable: an intervenant has two half-days a day, so "at most once
       per half-day" is ``sum x[., ., d, i] ≤ 2 − (fixed séances of i on d)``; the free half-days
       are then handed out (morning first) to the séances of that intervenant that day. This
       halves the model and removes the morning/afternoon symmetry without losing any plan.
    3. The group's séance day is ``Σ ordinal(d)·x``; consecutive windows differ by ≥ min_gap_days.

Objective (minimised; integer weights, documented as constants below)
    - ``W_PAIR`` (40) per (intervenant, antenne) pair used: an intervenant stays on few sites, and a
      site keeps the same intervenant; fixed séances' pairs count as already used;
    - ``W_SCHOOL`` (12) per séance during the zone C school holidays (shown, not forbidden);
    - ``W_MONTH`` (10) per séance outside its window's indicative months;
    - ``W_PEAK`` (3) × the number of séances in the busiest ISO week of each window (fixed
      included): the window's séances are spread evenly over its weeks.
    So a site changes intervenant only to save 4 séances from falling outside the indicative
    months, a school-holiday week is avoided before an indicative month is kept, and evenness
    decides between otherwise equivalent weeks.

Infeasibility
    When the domains are all non-empty but no plan exists, the model is rebuilt with one assumption
    literal per named family of constraints — the 6-week gap of each group, the capacity of each
    intervenant in each window, the slot held by each fixed séance, the first year's September–October
    start of each site — and solved (one worker, no
    objective, as CP-SAT requires for assumptions). ``sufficient_assumptions_for_infeasibility()``
    gives a core, shrunk by deletion, and each family in it is named in French. No partial plan
    is ever returned.
"""

import datetime
import time as _time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, fields
from typing import get_origin

from ortools.sat.python import cp_model

from seances.calendar_rules import MONTHS_FR, WEEKDAYS_FR, date_fr, date_range_fr, time_fr

# -- Objective weights -------------------------------------------------------------------------

W_PAIR = 40  # each (intervenant, antenne) pair used
W_SCHOOL = 12  # a séance on a zone C school-holiday day
W_MONTH = 10  # a séance outside its window's indicative months
W_PEAK = 3  # per séance in the busiest week of a window

MORNING, AFTERNOON = 0, 1
DEFAULT_START_TIMES = (datetime.time(9, 30), datetime.time(14, 0))
NOON = datetime.time(12, 30)  # a séance starting before 12:30 is a morning séance
SUMMER_MONTHS = (7, 8)


# -- Inputs and outputs -----------------------------------------------------------------------


class _Frozen:
    """A frozen dataclass whose tuple and frozenset fields hold one whatever iterable they were given."""

    def __post_init__(self):
        for spec in fields(self):
            kind = get_origin(spec.type) or spec.type
            if kind in (tuple, frozenset):
                object.__setattr__(self, spec.name, kind(getattr(self, spec.name)))


@dataclass(frozen=True)
class GroupSpec(_Frozen):
    key: Hashable
    antenne_key: Hashable
    antenne_name: str
    label: str
    unavailable_weekdays: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WindowSpec(_Frozen):
    key: Hashable
    numero: int
    start: datetime.date
    end: datetime.date
    preferred_months: frozenset[int] = frozenset()


@dataclass(frozen=True)
class IntervenantSpec(_Frozen):
    key: Hashable
    name: str
    antenne_keys: frozenset = frozenset()
    unavailable_dates: frozenset[datetime.date] = frozenset()


@dataclass(frozen=True)
class Assignment:
    group_key: Hashable
    window_key: Hashable
    date: datetime.date
    start: datetime.time
    intervenant_key: Hashable
    fixed: bool = False


@dataclass(frozen=True)
class PlanInput(_Frozen):
    groups: tuple[GroupSpec, ...]
    windows: tuple[WindowSpec, ...]
    intervenants: tuple[IntervenantSpec, ...]
    fixed: tuple[Assignment, ...] = ()
    public_holidays: frozenset[datetime.date] = frozenset()
    school_holidays: frozenset[datetime.date] = frozenset()
    min_gap_days: int = 42
    start_times: tuple[datetime.time, datetime.time] = DEFAULT_START_TIMES
    # The prestation's first year: each site's first séance on or before this day (31 October).
    first_seance_by: datetime.date | None = None


@dataclass
class PlanResult:
    ok: bool
    assignments: list[Assignment] = field(default_factory=list)
    objective: int | None = None
    optimal: bool = False
    reasons: list[str] = field(default_factory=list)
    wall_time: float = 0.0

    @property
    def placed(self) -> int:
        """The séances this plan gives a slot (the fixed ones apart)."""
        return sum(1 for a in self.assignments if not a.fixed)

    @property
    def kept(self) -> int:
        return sum(1 for a in self.assignments if a.fixed)


# -- French wording ---------------------------------------------------------------------------

WEEKEND = "week-ends"
SUMMER = "juillet et août"
HOLIDAY = "jours fériés"
SITE_DAY = "jours indisponibles du site"
GAP = "gap"
NO_COVER = "aucun intervenant ne couvre le site"
UNAVAILABLE = "indisponibilités des intervenants"
BUSY = "créneaux déjà pris par des séances validées"
CAUSE_ORDER = (WEEKEND, SUMMER, SITE_DAY, HOLIDAY, GAP, NO_COVER, UNAVAILABLE, BUSY)


def gap_text(days: int) -> str:
    """ "6 semaines" for 42 days, "45 jours" otherwise."""
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} semaine" if weeks == 1 else f"{weeks} semaines"
    return f"{days} jours"


def _site_subject(name: str) -> str:
    """ "L'Antenne Comminges", or "Le site X" for a name that does not start with a vowel."""
    return f"L'{name}" if name[:1].lower() in "aeiouyéèêh" else f"Le site {name}"


def _site_object(name: str) -> str:
    subject = _site_subject(name)
    return subject[0].lower() + subject[1:]


def _numbers(values: list[int]) -> str:
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} et {values[-1]}"


def _causes(excluded: dict[datetime.date, set[str]]) -> set[str]:
    """The rules to name for an emptied domain: each rule that alone excludes some date, then,
    for a date excluded by several rules none of which is named yet, all of them."""
    if not excluded:
        return {WEEKEND}
    named = {next(iter(r)) for r in excluded.values() if len(r) == 1}
    for reasons in sorted(excluded.values(), key=len):
        if not reasons & named:
            named |= reasons
    return named


def first_months_text(limit: datetime.date) -> str:
    """ "septembre ou octobre 2026" for the 31 October 2026."""
    previous = 12 if limit.month == 1 else limit.month - 1
    return f"{MONTHS_FR[previous - 1]} ou {MONTHS_FR[limit.month - 1]} {limit.year}"


def half_of(start: datetime.time) -> int:
    return MORNING if start < NOON else AFTERNOON


# -- Domains ----------------------------------------------------------------------------------


class _Instance:
    """The input indexed for the model: lookups, fixed slots, and each (g, w)'s feasible pairs."""

    def __init__(self, inp: PlanInput):
        self.inp = inp
        self.groups = {g.key: g for g in inp.groups}
        self.group_order = {g.key: n for n, g in enumerate(inp.groups)}
        self.windows = sorted(inp.windows, key=lambda w: (w.start, w.numero))
        self.window_by_key = {w.key: w for w in inp.windows}
        self.intervenants = {i.key: i for i in inp.intervenants}
        self.covering = defaultdict(list)
        for i in inp.intervenants:
            for antenne in sorted(i.antenne_keys, key=str):
                self.covering[antenne].append(i.key)
        self.fixed = {}
        self.fixed_at = defaultdict(list)  # (intervenant, date) -> fixed assignments
        for a in inp.fixed:
            if a.group_key in self.groups and a.window_key in self.window_by_key:
                a = Assignment(a.group_key, a.window_key, a.date, a.start, a.intervenant_key, fixed=True)
                self.fixed[a.group_key, a.window_key] = a
                self.fixed_at[a.intervenant_key, a.date].append(a)
        self.options: dict[tuple, dict[datetime.date, list]] = {}
        self.excluded: dict[tuple, dict[datetime.date, set[str]]] = {}
        self._build_domains()

    def free_halves(self, intervenant_key, day) -> list[int]:
        fixed = self.fixed_at.get((intervenant_key, day), [])
        taken = {half_of(a.start) for a in fixed}
        free = [h for h in (MORNING, AFTERNOON) if h not in taken]
        return free[: max(0, 2 - len(fixed))]

    def _build_domains(self):
        inp = self.inp
        for g in inp.groups:
            for w in self.windows:
                if (g.key, w.key) in self.fixed:
                    continue
                self.options[g.key, w.key], self.excluded[g.key, w.key] = self._unary_domain(g, w)
        gap = datetime.timedelta(days=inp.min_gap_days)
        for g in inp.groups:
            dates = []  # the group's remaining dates per window, in window order
            for w in self.windows:
                fixed = self.fixed.get((g.key, w.key))
                dates.append([fixed.date] if fixed else sorted(self.options[g.key, w.key]))
            # Forward then backward pass: each window's dates must leave room for the gap.
            for order in (range(len(self.windows)), range(len(self.windows) - 1, -1, -1)):
                bound = None
                for k in order:
                    w = self.windows[k]
                    if bound is not None and (g.key, w.key) not in self.fixed:
                        forward = order.step == 1
                        kept = [d for d in dates[k] if (d >= bound if forward else d <= bound)]
                        for d in set(dates[k]) - set(kept):
                            del self.options[g.key, w.key][d]
                            self.excluded[g.key, w.key][d] = {GAP}
                        dates[k] = kept
                    if not dates[k]:
                        bound = None
                        continue
                    bound = dates[k][0] + gap if order.step == 1 else dates[k][-1] - gap

    def _unary_domain(self, g: GroupSpec, w: WindowSpec):
        """The (g, w)'s dates with their free covering intervenants, and each excluded weekday's
        reasons."""
        inp = self.inp
        options, excluded = {}, {}
        covering = self.covering.get(g.antenne_key, [])
        day = w.start
        while day <= w.end:
            if day.weekday() < 5:
                reasons = set()
                if day in inp.public_holidays:
                    reasons.add(HOLIDAY)
                if day.month in SUMMER_MONTHS:
                    reasons.add(SUMMER)
                if day.weekday() in g.unavailable_weekdays:
                    reasons.add(SITE_DAY)
                free = []
                if not covering:
                    reasons.add(NO_COVER)
                else:
                    unavailable = busy = False
                    for key in covering:
                        if day in self.intervenants[key].unavailable_dates:
                            unavailable = True
                        elif not self.free_halves(key, day):
                            busy = True
                        else:
                            free.append(key)
                    if not free:
                        reasons |= {UNAVAILABLE} if unavailable else set()
                        reasons |= {BUSY} if busy else set()
                if reasons:
                    excluded[day] = reasons
                else:
                    options[day] = free
            day += datetime.timedelta(days=1)
        return options, excluded

    def empty_domain_reasons(self) -> list[str]:
        reasons = []
        for g in self.inp.groups:
            for w in self.windows:
                key = (g.key, w.key)
                if key in self.options and not self.options[key]:
                    labels = [
                        f"{gap_text(self.inp.min_gap_days)} d'écart avec les autres séances du groupe"
                        if c == GAP
                        else c
                        for c in CAUSE_ORDER
                        if c in _causes(self.excluded[key])
                    ]
                    reasons.append(
                        f"{g.antenne_name} : plus aucune date possible en fenêtre {w.numero} "
                        f"pour le groupe {g.label} ({', '.join(labels)})."
                    )
        return reasons

    def sites_to_start(self) -> dict:
        """The antennes whose first séance is still to place by ``first_seance_by``: antenne key ->
        its groups' (g, w) keys to plan (those with a date on or before that day can start it)."""
        limit = self.inp.first_seance_by
        if limit is None:
            return {}
        started = {self.groups[gk].antenne_key for (gk, _), a in self.fixed.items() if a.date <= limit}
        out = {}
        for g in self.inp.groups:
            if g.antenne_key not in started:
                out.setdefault(g.antenne_key, []).extend(
                    key for key in self.options if key[0] == g.key and any(d <= limit for d in self.options[key])
                )
        return out

    def first_seance_reasons(self) -> list[str]:
        """A site whose first séance cannot fall in September–October: the rules that exclude it."""
        limit = self.inp.first_seance_by
        reasons = []
        for antenne_key, keys in self.sites_to_start().items():
            groups = [g for g in self.inp.groups if g.antenne_key == antenne_key]
            reported = any(not self.options.get((g.key, w.key), True) for g in groups for w in self.windows)
            if keys or reported:  # an emptied domain of the site is named already
                continue
            causes = set()
            late = []
            for g in groups:
                for w in self.windows:
                    if w.start > limit:
                        continue
                    if (g.key, w.key) in self.fixed:
                        late.append(self.fixed[g.key, w.key])
                    else:
                        early = {d: r for d, r in self.excluded.get((g.key, w.key), {}).items() if d <= limit}
                        causes |= _causes(early) if early else set()
            labels = [
                f"la séance de la fenêtre {self.window_by_key[a.window_key].numero} est déjà fixée au {date_fr(a.date)}"
                for a in sorted(late, key=lambda a: a.date)
            ]
            labels += [
                f"{gap_text(self.inp.min_gap_days)} d'écart avec les autres séances du groupe" if c == GAP else c
                for c in CAUSE_ORDER
                if c in causes
            ]
            name = groups[0].antenne_name
            reasons.append(
                f"{name} : la première séance du site doit avoir lieu en {first_months_text(limit)} "
                f"(première année de la prestation), et aucune date de ces deux mois n'est possible "
                f"({', '.join(labels) or 'aucune fenêtre ne les couvre'})."
            )
        return reasons

    def cost(self, g: GroupSpec, w: WindowSpec, day: datetime.date) -> int:
        cost = 0
        if w.preferred_months and day.month not in w.preferred_months:
            cost += W_MONTH
        if day in self.inp.school_holidays:
            cost += W_SCHOOL
        return cost


# -- The CP-SAT model -------------------------------------------------------------------------


class _Model:
    """The CP-SAT model over the instance's domains; with ``assumptions`` the rule families are
    enforced by literals (for explaining infeasibility) and there is no objective.

    Built in named steps, in this order (the order of variables and constraints is kept, so that
    the solver's search, and hence the plan, is the same): the variables, then the hard rules one
    by one, then the objective's terms."""

    def __init__(self, inst: _Instance, *, assumptions: bool = False):
        self.inst = inst
        self.model = cp_model.CpModel()
        self.x: dict[tuple, cp_model.IntVar] = {}
        self.families: dict[int, tuple] = {}  # literal index -> (kind, key)
        self.literals: dict[tuple, cp_model.IntVar] = {}
        self.by_gw = defaultdict(list)  # (group, window) -> [(day offset, var)]
        self.by_slot = defaultdict(list)  # (intervenant, date) -> vars
        self.slot_windows = defaultdict(set)  # (intervenant, date) -> windows
        self.by_gwi = defaultdict(list)  # (group, window, intervenant) -> vars
        self.by_week = defaultdict(list)  # (window, iso week) -> vars
        self.cost_vars: list = []
        self.cost_coeffs: list[int] = []

        self._add_variables()
        self._add_one_seance_per_group_and_window()
        self._add_gap_between_windows(assumptions=assumptions)
        self._add_first_seance_by_site(assumptions=assumptions)
        if assumptions:
            self._add_intervenant_capacity_assumed()
            self.model.add_assumptions(list(self.literals.values()))
            return
        self._add_intervenant_capacity()
        constant = self._add_pair_terms()
        self._add_peak_week_terms()
        constant += self._fixed_seances_cost()
        self.model.minimize(cp_model.LinearExpr.weighted_sum(self.cost_vars, self.cost_coeffs) + constant)

    # -- Variables ---------------------------------------------------------------------------

    def _add_variables(self):
        """One Boolean ``x[g, w, d, i]`` per feasible (date, intervenant) of each (g, w), indexed
        by group and window, slot, intervenant and week; a day's own cost goes to the objective."""
        inst = self.inst
        base = self.base = min((w.start for w in inst.windows), default=datetime.date.today()).toordinal()
        for (gk, wk), options in inst.options.items():
            g, w = inst.groups[gk], inst.window_by_key[wk]
            for day, intervenant_keys in options.items():
                cost = inst.cost(g, w, day)
                week = day.isocalendar()[:2]
                offset = day.toordinal() - base
                for ik in intervenant_keys:
                    var = self.model.new_bool_var(f"x_{gk}_{wk}_{day:%Y%m%d}_{ik}")
                    self.x[gk, wk, day, ik] = var
                    self.by_gw[gk, wk].append((offset, var))
                    self.by_slot[ik, day].append(var)
                    self.slot_windows[ik, day].add(wk)
                    self.by_gwi[gk, wk, ik].append(var)
                    self.by_week[wk, week].append(var)
                    if cost:
                        self.cost_vars.append(var)
                        self.cost_coeffs.append(cost)

    # -- Hard rules ----------------------------------------------------------------------------

    def _add_one_seance_per_group_and_window(self):
        for pairs in self.by_gw.values():
            self.model.add_exactly_one(var for _, var in pairs)

    def _add_gap_between_windows(self, *, assumptions: bool):
        """The 6-week gap between a group's séances in consecutive windows (both to plan; the gap
        to a fixed séance is already in the domains)."""
        inst, min_gap = self.inst, self.inst.inp.min_gap_days
        for g in inst.inp.groups:
            for w1, w2 in zip(inst.windows, inst.windows[1:], strict=False):
                first, second = self.by_gw.get((g.key, w1.key)), self.by_gw.get((g.key, w2.key))
                if not first or not second or min(o for o, _ in second) - max(o for o, _ in first) >= min_gap:
                    continue
                terms = [(-o, v) for o, v in first] + list(second)
                c = self.model.add(
                    cp_model.LinearExpr.weighted_sum([v for _, v in terms], [o for o, _ in terms]) >= min_gap
                )
                if assumptions:
                    c.only_enforce_if(self._literal(("gap", g.key)))

    def _add_first_seance_by_site(self, *, assumptions: bool):
        """The prestation's first year: each site not started yet has a séance on or before
        ``first_seance_by`` (at least one of its groups' séances to plan)."""
        limit = self.inst.inp.first_seance_by
        for antenne_key, keys in self.inst.sites_to_start().items():
            early = [var for key in keys for offset, var in self.by_gw[key] if self._day(offset) <= limit]
            c = self.model.add(cp_model.LinearExpr.sum(early) >= 1)
            if assumptions:
                c.only_enforce_if(self._literal(("first", antenne_key)))

    def _day(self, offset: int) -> datetime.date:
        return datetime.date.fromordinal(self.base + offset)

    def _add_intervenant_capacity(self):
        """An intervenant at most once per half-day: two half-days minus the fixed ones."""
        for (ik, day), vars_ in self.by_slot.items():
            capacity = len(self.inst.free_halves(ik, day))
            if len(vars_) > capacity:
                self.model.add(cp_model.LinearExpr.sum(vars_) <= capacity)

    def _add_intervenant_capacity_assumed(self):
        """The same rule for explaining infeasibility: each fixed séance holds its slot by a literal,
        and the capacity of the intervenant in each window is a named family."""
        for (ik, day), vars_ in self.by_slot.items():
            fixed = self.inst.fixed_at.get((ik, day), [])
            held = [self._literal(("fixed", (a.group_key, a.window_key))) for a in fixed]
            if len(vars_) + len(held) > 2:
                c = self.model.add(cp_model.LinearExpr.sum(vars_ + held) <= 2)
                windows = sorted(self.slot_windows[ik, day], key=str)
                c.only_enforce_if([self._literal(("capacity", (ik, wk))) for wk in windows])

    # -- Objective terms -----------------------------------------------------------------------

    def _add_pair_terms(self) -> int:
        """``W_PAIR`` per (intervenant, antenne) pair used; the fixed séances' pairs are used
        already (returned as the objective's constant)."""
        inst = self.inst
        fixed_pairs = {(a.intervenant_key, inst.groups[a.group_key].antenne_key) for a in inst.fixed.values()}
        pairs = {}
        for (gk, _wk, ik), vars_ in self.by_gwi.items():
            pair = (ik, inst.groups[gk].antenne_key)
            if pair in fixed_pairs:
                continue
            if pair not in pairs:
                pairs[pair] = self.model.new_bool_var(f"pair_{ik}_{pair[1]}")
            self.model.add(pairs[pair] >= cp_model.LinearExpr.sum(vars_))
        self.cost_vars += list(pairs.values())
        self.cost_coeffs += [W_PAIR] * len(pairs)
        return W_PAIR * len(fixed_pairs)

    def _add_peak_week_terms(self):
        """``W_PEAK`` × the séances of the busiest week of each window (fixed séances included)."""
        inst = self.inst
        fixed_weeks = defaultdict(int)
        for a in inst.fixed.values():
            fixed_weeks[a.window_key, a.date.isocalendar()[:2]] += 1
        for w in inst.windows:
            weeks = {week for (wk, week) in [*self.by_week, *fixed_weeks] if wk == w.key}
            if not weeks:
                continue
            total = sum(1 for _, wk in [*inst.options, *inst.fixed] if wk == w.key)
            peak = self.model.new_int_var(0, total, f"peak_{w.key}")
            for week in weeks:
                self.model.add(
                    peak
                    >= cp_model.LinearExpr.sum(self.by_week.get((w.key, week), [])) + fixed_weeks.get((w.key, week), 0)
                )
            self.cost_vars.append(peak)
            self.cost_coeffs.append(W_PEAK)

    def _fixed_seances_cost(self) -> int:
        """The fixed séances' own costs, so that the objective is the whole plan's."""
        inst = self.inst
        return sum(
            inst.cost(inst.groups[a.group_key], inst.window_by_key[a.window_key], a.date) for a in inst.fixed.values()
        )

    def _literal(self, family):
        if family not in self.literals:
            lit = self.model.new_bool_var(f"{family[0]}_{family[1]}")
            self.families[lit.index] = family
            self.literals[family] = lit
        return self.literals[family]


def _solver(time_limit: float, num_workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = 7
    # Measured on the 40-group instance: symmetry detection and probing cost seconds in presolve
    # (the gap constraints give ~120 000 binary implications) and do not help the search.
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    return solver


# -- Planning ---------------------------------------------------------------------------------


def plan(inp: PlanInput, *, time_limit: float = 20.0, num_workers: int = 2) -> PlanResult:
    """A complete plan for every (group, window) of ``inp``, or the reasons none exists.

    ``assignments`` holds the fixed séances (``fixed=True``) and the new ones, sorted by date;
    ``objective`` is the weighted cost (module docstring); ``optimal`` says CP-SAT proved it.
    """
    started = _time.monotonic()
    inst = _Instance(inp)
    empty = inst.empty_domain_reasons() + inst.first_seance_reasons()
    if empty:
        return PlanResult(ok=False, reasons=empty, wall_time=_time.monotonic() - started)
    built = _Model(inst)
    solver = _solver(time_limit, num_workers)
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignments = _extract(inst, built, solver)
        return PlanResult(
            ok=True,
            assignments=assignments,
            objective=round(solver.objective_value),
            optimal=status == cp_model.OPTIMAL,
            wall_time=_time.monotonic() - started,
        )
    if status == cp_model.INFEASIBLE:
        remaining = max(1.0, time_limit - (_time.monotonic() - started))
        reasons = _explain(inst, time_limit=remaining)
    elif status == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in this module
        raise RuntimeError(built.model.validate())
    else:
        seconds = f"{time_limit:g}".replace(".", ",")
        reasons = [f"Aucun plan trouvé en {seconds} s : relancez le calcul avec plus de temps."]
    return PlanResult(ok=False, reasons=reasons, wall_time=_time.monotonic() - started)


def _extract(inst: _Instance, built: _Model, solver: cp_model.CpSolver) -> list[Assignment]:
    chosen = defaultdict(list)  # (intervenant, date) -> group/window keys
    for (gk, wk, day, ik), var in built.x.items():
        if solver.boolean_value(var):
            chosen[ik, day].append((gk, wk))
    start_times = inst.inp.start_times
    out = list(inst.fixed.values())
    for (ik, day), keys in chosen.items():
        halves = inst.free_halves(ik, day)
        keys.sort(key=lambda k: inst.group_order[k[0]])
        for (gk, wk), half in zip(keys, halves, strict=False):
            out.append(Assignment(gk, wk, day, start_times[half], ik))
    out.sort(key=lambda a: (a.date, a.start, inst.group_order[a.group_key]))
    return out


def _explain(inst: _Instance, *, time_limit: float) -> list[str]:
    """Name, in French, a small set of rule families that together leave no plan."""
    built = _Model(inst, assumptions=True)
    deadline = _time.monotonic() + time_limit
    solver = _solver(min(time_limit, 10.0), 1)
    status = solver.solve(built.model)
    if status != cp_model.INFEASIBLE:
        return ["Aucun plan ne respecte toutes les règles, et la cause n'a pas pu être isolée à temps."]
    core = list(solver.sufficient_assumptions_for_infeasibility())
    # Shrink by deletion: drop a family when the others are still infeasible without it.
    literal_by_index = {lit.index: lit for lit in built.literals.values()}
    k = 0
    while k < len(core) and len(core) > 1 and _time.monotonic() < deadline:
        trial = core[:k] + core[k + 1 :]
        built.model.clear_assumptions()
        built.model.add_assumptions([literal_by_index[i] for i in trial])
        probe = _solver(max(0.5, min(5.0, deadline - _time.monotonic())), 1)
        if probe.solve(built.model) == cp_model.INFEASIBLE:
            core = [i for i in probe.sufficient_assumptions_for_infeasibility() if i in trial] or trial
        else:
            k += 1

    def order(family):
        kind, key = family
        if kind == "capacity":
            return (0, inst.intervenants[key[0]].name, inst.window_by_key[key[1]].numero)
        if kind == "gap":
            return (1, inst.group_order[key])
        if kind == "first":
            return (1, min(inst.group_order[g.key] for g in inp.groups if g.antenne_key == key))
        fixed = inst.fixed[key]
        return (2, fixed.date, fixed.start, inst.group_order[fixed.group_key])

    inp = inst.inp
    families = sorted((built.families[i] for i in core if i in built.families), key=order)
    reasons = [_family_reason(inst, family) for family in families]
    return reasons or ["Aucun plan ne respecte toutes les règles."]


def _family_reason(inst: _Instance, family) -> str:
    kind, key = family
    inp = inst.inp
    if kind == "capacity":
        ik, wk = key
        w = inst.window_by_key[wk]
        names = []
        for g in inp.groups:
            options = inst.options.get((g.key, wk), {})
            if any(ik in keys for keys in options.values()) and g.antenne_name not in names:
                names.append(g.antenne_name)
        return f"{inst.intervenants[ik].name} : trop de séances pour ses créneaux en fenêtre {w.numero} ({', '.join(names)})."
    if kind == "gap":
        g = inst.groups[key]
        numeros = [w.numero for w in inst.windows if (g.key, w.key) in inst.options]
        return (
            f"{g.antenne_name} : impossible de tenir {gap_text(inp.min_gap_days)} entre les séances "
            f"du groupe {g.label} (fenêtres {_numbers(numeros)})."
        )
    if kind == "first":
        name = next(g.antenne_name for g in inp.groups if g.antenne_key == key)
        return (
            f"{name} : impossible de tenir la première séance du site en "
            f"{first_months_text(inp.first_seance_by)} avec les autres règles."
        )
    a = inst.fixed[key]
    g = inst.groups[a.group_key]
    name = inst.intervenants[a.intervenant_key].name if a.intervenant_key in inst.intervenants else ""
    return (
        f"La séance déjà validée du {date_fr(a.date)} à {time_fr(a.start)} ({g.label}, {name}) "
        "occupe un créneau nécessaire aux autres séances."
    )


# -- A manual change --------------------------------------------------------------------------


def check_assignment(inp: PlanInput, others: Iterable[Assignment], proposal: Assignment) -> list[str]:
    """The hard rules a manual (group, window, date, start, intervenant) breaks, named in French.

    ``others`` are the programme's other active séances (the moved one excluded); ``inp.fixed``
    is not used here. An empty list means the change is allowed.
    """
    groups = {g.key: g for g in inp.groups}
    group = groups[proposal.group_key]
    window = {w.key: w for w in inp.windows}[proposal.window_key]
    intervenant = {i.key: i for i in inp.intervenants}.get(proposal.intervenant_key)
    others = [o for o in others if o != proposal]
    return [
        *_calendar_breaches(inp, window, proposal.date),
        *_group_spacing_breaches(inp, group, window, others, proposal.date),
        *_intervenant_breaches(groups, intervenant, others, proposal),
        *_site_breaches(group, intervenant, proposal.date),
        *_first_seance_breaches(inp, groups, window, others, proposal),
    ]


def _calendar_breaches(inp: PlanInput, window: WindowSpec, day: datetime.date) -> list[str]:
    """The day itself: a public holiday, a weekend, the summer, outside the séance's window."""
    out = []
    if day in inp.public_holidays:
        out.append(f"Le {date_fr(day)} est un jour férié.")
    if day.weekday() >= 5:
        out.append(f"{WEEKDAYS_FR[day.weekday()].capitalize()} : les séances ont lieu en semaine.")
    if day.month in SUMMER_MONTHS:
        out.append(f"{MONTHS_FR[6].capitalize()} et {MONTHS_FR[7]} sont exclus.")
    if not window.start <= day <= window.end:
        out.append(f"Hors de la fenêtre {window.numero} ({date_range_fr(window.start, window.end)}).")
    return out


def _group_spacing_breaches(
    inp: PlanInput, group: GroupSpec, window: WindowSpec, others: list[Assignment], day: datetime.date
) -> list[str]:
    """The group's other séances: one per window, and ``min_gap_days`` between two."""
    out = []
    gap = gap_text(inp.min_gap_days)
    for o in sorted((o for o in others if o.group_key == group.key), key=lambda o: o.date):
        delta = (day - o.date).days
        if o.window_key == window.key:
            out.append(f"Ce groupe a déjà une séance en fenêtre {window.numero} (le {date_fr(o.date)}).")
        elif 0 <= delta < inp.min_gap_days:
            out.append(f"Moins de {gap} après la séance du {date_fr(o.date)} de ce groupe.")
        elif 0 < -delta < inp.min_gap_days:
            out.append(f"Moins de {gap} avant la séance du {date_fr(o.date)} de ce groupe.")
    return out


def _intervenant_breaches(
    groups: dict, intervenant: IntervenantSpec | None, others: list[Assignment], proposal: Assignment
) -> list[str]:
    """The intervenant: in the programme, free that half-day, available that day."""
    if intervenant is None:
        return ["Cet intervenant ne fait pas partie du programme."]
    out = []
    day, half = proposal.date, half_of(proposal.start)
    for o in others:
        if o.intervenant_key == intervenant.key and o.date == day and half_of(o.start) == half:
            moment = "ce matin-là" if half == MORNING else "cet après-midi-là"
            site = groups[o.group_key].antenne_name if o.group_key in groups else ""
            out.append(f"{intervenant.name} anime déjà une séance {moment} ({site}).")
            break
    if day in intervenant.unavailable_dates:
        out.append(f"{intervenant.name} est indisponible ce jour-là.")
    return out


def _first_seance_breaches(
    inp: PlanInput, groups: dict, window: WindowSpec, others: list[Assignment], proposal: Assignment
) -> list[str]:
    """The prestation's first year: a site's only séance on or before ``first_seance_by`` stays there."""
    limit = inp.first_seance_by
    if limit is None or proposal.date <= limit or window.start > limit:
        return []
    site = groups[proposal.group_key].antenne_key
    if any(o.date <= limit for o in others if o.group_key in groups and groups[o.group_key].antenne_key == site):
        return []
    name = groups[proposal.group_key].antenne_name
    return [
        f"Première année de la prestation : la première séance {_of_site(name)} doit avoir lieu en "
        f"{first_months_text(limit)}."
    ]


def _of_site(name: str) -> str:
    """ "de l'Antenne Comminges", "du site X"."""
    subject = _site_object(name)
    return f"de {subject}" if subject.startswith("l'") else f"du {subject.removeprefix('le ')}"


def _site_breaches(group: GroupSpec, intervenant: IntervenantSpec | None, day: datetime.date) -> list[str]:
    """The group's site: open that weekday, covered by the intervenant."""
    out = []
    if day.weekday() in group.unavailable_weekdays:
        out.append(f"{_site_subject(group.antenne_name)} n'accueille pas de séance le {WEEKDAYS_FR[day.weekday()]}.")
    if intervenant is not None and group.antenne_key not in intervenant.antenne_keys:
        out.append(f"{intervenant.name} ne couvre pas {_site_object(group.antenne_name)}.")
    return out


# -- A synthetic instance (benchmark and tests) -----------------------------------------------


def synthetic_input(
    *,
    groups: int = 40,
    intervenants: int = 6,
    sites: int = 8,
    year: int = 2026,
    public_holidays: Iterable[datetime.date] = (),
    school_holidays: Iterable[datetime.date] = (),
    first_year: bool = False,
) -> PlanInput:
    """``groups`` groups spread over ``sites`` sites, the three windows of the programme year
    starting in September ``year``, and ``intervenants`` intervenants each covering three
    neighbouring sites, each unavailable a few days; with ``first_year``, each site's first séance by
    31 October."""
    windows = (
        WindowSpec("w1", 1, datetime.date(year, 9, 1), datetime.date(year, 12, 18), {10, 11}),
        WindowSpec("w2", 2, datetime.date(year + 1, 1, 4), datetime.date(year + 1, 3, 31), {2, 3}),
        WindowSpec("w3", 3, datetime.date(year + 1, 4, 1), datetime.date(year + 1, 6, 30), {6}),
    )
    site_names = [f"Site {n + 1}" for n in range(sites)]
    specs = []
    for n in range(groups):
        site = n % sites
        specs.append(
            GroupSpec(
                key=f"g{n + 1}",
                antenne_key=f"s{site + 1}",
                antenne_name=site_names[site],
                label=f"{site_names[site]} – groupe {n // sites + 1}",
                unavailable_weekdays={2} if site == 0 else (),
            )
        )
    people = []
    for n in range(intervenants):
        covered = {f"s{(n * sites // intervenants + k) % sites + 1}" for k in range(3)}
        off = {datetime.date(year, 10, 5) + datetime.timedelta(days=7 * k + n) for k in range(4)}
        people.append(IntervenantSpec(f"i{n + 1}", f"Intervenant {n + 1}", covered, off))
    return PlanInput(
        groups=tuple(specs),
        windows=windows,
        intervenants=tuple(people),
        public_holidays=frozenset(public_holidays),
        school_holidays=frozenset(school_holidays),
        first_seance_by=datetime.date(year, 10, 31) if first_year else None,
    )
