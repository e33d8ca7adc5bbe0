"""Selection pages that show what is saved: the recevabilité already decided, a letter already sent."""

import pytest
import time_machine
from django.urls import reverse

from ami.models import AMI, Dossier, Lettre
from ami.services.decision import decision_make, letters_send
from tests.committee import AFTER, WITHOUT_ALL_GRIDS
from tests.web import login


def _radio_checked(page: str, dossier: Dossier, value: str) -> bool:
    import re

    pattern = rf'<input[^>]*name="d{dossier.pk}-decision"[^>]*value="{value}"[^>]*>'
    return any("checked" in tag for tag in re.findall(pattern, page))


@pytest.fixture
def attribue(ranked):
    """After the deadline, staff choose candidate B and send the letters: the decision (the AMI is attribué)."""
    staff, b = ranked["staff"], ranked["dossiers"]["B"]
    with time_machine.travel(AFTER, tick=False):
        decision = decision_make(ami=ranked["ami"], user=staff, dossier=b, justification_grilles=WITHOUT_ALL_GRIDS)
        letters_send(decision=decision, user=staff)
    return decision


@pytest.mark.django_db
def test_the_eligibility_page_shows_the_saved_decisions(ranked):
    d = ranked["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        page = login(ranked["staff"]).get(reverse("ami:eligibility", args=[ranked["ami"].reference])).content.decode()
    assert _radio_checked(page, d["A"], "recevable")
    assert _radio_checked(page, d["D"], "irrecevable")
    assert not _radio_checked(page, d["A"], "irrecevable")
    assert '<option value="couverture" selected>' in page


@pytest.mark.django_db
def test_the_eligibility_page_and_a_sent_letter_are_read_only_once_the_ami_is_attribue(ranked, attribue):
    staff, d = ranked["staff"], ranked["dossiers"]
    assert AMI.objects.get(pk=ranked["ami"].pk).status == AMI.Status.ATTRIBUE
    with time_machine.travel(AFTER, tick=False):
        client = login(staff)
        page = client.get(reverse("ami:eligibility", args=[ranked["ami"].reference])).content.decode()
        assert "L’AMI est attribué : la recevabilité ne peut plus changer." in page
        assert 'type="radio"' not in page and ">Enregistrer</button>" not in page
        assert "<strong>Irrecevable</strong> · motif : Ne peut pas couvrir les 7 sites (AMI §6.1)" in page
        # a bad post changes nothing and says why
        response = client.post(
            reverse("ami:eligibility", args=[ranked["ami"].reference]),
            {"dossier": d["A"].pk, f"d{d['A'].pk}-decision": "irrecevable", f"d{d['A'].pk}-motif": "incomplet"},
            follow=True,
        )
        assert "L&#x27;AMI est déjà décidé : la recevabilité ne peut plus changer." in response.content.decode()
        assert Dossier.objects.get(pk=d["A"].pk).status == Dossier.Status.RECEVABLE

        lettre = Lettre.objects.get(decision=attribue, dossier=d["A"])
        page = client.get(reverse("ami:letter_edit", args=[lettre.pk])).content.decode()
    assert "<textarea" not in page and ">Enregistrer</button>" not in page
    assert "Lettre envoyée le" in page
    assert "au regard des critères de sélection publiés" in page


@pytest.mark.django_db
def test_the_winner_sees_its_dossier_s_path_as_steps_with_the_letter(ranked, attribue):
    from mlhg_app.models import User

    d = ranked["dossiers"]
    with time_machine.travel(AFTER, tick=False):
        winner = login(User.objects.get(email="b@candidat.fr"))
        page = winner.get(reverse("ami:dossier", args=[d["B"].pk])).content.decode()
        loser = login(User.objects.get(email="a@candidat.fr")).get(reverse("ami:dossier", args=[d["A"].pk]))
    assert "ce brouillon ne peut plus être déposé" not in page
    lettre = Lettre.objects.get(decision=attribue, dossier=d["B"])
    import re

    steps = [
        " ".join(re.sub(r"<[^>]+>", " ", s).split())
        for s in re.findall(r'<li class="step[^"]*"[^>]*>(.*?)</li>', page, re.S)
    ]
    assert [s.split(" ·")[0] for s in steps] == ["Brouillon", "Déposé", "Recevable", "Retenu"]
    assert steps[-1].startswith("Retenu · lettre envoyée le")
    assert reverse("ami:letter_pdf", args=[lettre.pk]) in page
    assert "Non retenu" in loser.content.decode()
