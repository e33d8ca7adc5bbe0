"""Questions and answers: asked until the question deadline, answered by staff, published to all with the
question rewritten, every registered candidate emailed; who asked never shown to anyone but staff."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ami.models import Question
from ami.services.questions import question_answer_save, question_ask, question_publish
from ami.services.rectificatif import ami_rectify
from tests.dossiers import complete_dossier, horizons_with_two_accounts, member
from tests.factories import AMIFactory, PrestataireFactory
from tests.web import login

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)
TODAY = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=PARIS)
ORIGINAL = "Chez Horizons Supervision, Claire Delmas peut-elle animer seule les 7 sites ?"


@pytest.fixture
def world(reference):
    ami = AMIFactory(reference="ami-questions", titre="AMI questions", date_limite=DEADLINE)
    horizons, claire = horizons_with_two_accounts()
    complete_dossier(ami=ami, prestataire=horizons)
    pyrene = PrestataireFactory(raison_sociale="Pyrène Psychologie")
    isabelle = member(pyrene, "isabelle@pyrene.fr", first_name="Isabelle", last_name="Ferrer")
    complete_dossier(ami=ami, prestataire=pyrene)
    member(PrestataireFactory(raison_sociale="Sans dossier"), "autre@ailleurs.fr")
    return {"ami": ami, "claire": claire, "isabelle": isabelle}


def _text(response) -> str:
    """The page's text, tags removed, apostrophes unescaped."""
    plain = re.sub(r"<[^>]+>", " ", response.content.decode()).replace("&#x27;", "'")
    return re.sub(r"\s+", " ", plain)


@pytest.mark.django_db
def test_ask_answer_publish_emails_every_registered_candidate_without_saying_who_asked(
    world, users, django_capture_on_commit_callbacks
):
    ami = world["ami"]
    detail = reverse("ami:detail", kwargs={"reference": ami.reference})
    with time_machine.travel(TODAY, tick=False):
        response = login(world["claire"]).post(
            reverse("ami:question_ask", kwargs={"reference": ami.reference}), {"texte": ORIGINAL}
        )
    assert response["Location"] == detail + "#questions"
    question = Question.objects.get()
    assert (question.posee_par, question.prestataire.raison_sociale, question.is_published) == (
        world["claire"],
        "Horizons Supervision",
        False,
    )
    staff = login(users["staff"])
    listing = _text(staff.get(reverse("ami:questions", kwargs={"reference": ami.reference})))
    assert ORIGINAL in listing and "Horizons Supervision" in listing

    staff.post(
        reverse("ami:question_answer", kwargs={"pk": question.pk}),
        {
            "question_publiee": "Un seul intervenant peut-il couvrir les 7 sites ?",
            "reponse": "Oui.",
            "action": "publier",
        },
    )
    confirm = _text(staff.get(reverse("ami:question_publish", kwargs={"pk": question.pk})))
    assert "3 comptes de candidats inscrits la recevront par courriel" in confirm
    assert mail.outbox == []  # nothing sent before staff confirm
    with time_machine.travel(TODAY + datetime.timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(reverse("ami:question_publish", kwargs={"pk": question.pk}))
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@horizons.fr", "isabelle@pyrene.fr", "paul@horizons.fr"]
    message = mail.outbox[0]
    assert message.subject == "Questions et réponses n° 1 – AMI questions"
    assert "Question n° 1 : Un seul intervenant peut-il couvrir les 7 sites ?" in message.body
    assert "Horizons" not in message.body and "Claire" not in message.body.split("\n", 1)[1]
    for page in [
        login(world["isabelle"]).get(detail),
        login(users["evaluateur"]).get(detail),
        login(users["staff"]).get(detail),
    ]:
        text = _text(page)
        assert "Question n° 1" in text and "Un seul intervenant peut-il couvrir les 7 sites ?" in text
        assert ORIGINAL not in text and "Horizons" not in text and "Delmas" not in text
    from django.test import Client

    anonymous = _text(Client().get(detail))
    assert "Réponse : Oui." in anonymous and ORIGINAL not in anonymous and "Horizons" not in anonymous
    # The asker sees its own question (and only its organisation does).
    assert ORIGINAL in _text(login(world["claire"]).get(detail))


@pytest.mark.django_db
def test_question_after_the_question_deadline_refused_on_the_server_with_the_text_kept(world):
    ami = world["ami"]
    after = ami.questions_deadline + datetime.timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        page = login(world["claire"]).post(
            reverse("ami:question_ask", kwargs={"reference": ami.reference}), {"texte": "Trop tard ?"}
        )
    text = _text(page)
    assert page.status_code == 200
    assert (
        "La date limite des questions (vendredi 22 mai 2026 à 23 h 59) est passée : les questions ne sont plus acceptées "
        "pour cet appel."
    ) in text
    assert "Trop tard ?" in text
    assert Question.objects.count() == 0
    with time_machine.travel(ami.questions_deadline, tick=False):  # at the second: accepted
        question_ask(ami=ami, user=world["claire"], texte="Juste à temps ?")
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_published_question_must_be_rewritten(world, users):
    with time_machine.travel(TODAY, tick=False):
        question = question_ask(ami=world["ami"], user=world["claire"], texte=ORIGINAL)
        question_answer_save(question=question, question_publiee=ORIGINAL, reponse="Oui.", by=users["staff"])
        with pytest.raises(Exception, match="reprend mot pour mot celle du candidat"):
            question_publish(question=question, by=users["staff"])
    assert not Question.objects.get().is_published


@pytest.mark.django_db
def test_staff_pages_of_questions_refused_to_candidates(world, users):
    with time_machine.travel(TODAY, tick=False):
        question = question_ask(ami=world["ami"], user=world["claire"], texte=ORIGINAL)
    isabelle = login(world["isabelle"])
    assert isabelle.get(reverse("ami:questions", kwargs={"reference": world["ami"].reference})).status_code == 403
    assert isabelle.get(reverse("ami:question_answer", kwargs={"pk": question.pk})).status_code == 403
    assert isabelle.post(reverse("ami:question_publish", kwargs={"pk": question.pk})).status_code == 403
    assert login(world["claire"]).post(reverse("ami:question_publish", kwargs={"pk": question.pk})).status_code == 403
    assert not Question.objects.get().is_published


def _public_page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_public_page_queries_constant_with_many_questions_and_versions(world, users):
    ami = world["ami"]
    url = reverse("ami:detail", kwargs={"reference": ami.reference})
    client = login(world["isabelle"])

    days = iter(range(1, 100))

    def add(n):
        with time_machine.travel(TODAY, tick=False):
            for i in range(n):
                q = question_ask(ami=ami, user=world["claire"], texte=f"Question {i} ?")
                question_answer_save(question=q, question_publiee=f"Q{i} ?", reponse="R.", by=users["staff"])
                question_publish(question=q, by=users["staff"])
                ami_rectify(
                    ami=ami,
                    motif=f"Report {i}",
                    by=users["staff"],
                    new_deadline=DEADLINE + datetime.timedelta(days=next(days)),
                )

    add(1)
    one = _public_page_queries(client, url)
    add(5)
    assert _public_page_queries(client, url) == one


@pytest.mark.django_db
def test_a_new_question_is_announced_to_the_contact_address_without_saying_who_asked(
    world, django_capture_on_commit_callbacks
):
    ami = world["ami"]
    ami.contact_email = "mlhg@ml31.org"
    ami.save(update_fields=["contact_email"])
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        question_ask(ami=ami, user=world["claire"], texte=ORIGINAL)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["mlhg@ml31.org"], "Nouvelle question d'un candidat – AMI questions")
    ]
    assert "1 question attend une réponse." in mail.outbox[0].body
    assert "Horizons" not in mail.outbox[0].body and "Claire" not in mail.outbox[0].body
