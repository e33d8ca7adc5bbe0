"""The committee's arithmetic against a hand-computed example."""

from decimal import Decimal

from ami.scoring import annual_totals, compute_results, money, price_points

CRITERES = [
    ("methodologie", "Méthodologie", 40, "note"),
    ("experience", "Expérience", 30, "note"),
    ("couverture", "Couverture", 15, "note"),
    ("prix", "Prix", 15, "calcule"),
]


def test_annual_totals_on_21_seances():
    assert annual_totals(prix_groupe=Decimal("450.00"), regime_tva="assujetti", taux_tva=Decimal("20"), volume=21) == {
        "ht": Decimal("9450.00"),
        "tva": Decimal("1890.00"),
        "ttc": Decimal("11340.00"),
        "volume": 21,
    }
    exempt = annual_totals(prix_groupe=Decimal("420"), regime_tva="exonere", taux_tva=None, volume=21)
    assert (exempt["ht"], exempt["tva"], exempt["ttc"]) == (Decimal("8820.00"), Decimal("0.00"), Decimal("8820.00"))


def test_price_formula_gives_15_to_the_lowest_and_proportional_points_to_others():
    assert price_points(weight=15, total=Decimal("8820"), lowest=Decimal("8820")) == 15
    assert money(price_points(weight=15, total=Decimal("11340"), lowest=Decimal("8820"))) == Decimal("11.67")
    # linear: 15 × (1 − 2520/8820) = 10.71
    assert money(
        price_points(weight=15, total=Decimal("11340"), lowest=Decimal("8820"), formula="lineaire")
    ) == Decimal("10.71")
    assert price_points(weight=15, total=Decimal("20000"), lowest=Decimal("8820"), formula="lineaire") == 0


def test_hand_computed_example_with_three_evaluators_and_a_conflict():
    # A: scored by the three evaluators; B: evaluator 3 declared a conflict (two grids); C: scored by three.
    dossiers = [
        {
            "id": 1,
            "name": "A",
            "annual_total_ttc": Decimal("12096.00"),  # 480 × 21 × 1.2
            "scores": {
                "methodologie": [("e1", 8), ("e2", 7), ("e3", 9)],  # mean 8 → 32
                "experience": [("e1", 7), ("e2", 8), ("e3", 6)],  # mean 7 → 21
                "couverture": [("e1", 10), ("e2", 9), ("e3", 8)],  # mean 9 → 13.5
            },
        },
        {
            "id": 2,
            "name": "B",
            "annual_total_ttc": Decimal("8820.00"),  # 420 × 21, exonéré
            "scores": {
                "methodologie": [("e1", 6), ("e2", 10)],  # mean 8 → 32, gap 4 → disagreement
                "experience": [("e1", 8), ("e2", 8)],  # mean 8 → 24
                "couverture": [("e1", 6), ("e2", 6)],  # mean 6 → 9
            },
        },
        {
            "id": 3,
            "name": "C",
            "annual_total_ttc": Decimal("12852.00"),  # 510 × 21 × 1.2
            "scores": {
                "methodologie": [("e1", 5), ("e2", 6), ("e3", 4)],  # mean 5 → 20
                "experience": [("e1", 9), ("e2", 9), ("e3", 9)],  # 27
                "couverture": [("e1", 10), ("e2", 10), ("e3", 10)],  # 15
            },
        },
    ]
    results = compute_results(criteres=CRITERES, dossiers=dossiers)
    by_name = {r.name: r for r in results}

    a, b, c = by_name["A"], by_name["B"], by_name["C"]
    assert money(a.criteria["methodologie"].points) == Decimal("32.00")
    assert money(a.criteria["experience"].points) == Decimal("21.00")
    assert money(a.criteria["couverture"].points) == Decimal("13.50")
    assert money(a.criteria["prix"].points) == Decimal("10.94")  # 15 × 8820 / 12096
    assert money(a.total) == Decimal("77.44")
    assert money(b.criteria["prix"].points) == Decimal("15.00")
    assert money(b.total) == Decimal("80.00")  # 32 + 24 + 9 + 15
    assert b.criteria["methodologie"].disagreement is True
    assert a.criteria["methodologie"].disagreement is False
    assert b.criteria["methodologie"].median == Decimal("8")
    assert money(c.criteria["prix"].points) == Decimal("10.29")  # 15 × 8820 / 12852
    assert money(c.total) == Decimal("72.29")
    assert [(r.name, r.rank) for r in results] == [("B", 1), ("A", 2), ("C", 3)]


def test_tie_broken_by_methodologie_points():
    common = {"annual_total_ttc": Decimal("10000")}
    dossiers = [
        {
            "id": 1,
            "name": "Expérience forte",
            **common,
            "scores": {"methodologie": [("e", 5)], "experience": [("e", 10)], "couverture": [("e", 6)]},
        },
        {
            "id": 2,
            "name": "Méthode forte",
            **common,
            "scores": {"methodologie": [("e", 8)], "experience": [("e", 6)], "couverture": [("e", 6)]},
        },
    ]
    # 20 + 30 + 9 + 15 = 74 and 32 + 18 + 9 + 15 = 74: equal totals
    results = compute_results(criteres=CRITERES, dossiers=dossiers)
    assert [money(r.total) for r in results] == [Decimal("74.00"), Decimal("74.00")]
    assert [(r.name, r.rank) for r in results] == [("Méthode forte", 1), ("Expérience forte", 2)]


def test_tie_break_follows_the_criterion_with_the_highest_weight_of_the_ami():
    # An AMI weighing expérience above méthodologie: two dossiers equal on total are separated by expérience.
    criteres = [
        ("methodologie", "Méthodologie", 30, "note"),
        ("experience", "Expérience", 50, "note"),
        ("couverture", "Couverture", 20, "note"),
    ]
    dossiers = [
        {
            "id": 1,
            "name": "A",
            "annual_total_ttc": None,
            "scores": {"methodologie": [("e", 10)], "experience": [("e", 4)], "couverture": [("e", 5)]},
        },
        {
            "id": 2,
            "name": "B",
            "annual_total_ttc": None,
            "scores": {"methodologie": [("e", 5)], "experience": [("e", 7)], "couverture": [("e", 3)]},
        },
    ]
    # A: 30 + 20 + 10 = 60; B: 15 + 35 + 6 = 56 … make them equal: B's couverture 5 → 15 + 35 + 10 = 60.
    dossiers[1]["scores"]["couverture"] = [("e", 5)]
    ranked = compute_results(criteres=criteres, dossiers=dossiers)
    assert [r.total for r in ranked] == [Decimal(60), Decimal(60)]
    assert [r.name for r in ranked] == ["B", "A"]  # B has more expérience points (35 against 20)
    assert [r.rank for r in ranked] == [1, 2]
    assert ranked[0].tie_break_code == "experience"
