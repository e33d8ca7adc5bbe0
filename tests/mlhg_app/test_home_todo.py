"""Each role's home page says what to do now: the « À faire » list (mlhg_app.todo and the apps' providers).

Items are read from the page as a user reads them: the count, the label, the detail, the due date, the links.
Counts follow the object permissions: a second prestataire, responsable or evaluator sees none of the first's.
"""

import datetime
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ami.models import Dossier, Lettre
from ami.services.decision import convention_create, decision_make, letters_send
from bilans.models import Bilan
from mlhg_app.models import StoredExport, User
from seances.models import Annulation, Seance
from seances.services.attendance import attendance_record
from seances.services.billing import statement_mark_paid
from seances.services.board import seance_validate
from seances.services.charte import charte_accept
from tests.committee import AFTER, WITHOUT_ALL_GRIDS, rank
from tests.factories import (
    AMIFactory,
    BilanFactory,
    CompteRenduFactory,
    DossierFactory,
    MembreFactory,
    PrestataireFactory,
    ProgrammeFactory,
    ReleveFactory,
    UserFactory,
)
from tests.seances_world import add_seance, build_programme, groupe_of, held, make_seance
from tests.web import login

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)
CALM = "Rien à faire pour le moment."


def home(user) -> dict:
    """The user's home as read: {"items": [(text, [links])], "calm": the calm line or ""}."""
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    section = re.search(r'<h2 id="titre-a-faire".*?</section>', page, re.S).group(0)
    section = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", section, flags=re.S)

    def text(fragment):
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

    items = [(text(li), re.findall(r'href="([^"]+)"', li)) for li in re.findall(r"<li.*?</li>", section, re.S)]
    calm = re.search(r'<p class="alert[^"]*"[^>]*>(.*?)</p>', section, re.S)
    return {"items": items, "calm": text(calm.group(1)) if calm else ""}


def labels(user) -> list[str]:
    return [text for text, _links in home(user)["items"]]


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def programme(users, now):
    """The test programme 2026-2027: 7 groups, 3 windows; the Muretain's séance of 13 October held, unrecorded."""
    return build_programme(users)


@pytest.fixture
def seance(programme):
    return programme.seances.get(date=datetime.date(2026, 10, 13))


# -- intervenant -------------------------------------------------------------------------------------


def test_intervenant_records_the_attendance_then_the_report_and_each_item_goes(users, programme, seance):
    intervenant = users["intervenant"]
    assert home(intervenant)["items"] == [
        ("1 Émargement à saisir", [reverse("seances:attendance", args=[seance.pk])]),
        ("1 Compte rendu à écrire", [reverse("seances:compte_rendu", args=[seance.pk])]),
    ]
    attendance_record(seance=seance, user=intervenant, presents=[users["conseiller"]])
    assert labels(intervenant) == ["1 Compte rendu à écrire"]
    CompteRenduFactory(seance=seance)
    add_seance(programme, date=datetime.date(2027, 2, 10))
    assert home(intervenant) == {
        "items": [],
        "calm": f"{CALM} Prochaine date : séance du groupe Antenne Muretain, le mercredi 10 février 2027.",
    }


def test_intervenant_with_several_seances_to_record_is_sent_to_the_list(users, programme, seance):
    make_seance(programme, groupe_of(programme, "comminges"), datetime.date(2026, 11, 5), Seance.Status.CONVOQUEE)
    assert home(users["intervenant"])["items"] == [
        ("2 Émargements à saisir", [reverse("seances:my_seances")]),
        ("2 Comptes rendus à écrire", [reverse("seances:my_seances")]),
    ]
    other = UserFactory(role=User.Role.INTERVENANT, antenne=None)
    assert home(other) == {"items": [], "calm": f"{CALM} Aucune séance ne vous est encore attribuée."}


# -- conseiller --------------------------------------------------------------------------------------


def test_conseiller_sees_the_next_seance_with_its_place_and_ics_and_the_charter_until_accepted(users, programme):
    conseiller = users["conseiller"]
    next_one = add_seance(programme, date=datetime.date(2027, 2, 10))
    ics = reverse("seances:seance_ics", args=[next_one.pk])
    assert home(conseiller)["items"] == [
        (
            "Prochaine séance : mercredi 10 février 2027 à 9 h 30 Mission Locale Haute-Garonne – Antenne Muretain, "
            "18 Rue Adolphine Bonnet, 31600 Muret Ajouter à mon agenda (.ics)",
            [reverse("seances:my_seances"), ics],
        ),
        ("Charte de confidentialité à accepter avant votre première séance", [reverse("seances:charte")]),
    ]
    response = login(conseiller).get(ics)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    charte_accept(user=conseiller)
    assert [text.split(" à ")[0] for text in labels(conseiller)] == ["Prochaine séance : mercredi 10 février 2027"]


def test_conseiller_never_sees_a_proposal_nor_another_groups_seance(users, programme):
    make_seance(programme, groupe_of(programme, "muretain"), datetime.date(2027, 2, 10), Seance.Status.PROPOSEE, 2)
    make_seance(programme, groupe_of(programme, "comminges"), datetime.date(2027, 2, 11), Seance.Status.CONVOQUEE, 2)
    assert labels(users["conseiller"]) == ["Charte de confidentialité à accepter avant votre première séance"]


# -- responsable -------------------------------------------------------------------------------------


def test_responsable_validates_its_programmes_seances_and_reads_the_remitted_bilan(users, programme):
    responsable = users["responsable"]
    proposed = [
        make_seance(programme, groupe_of(programme, code), datetime.date(*day), Seance.Status.PROPOSEE, fenetre=2)
        for code, day in (("muretain", (2027, 2, 9)), ("comminges", (2027, 2, 2)), ("ouest", (2027, 3, 2)))
    ]
    proposed[2].demande_modification = "Un autre jour, s'il vous plaît."
    proposed[2].save()
    bilan = BilanFactory(programme=programme, status=Bilan.Status.REMIS)
    board = reverse("seances:board", args=[programme.pk])
    assert home(responsable)["items"] == [
        ("2 Séances à valider Programme 2026-2027 · la première le mardi 2 février 2027", [board]),
        ("Bilan remis à lire Bilan 2026-2027", [reverse("bilans:detail", args=[bilan.pk])]),
    ]
    seance_validate(seance=proposed[1], user=responsable)
    assert labels(responsable)[0] == "1 Séance à valider Programme 2026-2027 · la première le mardi 9 février 2027"
    other = UserFactory(role=User.Role.RESPONSABLE, antenne=None)
    assert home(other)["items"] == []


# -- prestataire -------------------------------------------------------------------------------------


def test_prestataire_sees_its_draft_its_seances_to_plan_and_record_and_its_bilan(users, programme, seance):
    prestataire = users["prestataire"]
    ami = AMIFactory(titre="AMI complémentaire", date_limite=datetime.datetime(2026, 12, 15, 23, 59, 59, tzinfo=PARIS))
    draft = DossierFactory(ami=ami, prestataire=programme.prestataire, presentation="Notre cabinet.")
    bilan = BilanFactory(programme=programme)
    assert home(prestataire)["items"] == [
        (
            "6 Sections à compléter AMI complémentaire · Il reste 25 jours, 13 heures pour le mardi 15 décembre 2026",
            [reverse("ami:dossier", args=[draft.pk])],
        ),
        (
            "Bilan annuel à rédiger et remettre Bilan 2026-2027 pour le mercredi 30 juin 2027",
            [reverse("bilans:detail", args=[bilan.pk])],
        ),
        # 7 groups × 3 windows not over yet, one séance planned
        ("20 Séances à planifier Programme 2026-2027", [reverse("seances:board", args=[programme.pk])]),
        ("1 Émargement à saisir", [reverse("seances:attendance", args=[seance.pk])]),
        ("1 Compte rendu à écrire", [reverse("seances:compte_rendu", args=[seance.pk])]),
    ]


def test_a_second_prestataire_sees_nothing_of_the_first(users, programme, seance):
    ami = AMIFactory(date_limite=datetime.datetime(2026, 12, 15, 23, 59, 59, tzinfo=PARIS))
    DossierFactory(ami=ami, prestataire=programme.prestataire)
    BilanFactory(programme=programme)
    other = MembreFactory(prestataire=PrestataireFactory(raison_sociale="Autre cabinet")).user
    assert home(other) == {"items": [], "calm": f"{CALM} Aucune candidature en cours. Consultez les appels "
                           "à manifestation d'intérêt ouverts."}  # fmt: skip
    own = DossierFactory(ami=ami, prestataire=other.membre.prestataire)
    assert home(other)["items"] == [
        (
            f"6 Sections à compléter {ami.titre} · Il reste 25 jours, 13 heures pour le mardi 15 décembre 2026",
            [reverse("ami:dossier", args=[own.pk])],
        )
    ]


# -- staff -------------------------------------------------------------------------------------------


def test_staff_pays_statements_bills_seances_and_chases_the_comptes_rendus(users, programme, seance):
    staff = users["staff"]
    releve = ReleveFactory(programme=programme, total_ttc=Decimal("1152.00"), emis_par=staff)
    held(programme, groupe_of(programme, "comminges"), ["Posture"], day=datetime.date(2026, 10, 20))
    cancelled = make_seance(programme, groupe_of(programme, "ouest"), datetime.date(2026, 10, 22), "annulee")
    Annulation.objects.create(seance=cancelled, par="prestataire", motif="Intervenant malade", annulee_par=staff)
    statements = reverse("seances:statements", args=[programme.pk])
    assert home(staff)["items"] == [
        ("1 Relevé à payer Programme 2026-2027 · 1 152,00 € TTC", [statements]),
        ("1 Séance à facturer : relevé à émettre Programme 2026-2027", [statements]),
        ("1 Annulation à déclarer facturable ou non", [statements]),
        (
            "1 Séance sans compte rendu depuis 2 jours Programme 2026-2027",
            [reverse("seances:dashboard", args=[programme.pk])],
        ),
    ]
    statement_mark_paid(releve=releve, paye_le=datetime.date(2026, 11, 20), user=staff)
    attendance_record(seance=seance, user=users["intervenant"], presents=[users["conseiller"]])
    CompteRenduFactory(seance=seance)
    assert labels(staff) == [
        "2 Séances à facturer : relevé à émettre Programme 2026-2027",
        "1 Annulation à déclarer facturable ou non",
    ]


@pytest.mark.django_db
def test_staff_declares_the_dossiers_recevable_then_sends_the_letters_and_gets_the_convention_signed(committee):
    staff, ami = committee["staff"], committee["ami"]
    with time_machine.travel(AFTER, tick=False):
        assert home(staff)["items"] == [
            (f"4 Dossiers à déclarer recevables {ami.titre}", [reverse("ami:eligibility", args=[ami.reference])])
        ]
    rank(committee)
    with time_machine.travel(AFTER + datetime.timedelta(days=10), tick=False):
        assert home(staff)["items"] == []
        decision = decision_make(
            ami=ami,
            user=staff,
            dossier=Dossier.objects.get(pk=committee["dossiers"]["B"].pk),
            justification_grilles=WITHOUT_ALL_GRIDS,
        )
        letters = Lettre.objects.filter(decision=decision).count()
        assert home(staff)["items"] == [
            (f"{letters} Lettres de résultat à envoyer {ami.titre}", [reverse("ami:decision", args=[ami.reference])])
        ]
        letters_send(decision=decision, user=staff)
        convention = convention_create(decision=decision, user=staff)
        create = "1 Programme annuel à créer depuis sa convention"
        assert labels(staff) == [f"1 Convention à faire signer {ami.titre}", create]
        [convention_url] = [links for label, links in home(staff)["items"] if "Convention" in label][0]
        assert convention_url == reverse("ami:decision", args=[ami.reference])
        assert login(staff).get(convention_url).status_code == 200  # a page, not the POST-only ami:convention
        type(convention).objects.filter(pk=convention.pk).update(signed_at=AFTER + datetime.timedelta(days=10))
        assert labels(staff) == [create]


def test_staff_finds_its_exports_ready(users, now):
    staff = users["staff"]
    ami = AMIFactory()
    export = StoredExport.objects.create(
        kind="ami.rapport", object_id=ami.pk, demande_par=staff, status=StoredExport.Status.PRET, termine_le=now
    )
    StoredExport.objects.create(kind="ami.rapport", object_id=ami.pk, demande_par=UserFactory(role="staff"))
    assert home(staff)["items"] == [
        ("1 Export prêt à télécharger Rapport d'analyse (PDF)", [reverse("export", args=[export.pk])])
    ]
    with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
        assert home(staff)["items"] == []


# -- evaluator ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_evaluator_fills_its_grids_by_their_due_date_and_sees_no_other_assignment(committee):
    e1, _e2, e3 = committee["evaluators"]
    with time_machine.travel(AFTER, tick=False):
        assert home(e3)["items"] == []  # no dossier recevable yet
    rank(committee)  # e3 graded A and C, not B
    outsider = UserFactory(role=User.Role.EVALUATEUR, antenne=None)
    with time_machine.travel(AFTER, tick=False):
        assert home(e3)["items"] == [
            (
                f"1 Grille à remplir {committee['ami'].titre} pour le vendredi 12 juin 2026",
                [reverse("ami:my_evaluations")],
            )
        ]
        assert home(e1)["items"] == []
        assert home(outsider)["items"] == []


# -- queries -----------------------------------------------------------------------------------------


def count_queries(user) -> int:
    client = login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(users, programme, evaluator, start, n):
    """n more of everything each role counts: séances to record, to validate, to bill; statements; drafts;
    grids; bilans; exports."""
    codes = ["nord-est", "nord-ouest", "lauragais", "comminges", "sud-garonne", "ouest"]
    for i in range(start, start + n):
        groupe = groupe_of(programme, codes[i])
        groupe.membres.add(users["conseiller"])
        make_seance(programme, groupe, datetime.date(2026, 10, 1 + i), Seance.Status.CONVOQUEE, fenetre=1)
        make_seance(programme, groupe, datetime.date(2027, 2, 1 + i), Seance.Status.CONVOQUEE, fenetre=2)
        make_seance(programme, groupe, datetime.date(2027, 4, 5 + i), Seance.Status.PROPOSEE, fenetre=3)
        ReleveFactory(programme=programme, emis_par=users["staff"])
        open_ami = AMIFactory(date_limite=datetime.datetime(2026, 12, 15 + i, 12, 0, tzinfo=PARIS))
        DossierFactory(ami=open_ami, prestataire=programme.prestataire)
        closed_ami = AMIFactory()
        closed_ami.evaluateurs.add(evaluator)
        DossierFactory(ami=closed_ami, status=Dossier.Status.RECEVABLE)
        later = ProgrammeFactory(
            annee_debut=2030 + i, prestataire=programme.prestataire, responsable=users["responsable"]
        )
        BilanFactory(programme=later, status=Bilan.Status.REMIS if i % 2 == 0 else Bilan.Status.BROUILLON)
        StoredExport.objects.create(
            kind="ami.rapport",
            object_id=open_ami.pk,
            demande_par=users["staff"],
            status=StoredExport.Status.PRET,
            termine_le=NOW,
        )


def test_each_roles_home_costs_the_same_queries_with_three_times_the_data(users, programme):
    evaluator = users["evaluateur"]
    roles = ["staff", "evaluateur", "responsable", "prestataire", "intervenant", "conseiller"]
    grow(users, programme, evaluator, 0, 2)
    once = {role: count_queries(users[role]) for role in roles}
    assert labels(users["responsable"])[0].startswith("2 Séances à valider")
    assert len(labels(evaluator)) == 2  # one grid in each AMI
    grow(users, programme, evaluator, 2, 4)
    thrice = {role: count_queries(users[role]) for role in roles}
    assert thrice == once
    assert labels(users["responsable"])[0].startswith("6 Séances à valider")
    assert len(labels(evaluator)) == 6
    assert labels(users["intervenant"]) == ["7 Émargements à saisir", "7 Comptes rendus à écrire"]


# -- the registry ------------------------------------------------------------------------------------


def test_the_registry_lists_dated_items_first_and_keeps_the_soonest_date_to_come(users, monkeypatch):
    from mlhg_app import todo

    monkeypatch.setattr(todo, "_providers", {})

    def first(user, now):
        yield todo.Item(label="Sans date", url="/a/")
        yield todo.Item(label="Plus tard", url="/b/", due=datetime.date(2027, 1, 10))
        yield todo.Upcoming("plus loin", datetime.date(2027, 3, 1))

    def second(user, now):
        yield todo.Item(label="Bientôt", url="/c/", due=datetime.datetime(2026, 12, 31, 23, 59, tzinfo=PARIS))
        yield todo.Upcoming("plus près", datetime.datetime(2027, 2, 1, 9, 0, tzinfo=PARIS))

    todo.register("conseiller", first)
    todo.register("conseiller", first)  # registered once
    todo.register("conseiller", second)
    result = todo.todo_for(users["conseiller"])
    assert [item.label for item in result.items] == ["Bientôt", "Plus tard", "Sans date"]
    assert result.upcoming.label == "plus près"
    assert todo.todo_for(users["staff"]).items == []


def test_an_app_registers_a_roles_providers_in_one_call_in_their_order(users, monkeypatch):
    from mlhg_app import todo

    monkeypatch.setattr(todo, "_providers", {})

    def first(user, now):
        yield todo.Item(label="D'abord", url="/a/")

    def then(user, now):
        yield todo.Item(label="Ensuite", url="/b/")

    todo.register("conseiller", first, then)
    todo.register("conseiller", first)  # registered once
    assert [item.label for item in todo.todo_for(users["conseiller"]).items] == ["D'abord", "Ensuite"]
