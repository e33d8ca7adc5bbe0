"""Renewal into year 2 (issue 20, seed §5.5 « chaque année de prestation »): staff renew the programme for the
next year from the same convention by an avenant, in one action with a preview; or decide not to and start a
new call from the previous one."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from ami.documents.letters import convention_pdf
from ami.models import AMI, Avenant, Convention
from mlhg_app.models import User
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antenne_headcounts
from seances import planner
from seances.group_sizes import default_group_count
from seances.models import Emargement, Programme, Reconduction, Seance
from seances.pricing import unit_price
from seances.services.billing import statement_create
from seances.services.planning import ACTIVE_STATUSES, programme_plan_input
from seances.services.renewal import programme_not_renew, programme_renew
from seances.services.state import seance_set_state
from tests.conventions import sent_and_signed, signed_copy_of_itself
from tests.factories import AMIFactory, ConventionFactory, DecisionFactory, DossierFactory
from tests.seances_world import build_programme
from tests.web import flash, login

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
END_OF_YEAR_1 = datetime.datetime(2027, 6, 21, 10, 0, tzinfo=PARIS)


def _planner_breaches(programme) -> list[str]:
    """The planner's own checks (`planner.check_assignment`) on every active séance against the others."""
    inp = programme_plan_input(programme=programme)
    seances = list(Seance.objects.filter(programme=programme, status__in=ACTIVE_STATUSES))
    breaches = []
    for seance in seances:
        others = [
            planner.Assignment(s.groupe_id, s.fenetre_id, s.date, s.heure_debut, s.intervenant_id)
            for s in seances
            if s.pk != seance.pk
        ]
        proposal = planner.Assignment(
            seance.groupe_id, seance.fenetre_id, seance.date, seance.heure_debut, seance.intervenant_id
        )
        breaches += planner.check_assignment(inp, others, proposal)
    return breaches


def _hold(seance, by):
    """The séance held: validated, its attendance recorded, then réalisée (its price fixed that day)."""
    seance_set_state(seance=seance, status=Seance.Status.VALIDEE, by=by)
    Emargement.objects.create(seance=seance, recorded_by=by)
    seance_set_state(seance=seance, status=Seance.Status.REALISEE, by=by)
    return seance


def test_year_2_is_created_from_the_demo_year_1_in_one_action_and_billed_at_the_avenant_prices(demo_programme):
    demo = demo_programme
    staff = User.objects.get(email="direction@demo.ml31.org")
    claire = User.objects.get(email="contact@horizons-supervision.demo")
    client = login(staff)
    url = reverse("seances:renewal", args=[demo.pk])
    # The programme page offers the action to staff.
    board = client.get(reverse("seances:board", args=[demo.pk])).content.decode()
    assert "Reconduire pour 2027-2028" in board

    with time_machine.travel(END_OF_YEAR_1, tick=False):
        # The demo's avenant of January still waits for the prestataire's signature: no renewal before it.
        page = client.get(url).content.decode()
        assert "L&#x27;avenant n° 1 attend encore sa signature : faites-le signer avant de reconduire." in page
        assert "Confirmer : reconduire pour 2027-2028" not in page
        signed_copy_of_itself(Avenant.objects.get(convention=demo.convention, numero=1), claire)

        # The preview: the avenant's prices old → new (+2,5 %), the groups from today's directory, the windows.
        page = client.get(url, {"taux": "2,5"}).content.decode()
        assert "495,00\u00a0€ HT" in page and "507,38\u00a0€ HT" in page  # 495 × 1,025 = 507,375
        assert "445,00\u00a0€ HT" in page and "456,13\u00a0€ HT" in page  # 445 × 1,025 = 456,125
        assert "1er septembre 2027 – 31 décembre 2027" in page
        assert Programme.objects.filter(annee_debut=2027).exists() is False  # a preview writes nothing

        response = client.post(url, {"taux": "2,5", "prix_seance_groupe": "", "prix_seance_sous_groupe": ""})
    year_2 = Programme.objects.get(annee_debut=2027)
    assert response.status_code == 302 and response["Location"] == reverse("seances:board", args=[year_2.pk])
    message = flash(response)
    assert message.startswith(
        f"Programme 2027-2028 créé depuis la convention {demo.convention.numero} : avenant n° 2 établi (à envoyer "
        "pour signature ; ses prix s'appliquent aux séances tenues à partir du 1er septembre 2027 une fois signé), "
    )
    assert "Le planificateur propose" in message

    # One real avenant of the same convention, established, prolonging the prestation by one year.
    avenant = Avenant.objects.get(convention=demo.convention, numero=2)
    assert (avenant.status, avenant.date_effet, avenant.date_fin_prestation) == (
        Convention.Status.ETABLIE,
        datetime.date(2027, 9, 1),
        datetime.date(2028, 8, 31),
    )
    assert (avenant.prix_seance_groupe, avenant.prix_seance_sous_groupe) == (Decimal("507.38"), Decimal("456.13"))
    assert avenant.fichier.name
    assert year_2.convention == demo.convention and year_2.prestataire == demo.prestataire
    assert year_2.responsable == demo.responsable
    decision = Reconduction.objects.get(programme=demo)
    assert (decision.decision, decision.programme_suivant, decision.avenant, decision.taux) == (
        "reconduit",
        year_2,
        avenant,
        Decimal("2.50"),
    )

    # The windows of the next year, the groups rebuilt from the directory (17 at most), every conseiller once.
    assert [(f.debut, f.fin) for f in year_2.fenetres.all()] == [
        (datetime.date(2027, 9, 1), datetime.date(2027, 12, 31)),
        (datetime.date(2028, 1, 1), datetime.date(2028, 3, 31)),
        (datetime.date(2028, 4, 1), datetime.date(2028, 6, 30)),
    ]
    headcounts = antenne_headcounts()
    for site in year_2.sites.select_related("antenne"):
        assert site.nb_groupes == default_group_count(headcounts[site.antenne_id], 17), site.antenne.nom
        groupes = list(year_2.groupes.filter(antenne=site.antenne))
        sizes = [g.membres.count() for g in groupes]
        assert len(groupes) == site.nb_groupes and max(sizes) <= 17 and sum(sizes) == headcounts[site.antenne_id]
    assert {str(i) for i in year_2.intervenants.all()} == {str(i) for i in demo.intervenants.all()}

    # The planner placed every (group, window) and its own checks find nothing to say.
    active = year_2.seances.filter(status__in=ACTIVE_STATUSES)
    assert active.count() == year_2.groupes.count() * 3
    assert {(s.groupe_id, s.fenetre_id) for s in active} == {
        (g.pk, f.pk) for g in year_2.groupes.all() for f in year_2.fenetres.all()
    }
    assert _planner_breaches(year_2) == []

    # Until the avenant is signed, year 2 keeps the convention's prices; signed, they apply from its date.
    seance = active.filter(groupe__nb_groupes_site=1).order_by("date").first()
    sous_groupe = active.filter(groupe__nb_groupes_site__gt=1).order_by("date").first()
    assert unit_price(year_2, sous_groupe=False, on=seance.date) == Decimal("495.00")
    with time_machine.travel(END_OF_YEAR_1 + datetime.timedelta(days=1), tick=False):
        sent_and_signed(avenant, staff)
    with time_machine.travel(datetime.datetime(2027, 12, 20, 10, 0, tzinfo=PARIS), tick=False):
        for held in (seance, sous_groupe):
            _hold(Seance.objects.get(pk=held.pk), staff)
        releve = statement_create(
            programme=Programme.objects.get(pk=year_2.pk),
            debut=datetime.date(2027, 9, 1),
            fin=datetime.date(2027, 12, 19),
            user=staff,
        )
    prices = {line.seance_id: line.prix_ht for line in releve.lignes.all()}
    assert prices == {seance.pk: Decimal("507.38"), sous_groupe.pk: Decimal("456.13")}
    # Year 1 keeps its prices: a séance held in June 2027 is before the avenant's date.
    assert unit_price(demo, sous_groupe=False, on=datetime.date(2027, 6, 15)) == Decimal("495.00")

    # Renewing twice is refused in French, nothing more created.
    response = client.post(url, {"taux": "2,5"})
    assert response.status_code == 200
    assert "Le Programme 2026-2027 a déjà été reconduit le lundi 21 juin 2027" in response.content.decode()
    assert Programme.objects.count() == 2 and Avenant.objects.filter(convention=demo.convention).count() == 2


# -- from the shared factories -------------------------------------------------------------------------


@pytest.fixture
def year_1(users):
    """A small programme 2026-2027 (one group per antenne) from a signed convention of the AMI 2026."""
    programme = build_programme(users)
    ami = AMIFactory(reference="ami-app-2026", annee=2026)  # the reference data's AMI 2026
    dossier = DossierFactory(ami=ami, prestataire=programme.prestataire)
    decision = DecisionFactory(ami=ami, dossier=dossier, decided_by=users["staff"])
    programme.convention = ConventionFactory(decision=decision, numero="CONV-APP-2026-001")
    programme.save()
    return programme


def _sign(convention, users):
    """The convention's PDF (as the decision makes it), sent for signature and signed."""
    convention.fichier.save(f"{convention.numero}.pdf", ContentFile(convention_pdf(convention)), save=True)
    sent_and_signed(convention, users["staff"])


@pytest.mark.django_db
def test_renewing_without_a_signed_convention_is_refused_and_creates_nothing(year_1, users):
    with pytest.raises(Refused) as refusal:
        programme_renew(programme=year_1, by=users["staff"], taux=Decimal("2.5"))
    assert str(refusal.value) == (
        "La convention CONV-APP-2026-001 n'est pas signée : une reconduction se fait par avenant à une convention "
        "signée. Faites-la d'abord signer."
    )
    assert (Programme.objects.count(), Avenant.objects.count(), Reconduction.objects.count()) == (1, 0, 0)
    page = login(users["staff"]).get(reverse("seances:renewal", args=[year_1.pk])).content.decode()
    assert "n&#x27;est pas signée" in page and "Confirmer : reconduire" not in page


@pytest.mark.django_db
def test_renewing_by_hand_then_twice_is_refused_in_french(year_1, users):
    _sign(year_1.convention, users)
    client = login(users["staff"])
    url = reverse("seances:renewal", args=[year_1.pk])
    with time_machine.travel(END_OF_YEAR_1, tick=False):
        response = client.post(url, {"taux": "", "prix_seance_groupe": "500", "prix_seance_sous_groupe": ""})
    year_2 = Programme.objects.get(annee_debut=2027)
    assert response["Location"] == reverse("seances:board", args=[year_2.pk])
    avenant = Avenant.objects.get(convention=year_1.convention)
    # Only the line typed by hand changes; the other keeps its price.
    assert (avenant.prix_seance_groupe, avenant.prix_seance_sous_groupe) == (Decimal("500.00"), None)
    assert avenant.objet == (
        "Reconduction de la prestation pour l'année 2027-2028 (du 1er septembre 2027 au 31 août 2028), prix révisés : "
        "séance en groupe complet 480,00\u00a0€ → 500,00\u00a0€ HT ; séance en sous-groupe 430,00\u00a0€ → "
        "430,00\u00a0€ HT."
    )
    assert _planner_breaches(year_2) == []

    with pytest.raises(Refused, match="a déjà été reconduit le lundi 21 juin 2027"):
        programme_renew(programme=year_1, by=users["staff"], taux=Decimal("2.5"))
    with pytest.raises(Refused, match="une année ne se reconduit qu'une fois"):
        programme_not_renew(programme=year_1, by=users["staff"])
    assert Programme.objects.count() == 2 and Avenant.objects.count() == 1
    # The page says the decision and offers nothing more.
    page = client.get(url).content.decode()
    assert "Reconduit le lundi 21 juin 2027" in page and "Confirmer : reconduire" not in page
    assert "Reconduire pour 2027-2028" not in client.get(reverse("seances:board", args=[year_1.pk])).content.decode()


@pytest.mark.django_db
def test_not_renewing_creates_a_draft_ami_copied_from_the_previous_one_and_records_the_decision(year_1, users):
    source = year_1.convention.dossier.ami
    client = login(users["staff"])
    with time_machine.travel(END_OF_YEAR_1, tick=False):
        response = client.post(
            reverse("seances:not_renew", args=[year_1.pk]), {"motif": "Nouvelle mise en concurrence."}
        )
    ami = AMI.objects.get(annee=2027)
    assert response["Location"] == reverse("ami:authoring_edit", kwargs={"reference": "ami-app-2027"})
    assert flash(response) == (
        "Décision enregistrée : le Programme 2026-2027 n'est pas reconduit. Brouillon créé : « Organisation de "
        "réunions d'Analyse de Pratiques Professionnelles – 2027 », à partir de l'appel précédent ; relisez-le "
        "avant de le publier."
    )
    assert (ami.status, ami.cree_depuis, ami.titre) == (
        AMI.Status.BROUILLON,
        source,
        source.titre.replace("2026", "2027"),
    )
    assert ami.date_limite == datetime.datetime(2027, 5, 29, 23, 59, 59, tzinfo=PARIS)
    assert list(ami.criteres.values_list("code", "poids")) == list(source.criteres.values_list("code", "poids"))
    decision = Reconduction.objects.get(programme=year_1)
    assert (decision.decision, decision.ami, decision.motif, decision.decided_by) == (
        "non_reconduit",
        ami,
        "Nouvelle mise en concurrence.",
        users["staff"],
    )
    # Nothing renewed, and renewing is now refused in French.
    assert Programme.objects.count() == 1 and Avenant.objects.count() == 0
    response = client.post(reverse("seances:renewal", args=[year_1.pk]), {"taux": "2,5"})
    assert "n&#x27;a pas été reconduit (décision du lundi 21 juin 2027)" in response.content.decode()
    assert Programme.objects.count() == 1


@pytest.mark.django_db
def test_only_staff_see_and_use_the_renewal_action(year_1, users, client_for):
    board = reverse("seances:board", args=[year_1.pk])
    assert "Reconduire pour 2027-2028" in client_for("staff").get(board).content.decode()
    for role in ("responsable", "prestataire"):
        assert users[role].has_perm("seances.view_programme", year_1)
        assert not users[role].has_perm("seances.renew_programme", year_1)
        assert "Reconduire pour" not in client_for(role).get(board).content.decode()
        assert client_for(role).get(reverse("seances:renewal", args=[year_1.pk])).status_code == 403
        assert client_for(role).post(reverse("seances:not_renew", args=[year_1.pk])).status_code == 403
    assert Reconduction.objects.count() == 0 and AMI.objects.count() == 1


@pytest.mark.django_db
def test_a_renewed_convention_is_kept_until_its_last_programme_year_goes(year_1, users):
    """RGPD (bilans/retention.py): ten years after year 1, year 1 goes but the convention stays with year 2;
    it goes with year 2, a year later. Before this, the purge stopped on the convention year 2 still holds."""
    from mlhg_app import retention

    _sign(year_1.convention, users)
    with time_machine.travel(END_OF_YEAR_1, tick=False):
        year_2, _result = programme_renew(programme=year_1, by=users["staff"], time_limit=5.0)
    convention = year_1.convention
    after_year_1 = datetime.datetime(2037, 7, 15, 12, 0, tzinfo=PARIS)
    counts = retention.purge_expired(now=after_year_1)["bilans.programmes_acheves"]
    assert (counts["programmes"], counts["conventions"]) == (1, 0)
    assert list(Programme.objects.all()) == [year_2] and Convention.objects.filter(pk=convention.pk).exists()
    counts = retention.purge_expired(now=after_year_1.replace(year=2038))["bilans.programmes_acheves"]
    assert (counts["programmes"], counts["conventions"]) == (1, 1)
    assert not Programme.objects.exists() and not Convention.objects.filter(pk=convention.pk).exists()
