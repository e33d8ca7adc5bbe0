"""The CP-SAT planner, without a database: hard rules, soft goals, French reasons, manual moves."""

import datetime
import time
from collections import Counter

from seances.calendar_rules import public_holidays, school_holidays_zone_c
from seances.planner import (
    Assignment,
    GroupSpec,
    IntervenantSpec,
    PlanInput,
    WindowSpec,
    check_assignment,
    plan,
    synthetic_input,
)
from tests.seances_world import AFTERNOON, MORNING

D = datetime.date
PUBLIC = frozenset(public_holidays([2026, 2027]))
SCHOOL = frozenset(school_holidays_zone_c([2026, 2027]))

OUEST = GroupSpec("ouest", "a-ouest", "Antenne Ouest", "Antenne Ouest")
MURET = GroupSpec("muret", "a-muret", "Antenne Muretain", "Antenne Muretain")
COMMINGES = GroupSpec("comminges", "a-comminges", "Antenne Comminges", "Antenne Comminges", {2})

W1 = WindowSpec("w1", 1, D(2026, 9, 1), D(2026, 12, 19), {10, 11})
W2 = WindowSpec("w2", 2, D(2027, 1, 4), D(2027, 3, 31), {2, 3})
W3 = WindowSpec("w3", 3, D(2027, 4, 1), D(2027, 6, 30), {6})

MARC = IntervenantSpec("marc", "Marc Olivier", {"a-ouest", "a-muret"}, {D(2026, 10, 13), D(2026, 11, 17)})
JULIE = IntervenantSpec("julie", "Julie Bernard", {"a-muret", "a-comminges"}, {D(2027, 2, 2)})


def make(groups=(OUEST, MURET, COMMINGES), windows=(W1, W2, W3), intervenants=(MARC, JULIE), **kwargs):
    kwargs.setdefault("public_holidays", PUBLIC)
    kwargs.setdefault("school_holidays", SCHOOL)
    return PlanInput(groups=groups, windows=windows, intervenants=intervenants, **kwargs)


def solve(inp, **kwargs):
    kwargs.setdefault("time_limit", 10)
    return plan(inp, **kwargs)


def assert_refused(result, *reasons):
    assert result.ok is False
    assert result.assignments == []
    assert result.reasons == list(reasons)


def assert_no_date_left(result, group, window, why):
    """Refused with the one reason « <group> : plus aucune date possible en fenêtre <window> pour le groupe <group>
    (<why>). » (the groups here are named as their site; test_weekdays_only spells the sentence out)."""
    assert_refused(result, f"{group} : plus aucune date possible en fenêtre {window} pour le groupe {group} ({why}).")


# -- A complete plan ---------------------------------------------------------------------------


def test_small_instance_gets_a_complete_plan_that_keeps_every_hard_rule():
    inp = make()
    result = solve(inp)
    assert result.ok and result.optimal and result.reasons == []
    plan_ = {(a.group_key, a.window_key): a for a in result.assignments}
    assert set(plan_) == {(g.key, w.key) for g in inp.groups for w in inp.windows}
    groups = {g.key: g for g in inp.groups}
    windows = {w.key: w for w in inp.windows}
    people = {i.key: i for i in inp.intervenants}
    for a in result.assignments:
        group, window, person = groups[a.group_key], windows[a.window_key], people[a.intervenant_key]
        assert a.date.weekday() < 5  # a weekday
        assert a.date not in PUBLIC  # not a public holiday
        assert a.date.month not in (7, 8)  # not in summer
        assert window.start <= a.date <= window.end  # inside its window
        assert group.antenne_key in person.antenne_keys  # the intervenant covers the site
        assert a.date not in person.unavailable_dates  # the intervenant is available
        assert a.date.weekday() not in group.unavailable_weekdays  # the site hosts that day
        assert a.start in (MORNING, AFTERNOON)
    for group in inp.groups:  # 6 weeks between a group's séances
        dates = [plan_[group.key, w.key].date for w in (W1, W2, W3)]
        assert all((b - a).days >= 42 for a, b in zip(dates, dates[1:], strict=False))
    # Never double-booked: one séance per intervenant and half-day.
    slots = Counter((a.intervenant_key, a.date, a.start) for a in result.assignments)
    assert max(slots.values()) == 1
    # Soft goals reached on this easy instance: indicative months, no school holidays, one
    # intervenant per site (3 pairs: 40 each), one séance a week at most (3 per window).
    assert all(a.date.month in windows[a.window_key].preferred_months for a in result.assignments)
    assert not any(a.date in SCHOOL for a in result.assignments)
    assert len({(a.intervenant_key, groups[a.group_key].antenne_key) for a in result.assignments}) == 3
    assert result.objective == 3 * 40 + 3 * 3
    assert result.wall_time < 5


def test_fixed_seances_stay_where_they_are():
    fixed = Assignment("ouest", "w1", D(2026, 9, 15), AFTERNOON, "marc")  # outside Oct/Nov: kept anyway
    result = solve(make(fixed=(fixed,)))
    assert result.ok
    kept = [a for a in result.assignments if a.fixed]
    assert kept == [Assignment("ouest", "w1", D(2026, 9, 15), AFTERNOON, "marc", fixed=True)]
    assert sum(1 for a in result.assignments if (a.group_key, a.window_key) == ("ouest", "w1")) == 1
    assert len(result.assignments) == 9


def test_a_fixed_afternoon_leaves_the_morning_to_the_planner():
    day = D(2026, 10, 5)
    window = WindowSpec("w1", 1, day, day)
    fixed = Assignment("ouest", "w1", day, AFTERNOON, "marc")
    result = solve(make(groups=(OUEST, MURET), windows=(window,), intervenants=(MARC,), fixed=(fixed,)))
    assert result.ok
    assert [(a.group_key, a.start, a.fixed) for a in result.assignments] == [
        ("muret", MORNING, False),
        ("ouest", AFTERNOON, True),
    ]


def test_two_seances_of_an_intervenant_the_same_day_take_the_two_half_days():
    day = D(2026, 10, 5)
    result = solve(make(groups=(OUEST, MURET), windows=(WindowSpec("w1", 1, day, day),), intervenants=(MARC,)))
    assert result.ok
    assert sorted(a.start for a in result.assignments) == [MORNING, AFTERNOON]


# -- Soft goals --------------------------------------------------------------------------------


def test_the_indicative_months_are_chosen_when_possible():
    result = solve(make(groups=(OUEST,), windows=(W1,), intervenants=(MARC,)))
    assert result.ok and result.assignments[0].date.month in (10, 11)


def test_school_holidays_are_avoided_when_possible():
    # 12–30 October 2026: the All Saints' break starts on the 17th.
    window = WindowSpec("w1", 1, D(2026, 10, 12), D(2026, 10, 30))
    result = solve(make(groups=(OUEST, MURET), windows=(window,), intervenants=(MARC, JULIE)))
    assert result.ok
    assert all(D(2026, 10, 12) <= a.date <= D(2026, 10, 16) for a in result.assignments)


def test_school_holidays_are_used_when_nothing_else_is_left():
    window = WindowSpec("w1", 1, D(2026, 10, 19), D(2026, 10, 23))  # all in the All Saints' break
    result = solve(make(groups=(OUEST,), windows=(window,), intervenants=(MARC,)))
    assert result.ok and result.assignments[0].date in SCHOOL


def test_a_windows_seances_are_spread_over_its_weeks():
    window = WindowSpec("w1", 1, D(2026, 10, 5), D(2026, 10, 16))  # two weeks
    groups = tuple(GroupSpec(f"g{n}", "a-ouest", "Antenne Ouest", f"Antenne Ouest {n}") for n in range(6))
    people = tuple(IntervenantSpec(f"i{n}", f"Intervenant {n}", {"a-ouest"}) for n in range(3))
    result = solve(make(groups=groups, windows=(window,), intervenants=people))
    assert result.ok
    assert sorted(Counter(a.date.isocalendar()[1] for a in result.assignments).values()) == [3, 3]


def test_an_intervenant_stays_on_few_sites():
    both = {"a-ouest", "a-muret"}
    people = (IntervenantSpec("marc", "Marc Olivier", both), IntervenantSpec("julie", "Julie Bernard", both))
    groups = (
        OUEST,
        GroupSpec("ouest-2", "a-ouest", "Antenne Ouest", "Antenne Ouest 2"),
        MURET,
        GroupSpec("muret-2", "a-muret", "Antenne Muretain", "Antenne Muretain 2"),
    )
    result = solve(make(groups=groups, intervenants=people))
    assert result.ok
    site = {g.key: g.antenne_key for g in groups}
    pairs = {(a.intervenant_key, site[a.group_key]) for a in result.assignments}
    assert len(pairs) == 2
    assert len({i for i, _ in pairs}) == 1 or len({s for _, s in pairs}) == 2


# -- Hard rules: one instance that breaks each -------------------------------------------------


def one_window(start, end=None, numero=1):
    return (WindowSpec(f"w{numero}", numero, start, end or start),)


def test_weekdays_only():
    result = solve(make(groups=(OUEST,), windows=one_window(D(2026, 10, 10), D(2026, 10, 11))))
    assert_refused(
        result,
        "Antenne Ouest : plus aucune date possible en fenêtre 1 pour le groupe Antenne Ouest (week-ends).",
    )


def test_no_public_holiday():
    result = solve(make(groups=(OUEST,), windows=one_window(D(2026, 11, 11))))
    assert_no_date_left(result, "Antenne Ouest", 1, "jours fériés")


def test_not_in_july_or_august():
    result = solve(make(groups=(OUEST,), windows=one_window(D(2027, 7, 1), D(2027, 8, 31))))
    assert_no_date_left(result, "Antenne Ouest", 1, "juillet et août")


def test_inside_the_window():
    # The only free day of Marc that week is the Wednesday: the plan takes it, never a day outside.
    week = [D(2026, 10, 5) + datetime.timedelta(days=n) for n in range(5)]
    marc = IntervenantSpec("marc", "Marc Olivier", {"a-ouest"}, set(week) - {D(2026, 10, 7)})
    result = solve(make(groups=(OUEST,), windows=one_window(week[0], week[-1]), intervenants=(marc,)))
    assert [a.date for a in result.assignments] == [D(2026, 10, 7)]
    refused = solve(make(groups=(OUEST,), windows=one_window(week[3], week[-1]), intervenants=(marc,)))
    assert_no_date_left(refused, "Antenne Ouest", 1, "indisponibilités des intervenants")


def test_six_weeks_between_two_seances_of_a_group():
    windows = (
        WindowSpec("w1", 1, D(2026, 10, 5), D(2026, 10, 9)),
        WindowSpec("w2", 2, D(2026, 11, 2), D(2026, 11, 10)),
    )
    result = solve(make(groups=(OUEST,), windows=windows))
    assert_no_date_left(result, "Antenne Ouest", 2, "6 semaines d'écart avec les autres séances du groupe")


def test_six_weeks_after_a_fixed_seance():
    fixed = Assignment("ouest", "w1", D(2026, 12, 1), MORNING, "marc")
    windows = (W1, WindowSpec("w2", 2, D(2027, 1, 4), D(2027, 1, 8)))
    result = solve(make(groups=(OUEST,), windows=windows, fixed=(fixed,)))
    assert_no_date_left(result, "Antenne Ouest", 2, "6 semaines d'écart avec les autres séances du groupe")


def test_the_six_week_gap_is_kept_between_planned_seances():
    windows = (
        WindowSpec("w1", 1, D(2026, 10, 5), D(2026, 10, 9)),
        WindowSpec("w2", 2, D(2026, 11, 16), D(2026, 11, 20)),
    )
    result = solve(make(groups=(OUEST,), windows=windows, intervenants=(MARC,)))
    first, second = (a.date for a in result.assignments)
    assert (second - first).days >= 42


def test_an_intervenant_covers_the_site():
    result = solve(make(groups=(COMMINGES,), windows=(W1,), intervenants=(MARC,)))
    assert_no_date_left(result, "Antenne Comminges", 1, "aucun intervenant ne couvre le site")


def test_an_intervenant_is_never_double_booked():
    day = D(2026, 10, 5)  # a Monday: two half-days for three groups
    result = solve(make(windows=one_window(day), intervenants=(MARC, JULIE), groups=(OUEST, MURET, _muret(2))))
    assert result.ok is True  # Marc and Julie share them
    result = solve(make(windows=one_window(day), intervenants=(MARC,), groups=(OUEST, MURET, _muret(2))))
    assert_refused(
        result, "Marc Olivier : trop de séances pour ses créneaux en fenêtre 1 (Antenne Ouest, Antenne Muretain)."
    )


def _muret(n):
    return GroupSpec(f"muret-{n}", "a-muret", "Antenne Muretain", f"Antenne Muretain – sous-groupe {n}/2")


def test_the_intervenants_unavailable_dates():
    result = solve(make(groups=(OUEST,), windows=one_window(D(2026, 10, 13)), intervenants=(MARC,)))
    assert_no_date_left(result, "Antenne Ouest", 1, "indisponibilités des intervenants")


def test_the_sites_unavailable_weekdays():
    result = solve(make(groups=(COMMINGES,), windows=one_window(D(2026, 10, 7)), intervenants=(JULIE,)))
    assert_no_date_left(result, "Antenne Comminges", 1, "jours indisponibles du site")


def test_every_rule_that_emptied_a_window_is_named():
    # Monday 29 March 2027 is Easter Monday, Julie is away on the Tuesday, Comminges closed on Wednesday.
    julie = IntervenantSpec("julie", "Julie Bernard", {"a-comminges"}, {D(2027, 3, 30)})
    windows = (W1, WindowSpec("w2", 2, D(2027, 3, 29), D(2027, 3, 31)), W3)
    result = solve(make(groups=(COMMINGES,), windows=windows, intervenants=(julie,)))
    assert_no_date_left(
        result, "Antenne Comminges", 2, "jours indisponibles du site, jours fériés, indisponibilités des intervenants"
    )


def test_a_fixed_seance_holds_its_half_day():
    day = D(2026, 10, 5)
    fixed = (
        Assignment("ouest", "w1", day, MORNING, "marc"),
        Assignment("ouest-2", "w1", day, AFTERNOON, "marc"),
    )
    groups = (OUEST, GroupSpec("ouest-2", "a-ouest", "Antenne Ouest", "Antenne Ouest 2"), MURET)
    result = solve(make(groups=groups, windows=one_window(day), intervenants=(MARC,), fixed=fixed))
    assert_no_date_left(result, "Antenne Muretain", 1, "créneaux déjà pris par des séances validées")


def test_an_infeasible_combination_is_explained_by_the_rules_involved():
    # Marc alone, windows of two days: a fixed séance holds the Monday 5 October morning and the
    # Tuesday 17 November morning. Three groups fit in each window, and would fit without the
    # 6-week gap; with it, the two groups planned on Tuesday 6 October both need Tuesday
    # 17 November. Every family is needed: relax any one and a plan exists.
    windows = (
        WindowSpec("w1", 1, D(2026, 10, 5), D(2026, 10, 6)),
        WindowSpec("w2", 2, D(2026, 11, 16), D(2026, 11, 17)),
    )
    marc = IntervenantSpec("marc", "Marc Olivier", {"a-ouest", "a-muret"})
    other = GroupSpec("autre", "a-ouest", "Antenne Ouest", "Antenne Ouest 2")
    fixed = (
        Assignment("autre", "w1", D(2026, 10, 5), MORNING, "marc"),
        Assignment("autre", "w2", D(2026, 11, 17), MORNING, "marc"),
    )
    groups = (OUEST, MURET, _muret(2), other)
    result = solve(make(groups=groups, windows=windows, intervenants=(marc,), fixed=fixed))
    assert_refused(
        result,
        "Marc Olivier : trop de séances pour ses créneaux en fenêtre 1 (Antenne Ouest, Antenne Muretain).",
        "Marc Olivier : trop de séances pour ses créneaux en fenêtre 2 (Antenne Ouest, Antenne Muretain).",
        "Antenne Ouest : impossible de tenir 6 semaines entre les séances du groupe Antenne Ouest (fenêtres 1 et 2).",
        "Antenne Muretain : impossible de tenir 6 semaines entre les séances du groupe Antenne Muretain "
        "(fenêtres 1 et 2).",
        "Antenne Muretain : impossible de tenir 6 semaines entre les séances du groupe "
        "Antenne Muretain – sous-groupe 2/2 (fenêtres 1 et 2).",
        "La séance déjà validée du 5 octobre 2026 à 9\xa0h\xa030 (Antenne Ouest 2, Marc Olivier) "
        "occupe un créneau nécessaire aux autres séances.",
        "La séance déjà validée du 17 novembre 2026 à 9\xa0h\xa030 (Antenne Ouest 2, Marc Olivier) "
        "occupe un créneau nécessaire aux autres séances.",
    )


# -- A manual move -----------------------------------------------------------------------------

OTHERS = (
    Assignment("ouest", "w1", D(2026, 10, 8), MORNING, "marc"),
    Assignment("ouest", "w3", D(2027, 6, 10), MORNING, "marc"),
    Assignment("muret", "w1", D(2026, 10, 12), MORNING, "marc"),
)


FREE_DAY = D(2027, 2, 9)


def check(group="ouest", window="w2", day=FREE_DAY, start=MORNING, who="marc"):
    return check_assignment(make(), OTHERS, Assignment(group, window, day, start, who))


def test_check_accepts_a_move_that_keeps_every_rule():
    assert check() == []


def test_check_public_holiday():
    assert "Le 11 novembre 2026 est un jour férié." in check("comminges", "w1", D(2026, 11, 11), who="julie")


def test_check_weekend():
    assert check("comminges", "w1", D(2026, 10, 10), who="julie") == ["Samedi : les séances ont lieu en semaine."]


def test_check_summer():
    assert "Juillet et août sont exclus." in check("muret", "w3", D(2027, 7, 7))


def test_check_window():
    assert check("comminges", "w1", D(2027, 1, 5), who="julie") == [
        "Hors de la fenêtre 1 (1er septembre – 19 décembre 2026)."
    ]


def test_check_six_weeks():
    assert check("ouest", "w2", D(2027, 1, 5)) == []
    assert check("ouest", "w1", D(2026, 11, 2)) == [
        "Ce groupe a déjà une séance en fenêtre 1 (le 8 octobre 2026).",
    ]
    moved = check_assignment(make(), OTHERS[1:], Assignment("ouest", "w2", D(2026, 11, 2), MORNING, "marc"))
    assert "Moins de 6 semaines après la séance du 8 octobre 2026 de ce groupe." not in moved
    near = check_assignment(make(), OTHERS, Assignment("ouest", "w2", D(2027, 5, 20), MORNING, "marc"))
    assert "Moins de 6 semaines avant la séance du 10 juin 2027 de ce groupe." in near
    windows = (W1, WindowSpec("w2", 2, D(2026, 10, 1), D(2027, 3, 31)), W3)
    early = check_assignment(make(windows=windows), OTHERS, Assignment("ouest", "w2", D(2026, 11, 2), MORNING, "marc"))
    assert early == ["Moins de 6 semaines après la séance du 8 octobre 2026 de ce groupe."]


def test_check_intervenant_busy_that_half_day():
    assert check("ouest", "w1", D(2026, 10, 12), start=datetime.time(10, 0)) == [
        "Ce groupe a déjà une séance en fenêtre 1 (le 8 octobre 2026).",
        "Marc Olivier anime déjà une séance ce matin-là (Antenne Muretain).",
    ]
    others = OTHERS + (Assignment("comminges", "w2", D(2027, 2, 9), AFTERNOON, "marc"),)
    moved = check_assignment(make(), others, Assignment("muret", "w2", D(2027, 2, 9), AFTERNOON, "marc"))
    assert moved == ["Marc Olivier anime déjà une séance cet après-midi-là (Antenne Comminges)."]
    assert check("muret", "w1", D(2026, 10, 12), start=AFTERNOON) == [
        "Ce groupe a déjà une séance en fenêtre 1 (le 12 octobre 2026).",
    ]


def test_check_intervenant_unavailable():
    assert check("muret", "w2", D(2026, 11, 17)) == [
        "Hors de la fenêtre 2 (4 janvier – 31 mars 2027).",
        "Moins de 6 semaines après la séance du 12 octobre 2026 de ce groupe.",
        "Marc Olivier est indisponible ce jour-là.",
    ]


def test_check_site_unavailable_weekday():
    assert check("comminges", "w1", D(2026, 10, 14), who="julie") == [
        "L'Antenne Comminges n'accueille pas de séance le mercredi."
    ]


def test_check_intervenant_covers_the_site():
    assert check("comminges", "w1", D(2026, 10, 15)) == ["Marc Olivier ne couvre pas l'Antenne Comminges."]


# -- Size --------------------------------------------------------------------------------------


def test_forty_groups_three_windows_six_intervenants():
    inp = synthetic_input(groups=40, intervenants=6, public_holidays=PUBLIC, school_holidays=SCHOOL)
    started = time.monotonic()
    result = plan(inp, time_limit=60)
    elapsed = time.monotonic() - started
    print(
        f"\n40 groupes × 3 fenêtres, 6 intervenants : {elapsed:.2f} s, objectif {result.objective}, "
        f"{'optimal' if result.optimal else 'réalisable'}"
    )
    assert result.ok
    assert len(result.assignments) == 120
    assert elapsed < 60


def test_no_plan_in_time_says_so():
    inp = synthetic_input(groups=40, intervenants=6, public_holidays=PUBLIC, school_holidays=SCHOOL)
    result = plan(inp, time_limit=0.001)
    if not result.ok:  # a fast machine may still find a first plan
        assert result.reasons == ["Aucun plan trouvé en 0,001 s : relancez le calcul avec plus de temps."]
        assert result.assignments == []


# -- The first year: each site's first séance in September or October (AMI §8) -----------------

LATE_W1 = WindowSpec("w1", 1, D(2026, 9, 1), D(2026, 12, 19), {11, 12})  # November and December preferred


def first_dates(result, groups):
    by_site = {}
    for a in result.assignments:
        site = next(g.antenne_key for g in groups if g.key == a.group_key)
        by_site[site] = min(by_site.get(site, a.date), a.date)
    return by_site


def test_in_the_first_year_each_sites_first_seance_is_in_september_or_october():
    groups = (OUEST, MURET, COMMINGES)
    free = solve(make(windows=(LATE_W1, W2, W3)))
    assert free.ok and all(d.month >= 11 for d in first_dates(free, groups).values())  # the soft goal alone
    result = solve(make(windows=(LATE_W1, W2, W3), first_seance_by=D(2026, 10, 31)))
    assert result.ok and result.optimal
    assert sorted(first_dates(result, groups)) == ["a-comminges", "a-muret", "a-ouest"]
    assert all(D(2026, 9, 1) <= d <= D(2026, 10, 31) for d in first_dates(result, groups).values())
    # a site's first séance counts for the site: its second sub-group may start later
    muret2 = GroupSpec("muret2", "a-muret", "Antenne Muretain", "Antenne Muretain – sous-groupe 2")
    result = solve(
        make(groups=(OUEST, MURET, muret2, COMMINGES), windows=(LATE_W1, W2, W3), first_seance_by=D(2026, 10, 31))
    )
    assert result.ok
    w1 = {a.group_key: a.date for a in result.assignments if a.window_key == "w1"}
    assert min(w1["muret"], w1["muret2"]) <= D(2026, 10, 31) < max(w1["muret"], w1["muret2"])


def test_a_site_already_started_in_september_keeps_its_freedom():
    fixed = (Assignment("ouest", "w1", D(2026, 9, 22), MORNING, "marc"),)
    result = solve(make(windows=(LATE_W1, W2, W3), first_seance_by=D(2026, 10, 31), fixed=fixed))
    assert result.ok
    assert first_dates(result, (OUEST, MURET, COMMINGES))["a-ouest"] == D(2026, 9, 22)


def test_the_first_seance_rule_is_explained_when_no_september_or_october_date_is_possible():
    busy = frozenset(D(2026, 9, 1) + datetime.timedelta(days=n) for n in range(61))
    julie = IntervenantSpec("julie", "Julie Bernard", {"a-muret", "a-comminges"}, busy)
    result = solve(make(intervenants=(MARC, julie), first_seance_by=D(2026, 10, 31)))
    assert_refused(
        result,
        "Antenne Comminges : la première séance du site doit avoir lieu en septembre ou octobre 2026 "
        "(première année de la prestation), et aucune date de ces deux mois n'est possible "
        "(indisponibilités des intervenants).",
    )


def test_a_fixed_late_first_seance_is_named_when_it_breaks_the_first_seance_rule():
    fixed = (Assignment("comminges", "w1", D(2026, 11, 5), MORNING, "julie"),)
    result = solve(make(first_seance_by=D(2026, 10, 31), fixed=fixed))
    assert_refused(
        result,
        "Antenne Comminges : la première séance du site doit avoir lieu en septembre ou octobre 2026 "
        "(première année de la prestation), et aucune date de ces deux mois n'est possible "
        "(la séance de la fenêtre 1 est déjà fixée au 5 novembre 2026).",
    )


def test_the_first_seance_rule_is_named_in_an_infeasibility_core():
    # Ouest and Muretain both need Marc in September–October; his only free half-day then is the
    # 15 September morning (he holds that afternoon at a third site).
    marc_days = {D(2026, 9, 1) + datetime.timedelta(days=n) for n in range(61)} - {D(2026, 9, 15)}
    marc = IntervenantSpec("marc", "Marc Olivier", {"a-ouest", "a-muret"}, marc_days)
    tiers = GroupSpec("tiers", "a-tiers", "Antenne Tiers", "Antenne Tiers")
    inp = make(
        groups=(OUEST, MURET, COMMINGES, tiers),
        intervenants=(marc, JULIE, IntervenantSpec("paul", "Paul Roux", {"a-tiers"})),
        first_seance_by=D(2026, 10, 31),
        fixed=(Assignment("tiers", "w1", D(2026, 9, 15), AFTERNOON, "marc"),),
    )
    julie_only_comminges = IntervenantSpec("julie", "Julie Bernard", {"a-comminges"})
    inp = PlanInput(**{**inp.__dict__, "intervenants": (marc, julie_only_comminges, inp.intervenants[2])})
    result = solve(inp)
    assert result.ok is False
    assert any(
        r.endswith(
            ": impossible de tenir la première séance du site en septembre ou octobre 2026 avec les autres règles."
        )
        for r in result.reasons
    ), result.reasons


def test_a_manual_move_may_not_take_a_sites_only_first_seance_out_of_september_and_october():
    inp = make(first_seance_by=D(2026, 10, 31))
    others = [Assignment("muret", "w1", D(2026, 10, 6), MORNING, "julie")]
    late = Assignment("comminges", "w1", D(2026, 11, 5), MORNING, "julie")
    assert check_assignment(inp, others, late) == [
        "Première année de la prestation : la première séance de l'Antenne Comminges doit avoir lieu en "
        "septembre ou octobre 2026."
    ]
    assert check_assignment(inp, others, Assignment("comminges", "w1", D(2026, 10, 8), MORNING, "julie")) == []
    # a later séance of the site does not start it; another séance of the site in October does
    assert check_assignment(inp, [*others, Assignment("comminges", "w2", D(2027, 2, 4), MORNING, "julie")], late) != []
    sub_group = GroupSpec("comminges2", "a-comminges", "Antenne Comminges", "Antenne Comminges – sous-groupe 2")
    started = [*others, Assignment("comminges2", "w1", D(2026, 10, 8), MORNING, "julie")]
    inp = make(groups=(OUEST, MURET, COMMINGES, sub_group), first_seance_by=D(2026, 10, 31))
    assert check_assignment(inp, started, late) == []
    muret_late = Assignment("muret", "w1", D(2026, 11, 10), MORNING, "julie")
    assert check_assignment(make(), [], muret_late) == []  # a later year: no such rule
