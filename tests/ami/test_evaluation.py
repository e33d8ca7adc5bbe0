"""Eligibility, independent scoring, results and their exports, evaluator reminders."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from ami.models import AMI, Evaluation
from ami.scoring import money
from ami.selectors import ami_results
from ami.services.eligibility import dossier_set_eligibility
from ami.services.evaluation import scored_criteria
from ami.tasks import close_past_deadline_amis, remind_evaluators
from mlhg_app.refusals import Refused
from tests.committee import AFTER, DEADLINE, PARIS, grade, recevable, scored
from tests.factories import UserFactory
from tests.web import flash, login


@pytest.mark.django_db
def test_eligibility_waits_for_the_deadline_and_needs_a_reason(committee):
    staff, dossier = committee["staff"], committee["dossiers"]["D"]
    with time_machine.travel(DEADLINE, tick=False):
        with pytest.raises(Refused, match="après la date limite"):
            dossier_set_eligibility(dossier=dossier, recevable=True, user=staff)
    with time_machine.travel(AFTER, tick=False):
        url = reverse("ami:eligibility", args=["ami-2026"])
        page = login(staff).post(url, {"dossier": dossier.pk, f"d{dossier.pk}-decision": "irrecevable"})
        assert "Indiquez le motif d&#x27;irrecevabilité." in page.content.decode()
        response = login(staff).post(
            url,
            {"dossier": dossier.pk, f"d{dossier.pk}-decision": "irrecevable", f"d{dossier.pk}-motif": "couverture"},
        )
        assert flash(response) == "Recevabilité de Candidat D enregistrée."
    dossier.refresh_from_db()
    assert (dossier.status, dossier.motif_irrecevabilite, dossier.recevabilite_par) == (
        "irrecevable",
        "couverture",
        staff,
    )
    assert AMI.objects.get(reference="ami-2026").status == AMI.Status.EN_ANALYSE
    history = dossier.history.order_by("history_date", "history_id")
    assert [h.status for h in history][-2:] == ["depose", "irrecevable"]
    assert history.last().history_user == staff


@pytest.mark.django_db
def test_eligibility_pages_through_many_dossiers_and_a_decision_returns_to_its_page(committee, monkeypatch):
    from ami.views import selection

    monkeypatch.setattr(selection, "ELIGIBILITY_PAGE_SIZE", 3)  # 4 dossiers: pages of 3 and 1
    staff, dossier = committee["staff"], committee["dossiers"]["D"]  # « Candidat D »: last by name
    url = reverse("ami:eligibility", args=["ami-2026"])
    with time_machine.travel(AFTER, tick=False):
        first = login(staff).get(url).content.decode()
        assert first.count('name="dossier"') == 3 and "page 1 sur 2" in first and "Candidat D" not in first
        second = login(staff).get(url + "?page=2").content.decode()
        assert second.count('name="dossier"') == 1 and "Candidat D" in second
        response = login(staff).post(url, {"dossier": dossier.pk, "page": "2", f"d{dossier.pk}-decision": "recevable"})
        assert response["Location"] == f"{url}?page=2#dossier-{dossier.pk}"
        invalid = login(staff).post(url, {"dossier": dossier.pk, "page": "2", f"d{dossier.pk}-decision": "irrecevable"})
        assert "Indiquez le motif" in invalid.content.decode() and "page 2 sur 2" in invalid.content.decode()


@pytest.mark.django_db
def test_each_eligibility_form_shows_its_own_dossier_and_saved_decision(committee):
    """The forms of the page are stamped from one rendering (ami.views.selection): each still reads as crispy
    writes that dossier's form, with its own prefix, saved choice, motif and text (escaped)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    from ami.forms.evaluation import EligibilityForm
    from ami.views.selection import saved_eligibility

    staff, d = committee["staff"], committee["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        dossier_set_eligibility(dossier=d["A"], recevable=True, user=staff)
        for name, motif, detail in (("B", "autre", "Deux <b>antennes</b> & « demi »"), ("C", "incomplet", "")):
            dossier_set_eligibility(dossier=d[name], recevable=False, motif=motif, detail=detail, user=staff)
        page = login(staff).get(reverse("ami:eligibility", args=["ami-2026"])).content.decode()
    for name in "ABCD":
        dossier = d[name]
        dossier.refresh_from_db()
        expected = as_crispy_form(EligibilityForm(prefix=f"d{dossier.pk}", initial=saved_eligibility(dossier)))
        assert str(expected) in page, name
    assert "Deux &lt;b&gt;antennes&lt;/b&gt; &amp; « demi »" in page
    assert page.count('value="irrecevable"  id="id_d') == 4 and page.count("checked>") == 3


@pytest.mark.django_db
def test_my_evaluations_lists_each_dossier_with_the_state_of_my_grid(committee):
    from ami.services.evaluation import evaluation_declare

    e1, d = committee["evaluators"][0], committee["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        for name in "ABCD":
            dossier_set_eligibility(dossier=d[name], recevable=True, user=committee["staff"])
        grade(e1, d["A"], [8, 7, 10])
        evaluation_declare(dossier=d["B"], user=e1, conflit=True, motif="Ancien associé")
        evaluation_declare(dossier=d["C"], user=e1, conflit=False)
        page = login(e1).get(reverse("ami:my_evaluations")).content.decode()
    rows = {name: page[page.index(f">Candidat {name}<") :].split("</tr>")[0] for name in "ABCD"}
    assert "Soumise le 1er juin 2026" in rows["A"]
    assert "Conflit d'intérêts déclaré – exclu" in rows["B"]
    assert "En cours" in rows["C"] and "À commencer" in rows["D"]
    for name in "ACD":
        assert f'<a href="{reverse("ami:evaluation", args=[d[name].pk])}">Candidat {name}</a>' in page
    assert reverse("ami:evaluation", args=[d["B"].pk]) not in page


@pytest.mark.django_db
def test_hand_computed_results_with_a_conflict_and_an_irrecevable_dossier(committee):
    with time_machine.travel(AFTER, tick=False):
        scored(committee)  # A, B, C recevable, D irrecevable, e3 in conflict on B
        results = ami_results(committee["ami"])
    by_name = {r.name: r for r in results}
    assert "Candidat D" not in by_name
    # A: 32 + 21 + 13.5 + 15 × 8820 / 12096
    assert money(by_name["Candidat A"].total) == Decimal("77.44")
    assert money(by_name["Candidat B"].total) == Decimal("80.00")
    assert by_name["Candidat B"].criteria["methodologie"].disagreement
    assert len(by_name["Candidat B"].criteria["methodologie"].scores) == 2
    assert money(by_name["Candidat C"].total) == Decimal("72.29")
    assert [(r.name, r.rank) for r in results] == [("Candidat B", 1), ("Candidat A", 2), ("Candidat C", 3)]

    with time_machine.travel(AFTER, tick=False):
        page = login(committee["staff"]).get(reverse("ami:results", args=["ami-2026"])).content.decode()
        assert "80,00" in page and "77,44" in page and "72,29" in page
        assert "8\u202f820,00\xa0€ TTC/an" in page
        rows = list(
            csv.reader(
                io.StringIO(
                    login(committee["staff"])
                    .get(reverse("ami:results_csv", args=["ami-2026"]))
                    .content.decode("utf-8-sig")
                ),
                delimiter=";",
            )
        )
        assert rows[0][:2] == ["Rang", "Candidat"]
        assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [
            ("1", "Candidat B", "80,00"),
            ("2", "Candidat A", "77,44"),
            ("3", "Candidat C", "72,29"),
        ]
        xlsx = login(committee["staff"]).get(reverse("ami:results_xlsx", args=["ami-2026"])).content
        sheet = load_workbook(io.BytesIO(xlsx)).active
        assert [sheet.cell(row=i, column=2).value for i in (2, 3, 4)] == ["Candidat B", "Candidat A", "Candidat C"]
        assert sheet.cell(row=2, column=sheet.max_column).value == 80.0


@pytest.mark.django_db
def test_the_results_of_a_decided_ami_are_kept_until_a_state_function_changes_them(
    committee, django_assert_num_queries
):
    from ami.services.states import dossier_set_state
    from tests.committee import decide

    with time_machine.travel(AFTER, tick=True):
        scored(committee)
        live = [(r.name, r.rank) for r in ami_results(AMI.objects.get(pk=committee["ami"].pk))]
        decide(committee)
    ami = AMI.objects.get(pk=committee["ami"].pk)
    assert ami.status == AMI.Status.ATTRIBUE
    assert [(r.name, r.rank) for r in ami_results(ami)] == live
    with django_assert_num_queries(0):  # the figures of a decided AMI never change: read from the cache
        assert [(r.name, r.rank) for r in ami_results(ami)] == live
    # a state function that changes what they count forgets them
    dossier_set_state(dossier=committee["dossiers"]["B"], status="irrecevable", by=committee["staff"])
    assert [(r.name, r.rank) for r in ami_results(ami)] == [("Candidat A", 1), ("Candidat C", 2)]


@pytest.mark.django_db
def test_the_evaluator_scores_independently_saves_comes_back_and_submits(committee):
    e1, e2, _e3 = committee["evaluators"]
    with time_machine.travel(AFTER, tick=True):
        dossier = recevable(committee)
        grade(e2, dossier, [3, 4, 5])
        client = login(e1)
        url = reverse("ami:evaluation", args=[dossier.pk])
        page = client.get(url).content.decode()
        assert "Déclaration de conflit d'intérêts" in page
        assert "Cabinet de psychologues" not in page  # nothing of the dossier before the declaration
        client.post(reverse("ami:evaluation_declare", args=[dossier.pk]), {"conflit": "non"})
        page = client.get(url).content.decode()
        assert "Cabinet de psychologues du travail fondé en 2009 à Toulouse." in page
        assert "Commentaire methodologie" not in page  # another evaluator's grid stays hidden

        crit = {c.code: c.pk for c in scored_criteria(dossier.ami)}
        bad = client.post(
            url, {f"score_{crit['methodologie']}": "11", f"score_{crit['experience']}": "7", "enregistrer": "1"}
        )
        body = bad.content.decode()
        assert "La note est comprise entre 0 et 10." in body
        assert "Un commentaire est obligatoire pour chaque note." in body
        assert 'value="7"' in body  # what was typed is kept

        client.post(
            url,
            {
                f"score_{crit['methodologie']}": "8",
                f"commentaire_{crit['methodologie']}": "Méthode claire",
                "enregistrer": "1",
            },
        )
        page = client.get(url).content.decode()
        assert 'value="8"' in page and "Méthode claire" in page

        refused = client.post(
            url,
            {
                f"score_{crit['methodologie']}": "8",
                f"commentaire_{crit['methodologie']}": "Méthode claire",
                "soumettre": "1",
            },
        )
        assert "Notez ce critère de 0 à 10 avant de soumettre." in refused.content.decode()

        full = {
            f"score_{crit['methodologie']}": "8",
            f"commentaire_{crit['methodologie']}": "Méthode claire",
            f"score_{crit['experience']}": "7",
            f"commentaire_{crit['experience']}": "Équipe expérimentée",
            f"score_{crit['couverture']}": "9",
            f"commentaire_{crit['couverture']}": "Les 7 sites",
            "soumettre": "1",
        }
        response = client.post(url, full)
        assert flash(response).startswith("Votre grille est soumise.")
        page = client.get(url).content.decode()
        assert "Commentaire methodologie" in page  # now the other submitted grid shows
        locked = client.post(url, {**full, f"score_{crit['methodologie']}": "2"})
        assert flash(locked) == "Votre grille est déjà soumise : elle ne peut plus être modifiée."
    assert Evaluation.objects.get(evaluateur=e1).notes.get(critere__code="methodologie").score == 8


@pytest.mark.django_db
def test_conflict_or_no_assignment_keeps_the_evaluator_out(committee):
    e1, e2, e3 = committee["evaluators"]
    outsider = UserFactory(email="dehors@ml31.org", role="evaluateur", antenne=None)
    with time_machine.travel(AFTER, tick=True):
        dossier = recevable(committee)
        url = reverse("ami:evaluation", args=[dossier.pk])
        assert login(outsider).get(url).status_code == 403
        response = login(e3).post(
            reverse("ami:evaluation_declare", args=[dossier.pk]), {"conflit": "oui", "motif": "Associé"}
        )
        assert flash(response) == "Conflit d'intérêts enregistré : vous êtes exclu de l'évaluation de ce dossier."
        assert login(e3).get(url).status_code == 403
        # an irrecevable dossier is never scored
        dossier_set_eligibility(
            dossier=committee["dossiers"]["B"], recevable=False, motif="incomplet", user=committee["staff"]
        )
        assert login(e1).get(reverse("ami:evaluation", args=[committee["dossiers"]["B"].pk])).status_code == 403


@pytest.mark.django_db
def test_the_ami_closes_itself_at_the_deadline(committee):
    with time_machine.travel(DEADLINE, tick=False):
        assert close_past_deadline_amis.apply().get() == 0
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        assert close_past_deadline_amis.apply().get() == 1
    assert AMI.objects.get(reference="ami-2026").status == AMI.Status.CLOS


@pytest.mark.django_db
def test_evaluators_with_pending_grids_are_reminded_every_3_days_once(committee):
    e1, e2, e3 = committee["evaluators"]
    with time_machine.travel(AFTER, tick=False):
        for d in committee["dossiers"].values():
            dossier_set_eligibility(dossier=d, recevable=True, user=committee["staff"])
        for d in committee["dossiers"].values():
            grade(e1, d, [5, 5, 5])
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 5, tzinfo=PARIS), tick=False):
        remind_evaluators.apply()
        remind_evaluators.apply()
    assert sorted(m.to[0] for m in mail.outbox) == ["eval2@ml31.org", "eval3@ml31.org"]
    assert mail.outbox[0].subject.startswith("Rappel : 4 grilles d'évaluation à soumettre")
    with time_machine.travel(datetime.datetime(2026, 6, 2, 9, 5, tzinfo=PARIS), tick=False):
        remind_evaluators.apply()
    assert len(mail.outbox) == 2
    with time_machine.travel(datetime.datetime(2026, 6, 4, 9, 5, tzinfo=PARIS), tick=False):
        remind_evaluators.apply()
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_the_committee_is_named_from_active_evaluators_and_never_left_empty(committee):
    staff, (e1, e2, _e3) = committee["staff"], committee["evaluators"]
    url = reverse("ami:committee", args=["ami-2026"])
    outsider = UserFactory(email="conseiller@ml31.org", role="conseiller")
    response = login(staff).post(url, {"evaluateurs": [str(outsider.pk)]})
    assert flash(response) == "Choisissez au moins un évaluateur."
    assert set(committee["ami"].evaluateurs.all()) == set(committee["evaluators"])  # unchanged
    response = login(staff).post(url, {"evaluateurs": [str(e1.pk), str(e2.pk), str(outsider.pk)]})
    assert flash(response) == "Comité enregistré : 2 évaluateurs."
    assert set(committee["ami"].evaluateurs.all()) == {e1, e2}


@pytest.mark.django_db
def test_the_committee_page_sends_back_ids_above_a_thousand_as_they_are(committee):
    """An id of 4 digits came out as « 2 328 » (thousands separator): the box was never ticked and the form
    could not send it back. Ids are written bare in every form of the product."""
    staff = committee["staff"]
    evaluator = UserFactory(pk=12345, email="eval.mille@ml31.org", role="evaluateur", antenne=None)
    committee["ami"].evaluateurs.add(evaluator)
    page = login(staff).get(reverse("ami:committee", args=["ami-2026"])).content.decode()
    assert 'value="12345" id="eval-12345" checked' in page
    assert "12 345" not in page and "12\u202f345" not in page and "12\xa0345" not in page
