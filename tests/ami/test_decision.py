"""Decision, letters read from their PDFs, convention."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from ami.models import AMI, Decision, Lettre
from ami.services.decision import convention_create, decision_make, letters_send
from mlhg_app.refusals import Refused
from tests.committee import AFTER, WITHOUT_ALL_GRIDS
from tests.pdfs import pdf_words
from tests.web import login


@pytest.mark.django_db
def test_retaining_a_dossier_not_ranked_first_needs_a_justification(ranked):
    staff, d = ranked["staff"], ranked["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(Refused, match="n'est pas classé premier : une justification est obligatoire"):
            decision_make(ami=ranked["ami"], user=staff, dossier=d["A"], justification_grilles=WITHOUT_ALL_GRIDS)
        with pytest.raises(Refused, match="Seul un dossier recevable"):
            decision_make(ami=ranked["ami"], user=staff, dossier=d["D"], justification="x")
        with pytest.raises(Refused, match="motif de la clôture sans suite"):
            decision_make(ami=ranked["ami"], user=staff, dossier=None)
        decision = decision_make(ami=ranked["ami"], user=staff, dossier=d["B"], justification_grilles=WITHOUT_ALL_GRIDS)
    assert decision.kind == Decision.Kind.ATTRIBUE
    assert sorted((lt.dossier.prestataire.raison_sociale, lt.kind) for lt in decision.lettres.all()) == [
        ("Candidat A", "non_retenu"),
        ("Candidat B", "retenu"),
        ("Candidat C", "non_retenu"),
        ("Candidat D", "non_retenu"),
    ]


@pytest.mark.django_db
def test_letters_tell_each_candidate_its_own_points_and_nothing_of_the_others(
    ranked, django_capture_on_commit_callbacks
):
    staff, d = ranked["staff"], ranked["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        decision = decision_make(ami=ranked["ami"], user=staff, dossier=d["B"], justification_grilles=WITHOUT_ALL_GRIDS)
        with django_capture_on_commit_callbacks(execute=True):
            assert letters_send(decision=decision, user=staff) == 4

    a_letter = Lettre.objects.get(decision=decision, dossier=d["A"])
    text = pdf_words(a_letter.fichier.read())
    assert "nous avons le regret de vous informer que votre proposition n'a pas été retenue" in text
    assert "Méthodologie 40 32,00" in text
    assert "Total 100 77,44" in text
    assert "classée 2e sur 3 candidatures recevables" in text
    assert "La candidature retenue est celle de Candidat B, avec un total de 80,00 points sur 100" in text
    for secret in ("Candidat C", "Candidat D", "72,29", "420", "480", "510"):
        assert secret not in text, secret

    d_text = pdf_words(Lettre.objects.get(decision=decision, dossier=d["D"]).fichier.read())
    assert "Votre dossier n'a pas été jugé recevable : ne peut pas couvrir les 7 sites (ami §6.1)." in d_text
    assert "Vos points" not in d_text

    b_text = pdf_words(Lettre.objects.get(decision=decision, dossier=d["B"]).fichier.read())
    assert "la Mission Locale Haute-Garonne a retenu votre proposition" in b_text
    assert "classée 1re sur 3" in b_text

    assert sorted(m.to[0] for m in mail.outbox) == ["a@candidat.fr", "b@candidat.fr", "c@candidat.fr", "d@candidat.fr"]
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    assert AMI.objects.get(pk=ranked["ami"].pk).status == AMI.Status.ATTRIBUE

    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(Refused, match="Les lettres sont envoyées"):
            decision_make(ami=ranked["ami"], user=staff, dossier=d["A"], justification="Changement d'avis")


@pytest.mark.django_db
def test_a_candidate_reads_its_own_letter_only_once_sent(ranked):
    staff, d = ranked["staff"], ranked["dossiers"]
    a_user = d["A"].prestataire.membres.get().user
    c_user = d["C"].prestataire.membres.get().user
    with time_machine.travel(AFTER, tick=False):
        decision = decision_make(ami=ranked["ami"], user=staff, dossier=d["B"], justification_grilles=WITHOUT_ALL_GRIDS)
        a_letter = Lettre.objects.get(decision=decision, dossier=d["A"])
        url = reverse("ami:letter_pdf", args=[a_letter.pk])
        assert login(a_user).get(url).status_code == 403  # not sent yet
        preview = login(staff).get(url)
        assert "Candidat A" in pdf_words(preview.content)
        letters_send(decision=decision, user=staff)
        assert login(a_user).get(url).status_code == 200
        assert login(c_user).get(url).status_code == 403
        page = login(a_user).get(reverse("ami:dossier", args=[d["A"].pk])).content.decode()
        assert url in page


@pytest.mark.django_db
def test_the_convention_holds_the_parties_the_volume_and_the_prices(ranked):
    staff, d = ranked["staff"], ranked["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        decision = decision_make(ami=ranked["ami"], user=staff, dossier=d["B"], justification_grilles=WITHOUT_ALL_GRIDS)
        with pytest.raises(Refused, match="une fois les lettres envoyées"):
            convention_create(decision=decision, user=staff)
        letters_send(decision=decision, user=staff)
        convention = convention_create(decision=decision, user=staff)
    text = pdf_words(convention.fichier.read())
    assert f"Convention de prestation de services N° {convention.numero}" in text
    assert "Candidat B" in text
    assert "chaque séance avec un sous-groupe est comptabilisée et facturée comme une séance à part entière" in text
    assert "420,00 € HT" in text
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "Du 1 septembre 2026 au 31 août 2027." in text or "Du 1er septembre 2026 au 31 août 2027." in text


@pytest.mark.django_db
def test_no_decision_while_a_recevable_dossier_lacks_a_grid_unless_justified(committee):
    """e3 has not scored C yet: retaining B is refused, nothing changes; with a justification it is recorded."""
    from ami.services.eligibility import dossier_set_eligibility
    from tests.committee import grade

    staff, d = committee["staff"], committee["dossiers"]
    e1, e2, e3 = committee["evaluators"]
    with time_machine.travel(AFTER, tick=False):
        for name in "BC":
            dossier_set_eligibility(dossier=d[name], recevable=True, user=staff)
        for name in "AD":
            dossier_set_eligibility(dossier=d[name], recevable=False, motif="couverture", user=staff)
        for ev in (e1, e2, e3):
            grade(ev, d["B"], [8, 8, 8])
        grade(e1, d["C"], [5, 5, 5])
        grade(e2, d["C"], [5, 5, 5])
        with pytest.raises(Refused, match="Candidat C : la grille de Éval3 Comité n'est pas soumise"):
            decision_make(ami=committee["ami"], user=staff, dossier=d["B"])
        assert not Decision.objects.filter(ami=committee["ami"]).exists()
        decision = decision_make(
            ami=committee["ami"], user=staff, dossier=d["B"], justification_grilles="Éval3 absent jusqu'en juillet"
        )
    assert decision.justification_grilles == "Éval3 absent jusqu'en juillet"
    page = login(staff).get(reverse("ami:decision", args=[committee["ami"].reference])).content.decode()
    assert "Décision prise avant toutes les grilles : Éval3 absent jusqu&#x27;en juillet" in page


@pytest.mark.django_db
def test_no_decision_on_a_recevable_dossier_without_any_evaluation(committee):
    from ami.services.eligibility import dossier_set_eligibility

    staff, d = committee["staff"], committee["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        dossier_set_eligibility(dossier=d["B"], recevable=True, user=staff)
        with pytest.raises(Refused, match="Candidat B n'a aucune grille d'évaluation soumise"):
            decision_make(ami=committee["ami"], user=staff, dossier=d["B"], justification_grilles="Urgence")
        response = login(staff).post(
            reverse("ami:decision", args=[committee["ami"].reference]),
            {"choix": str(d["B"].pk), "justification_grilles": "Urgence"},
        )
    assert response.status_code == 200
    assert "aucune grille d&#x27;évaluation soumise" in response.content.decode()
    assert not Decision.objects.filter(ami=committee["ami"]).exists()
