"""The AMI 2026 committee of the selection tests: 4 submitted dossiers, 3 evaluators, and the steps after.

The `committee` and `ranked` fixtures (tests/conftest.py) build it with `build_committee` and `rank`."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from ami.models import Dossier, Evaluation
from ami.services.decision import convention_create, decision_make, letters_send
from ami.services.eligibility import dossier_set_eligibility
from ami.services.evaluation import evaluation_declare, evaluation_save, evaluation_submit, scored_criteria
from ami.services.submission import dossier_submit
from tests.dossiers import complete_dossier, member
from tests.factories import AMIFactory, PrestataireFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)
AFTER = DEADLINE + datetime.timedelta(days=3)


def build_committee():
    """4 submitted dossiers (prices 480 TTC 20 %, 420 exonéré, 510 TTC 20 %, 390), 3 evaluators."""
    ami = AMIFactory(reference="ami-2026", date_limite=DEADLINE)
    staff = UserFactory(email="achats@ml31.org", role="staff", is_staff=True, antenne=None)
    evaluators = [
        UserFactory(
            email=f"eval{i}@ml31.org", role="evaluateur", antenne=None, first_name=f"Éval{i}", last_name="Comité"
        )
        for i in (1, 2, 3)
    ]
    ami.evaluateurs.set(evaluators)
    dossiers = {}
    specs = [
        ("A", "480.00", "assujetti"),
        ("B", "420.00", "exonere"),
        ("C", "510.00", "assujetti"),
        ("D", "390.00", "assujetti"),
    ]
    with time_machine.travel(DEADLINE - datetime.timedelta(days=1), tick=False):
        for name, price, regime in specs:
            prestataire = PrestataireFactory(raison_sociale=f"Candidat {name}")
            user = member(prestataire, f"{name.lower()}@candidat.fr")
            dossier = complete_dossier(ami=ami, prestataire=prestataire, prix=Decimal(price))
            if regime == "exonere":
                Dossier.objects.filter(pk=dossier.pk).update(
                    regime_tva="exonere", taux_tva=None, mention_exoneration="TVA non applicable, art. 293 B du CGI"
                )
            dossier_submit(dossier=Dossier.objects.get(pk=dossier.pk), user=user)
            dossiers[name] = Dossier.objects.get(pk=dossier.pk)
    return {"ami": ami, "staff": staff, "evaluators": evaluators, "dossiers": dossiers}


def grade(evaluator, dossier, scores):
    evaluation_declare(dossier=dossier, user=evaluator, conflit=False)
    evaluation = Evaluation.objects.get(dossier=dossier, evaluateur=evaluator)
    criteres = scored_criteria(dossier.ami)
    evaluation_save(
        evaluation=evaluation,
        scores={c.pk: (s, f"Commentaire {c.code}") for c, s in zip(criteres, scores, strict=True)},
    )
    evaluation_submit(evaluation=evaluation)


def recevable(committee, name="A"):
    """Staff declare the committee's dossier `name` recevable, so that its evaluators may open it: the dossier."""
    dossier = committee["dossiers"][name]
    dossier_set_eligibility(dossier=dossier, recevable=True, user=committee["staff"])
    return dossier


def graded_by_one(dossier, email="evaluateur.seul@ml31.org"):
    """One evaluator of the dossier's AMI who scores it 7 on every criterion (a decision needs a grid)."""
    evaluator = UserFactory(email=email, role="evaluateur", antenne=None)
    dossier.ami.evaluateurs.add(evaluator)
    grade(evaluator, dossier, [7] * len(scored_criteria(dossier.ami)))
    return evaluator


# Éval3 has not graded B in `rank`: a decision on the ranked committee says why (ami.services.decision).
WITHOUT_ALL_GRIDS = "Éval3 n'a pas noté le candidat B avant la date du comité."


def rank(committee):
    """B first (80.00), A second (77.44), C third (72.29), D irrecevable; Éval3 has not graded B."""
    e1, e2, e3 = committee["evaluators"]
    d = committee["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        for name in "ABC":
            dossier_set_eligibility(dossier=d[name], recevable=True, user=committee["staff"])
        dossier_set_eligibility(dossier=d["D"], recevable=False, motif="couverture", user=committee["staff"])
        for ev, scores in ((e1, [8, 7, 10]), (e2, [7, 8, 9]), (e3, [9, 6, 8])):
            grade(ev, d["A"], scores)
        grade(e1, d["B"], [6, 8, 6])
        grade(e2, d["B"], [10, 8, 6])
        for ev in (e1, e2, e3):
            grade(ev, d["C"], [5 if ev != e3 else 4, 9, 10] if ev != e2 else [6, 9, 10])
    return committee


def scored(committee):
    """The hand-computed example: A, B, C recevable (B 80,00, A 77,44, C 72,29), D irrecevable, e3 in conflict on B."""
    e1, e2, e3 = committee["evaluators"]
    d, staff = committee["dossiers"], committee["staff"]
    for name in "ABC":
        dossier_set_eligibility(dossier=d[name], recevable=True, user=staff)
    dossier_set_eligibility(
        dossier=d["D"], recevable=False, motif="couverture", detail="Deux antennes seulement", user=staff
    )
    grade(e1, d["A"], [8, 7, 10])
    grade(e2, d["A"], [7, 8, 9])
    grade(e3, d["A"], [9, 6, 8])
    grade(e1, d["B"], [6, 8, 6])
    grade(e2, d["B"], [10, 8, 6])
    evaluation_declare(dossier=d["B"], user=e3, conflit=True, motif="Ancienne collègue du gérant")
    grade(e1, d["C"], [5, 9, 10])
    grade(e2, d["C"], [6, 9, 10])
    grade(e3, d["C"], [4, 9, 10])


def decide(committee, justification_grilles=""):
    """B retained, the letters sent, the convention drawn up."""
    retained = Dossier.objects.get(pk=committee["dossiers"]["B"].pk)
    decision = decision_make(
        ami=committee["ami"], user=committee["staff"], dossier=retained, justification_grilles=justification_grilles
    )
    letters_send(decision=decision, user=committee["staff"])
    convention_create(decision=decision, user=committee["staff"])
    return decision
