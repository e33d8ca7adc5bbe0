"""The provider's review (« revue de la prestation », issue 20): figures, life, who reads it, its PDF, homes."""

import datetime
import subprocess
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mlhg_app.models import User
from mlhg_app.refusals import Refused
from mlhg_app.todo import todo_for
from seances import review_sources
from seances.documents.review import revue_pdf
from seances.models import RevuePrestation, Seance
from seances.selectors import revue_chiffres, revue_seances_figures, revues_visible_to
from seances.services.review import revue_answer, revue_close, revue_open, revue_share, revue_write
from tests.factories import BilanFactory, BilanVersionFactory, MembreFactory, SeanceFactory, UserFactory
from tests.seances_world import build_programme
from tests.web import flash, login

PARIS = ZoneInfo("Europe/Paris")
COMPLETE = {
    "methodologie": {"niveau": "satisfaisant", "texte": "Déroulé tenu."},
    "experience": {"niveau": "tres_satisfaisant", "texte": "Équipe stable."},
    "couverture": {"niveau": "satisfaisant", "texte": "Sept sites couverts."},
    "prix": {"niveau": "a_ameliorer", "texte": "Annulations tardives facturées."},
}


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.fixture
def revue(programme, users):
    return revue_open(programme=programme, by=users["staff"])


def held(programme, n, *, status=Seance.Status.REALISEE):
    """`n` séances of window 2 in as many groups (the first group already has its window 1 séance)."""
    fenetre = programme.fenetres.get(numero=2)
    intervenant = programme.intervenants.first()
    for i, groupe in enumerate(programme.groupes.order_by("pk")[:n]):
        SeanceFactory(
            programme=programme,
            groupe=groupe,
            fenetre=fenetre,
            date=datetime.date(2027, 2, 2 + i),
            intervenant=intervenant,
            status=status,
        )


def shared(revue, users):
    revue_write(revue=revue, by=users["staff"], appreciation_generale="Une bonne année.", criteres=COMPLETE)
    revue_share(revue=revue, by=users["staff"])
    revue.refresh_from_db()
    return revue


def pdf_text(data: bytes) -> str:
    run = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(run.stdout.decode().split())


# -- figures ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_figures_count_held_seances_against_groups_times_windows_and_the_conventions_volume(programme):
    held(programme, 3)
    held_cancelled = programme.groupes.order_by("pk")[5]
    SeanceFactory(
        programme=programme,
        groupe=held_cancelled,
        fenetre=programme.fenetres.get(numero=3),
        date=datetime.date(2027, 5, 4),
        intervenant=programme.intervenants.first(),
        status=Seance.Status.ANNULEE,
    )
    site = programme.sites.order_by("antenne__ordre").first()
    site.nb_groupes = 2  # two sub-groups: each of their séances is a full séance, so 6 due there
    site.save()

    figures = revue_seances_figures(programme)

    assert figures["total"] == {
        "groupes": 8,
        "minimum": 21,
        "dues": 24,
        "tenues": 3,
        "annulees": 1,
        "a_venir": 1,  # the convoked séance of window 1
        "taux": 13,
        "taux_minimum": 14,
    }
    assert figures["sites"][0]["dues"] == 6 and figures["sites"][0]["minimum"] == 3
    assert figures["volume_par_site"] == 3 and figures["fenetres"] == 3


# -- life ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_review_assesses_the_programmes_ami_criteria_with_their_weights(revue):
    rows = [(c.code, c.poids) for c in revue.criteres.all()]
    assert rows == [("methodologie", 40), ("experience", 30), ("couverture", 15), ("prix", 15)]


@pytest.mark.django_db
def test_sharing_is_refused_until_every_criterion_and_the_overall_assessment_are_written(revue, users):
    with pytest.raises(Refused) as refused:
        revue_share(revue=revue, by=users["staff"])
    assert str(refused.value).startswith("La revue ne peut pas encore être partagée : Donnez une appréciation")
    assert "Rédigez l'appréciation générale." in str(refused.value)
    revue.refresh_from_db()
    assert revue.status == "brouillon" and revue.chiffres is None


@pytest.mark.django_db
def test_shared_review_is_frozen_figures_included_then_answered_once_then_closed(programme, revue, users):
    held(programme, 2)
    revue = shared(revue, users)
    assert revue.status == "partagee"
    SeanceFactory(
        programme=programme,
        groupe=programme.groupes.order_by("pk")[4],
        fenetre=programme.fenetres.get(numero=2),
        date=datetime.date(2027, 3, 2),
        intervenant=programme.intervenants.first(),
        status=Seance.Status.REALISEE,
    )
    assert revue_chiffres(revue)["seances"]["total"]["tenues"] == 2  # frozen at sharing
    assert revue_seances_figures(programme)["total"]["tenues"] == 3  # the programme moved on

    with pytest.raises(Refused, match="partagée avec le prestataire, elle ne change plus"):
        revue_write(revue=revue, by=users["staff"], appreciation_generale="Autre", criteres={})

    revue_answer(revue=revue, by=users["prestataire"], reponse="Merci, nous en tenons compte.")
    with pytest.raises(Refused, match="Vous avez déjà répondu à cette revue"):
        revue_answer(revue=revue, by=users["prestataire"], reponse="Une seconde réponse")
    revue.refresh_from_db()
    assert (revue.status, revue.reponse) == ("repondue", "Merci, nous en tenons compte.")

    revue_close(revue=revue, by=users["staff"])
    revue.refresh_from_db()
    assert revue.status == "close"
    with pytest.raises(Refused, match="il n'est plus possible d'y répondre"):
        revue_answer(revue=revue, by=users["prestataire"], reponse="Trop tard")
    reasons = list(revue.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[0] == "Revue ouverte"
    assert reasons[-3:] == ["Revue partagée avec le prestataire", "Réponse du prestataire", "Revue close"]


@pytest.mark.django_db
def test_an_unanswered_review_closes_only_thirty_days_after_sharing(revue, users):
    with time_machine.travel(datetime.datetime(2027, 7, 1, 10, 0, tzinfo=PARIS), tick=False):
        revue = shared(revue, users)
        with pytest.raises(Refused) as refused:
            revue_close(revue=revue, by=users["staff"])
    assert str(refused.value) == (
        "Le prestataire n'a pas encore répondu : il peut le faire jusqu'à la clôture, qui n'est possible sans sa "
        "réponse qu'à partir du 31 juillet 2027."
    )
    with time_machine.travel(datetime.datetime(2027, 7, 31, 9, 0, tzinfo=PARIS), tick=False):
        revue_close(revue=RevuePrestation.objects.get(pk=revue.pk), by=users["staff"])
    assert RevuePrestation.objects.get(pk=revue.pk).status == "close"


# -- who reads it ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_prestataire_reads_its_own_review_once_shared_and_no_other_organisation_ever(revue, users):
    other = MembreFactory(user__email="autre.prestataire@exemple.fr").user
    url = reverse("seances:revue", args=[revue.pk])
    pdf = reverse("seances:revue_pdf", args=[revue.pk])
    readers = {"staff": users["staff"], "prestataire": users["prestataire"], "autre": other}
    readers |= {role: users[role] for role in ("responsable", "intervenant", "conseiller", "evaluateur")}

    draft = {name: login(user).get(url).status_code for name, user in readers.items()}
    assert draft == {
        "staff": 200,
        "prestataire": 403,
        "autre": 403,
        "responsable": 403,
        "intervenant": 403,
        "conseiller": 403,
        "evaluateur": 403,
    }
    shared(revue, users)
    after = {name: (login(u).get(url).status_code, login(u).get(pdf).status_code) for name, u in readers.items()}
    assert after == {
        "staff": (200, 200),
        "prestataire": (200, 200),
        "autre": (403, 403),
        "responsable": (403, 403),
        "intervenant": (403, 403),
        "conseiller": (403, 403),
        "evaluateur": (403, 403),
    }
    for user in readers.values():
        visible = list(revues_visible_to(user))
        assert visible == [r for r in RevuePrestation.objects.all() if user.has_perm("seances.view_revue", r)]
    assert not other.has_perm("seances.answer_revue", revue)
    assert login(other).post(reverse("seances:revue_answer", args=[revue.pk]), {"reponse": "x"}).status_code == 403
    assert RevuePrestation.objects.get(pk=revue.pk).reponse == ""


@pytest.mark.django_db
def test_the_programme_page_shows_the_review_to_staff_and_to_its_prestataire_once_shared(programme, revue, users):
    board = reverse("seances:board", args=[programme.pk])
    assert "Revue de la prestation 2026-2027" in login(users["staff"]).get(board).content.decode()
    assert "Revue de la prestation" not in login(users["prestataire"]).get(board).content.decode()
    shared(revue, users)
    assert "Revue de la prestation 2026-2027" in login(users["prestataire"]).get(board).content.decode()


# -- pages: bad input keeps what was typed --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_open_write_and_share_through_the_pages_and_a_too_long_comment_is_refused_text_kept(programme, users):
    staff = login(users["staff"])
    response = staff.post(reverse("seances:revue_open", args=[programme.pk]))
    revue = RevuePrestation.objects.get(programme=programme)
    assert response["Location"] == reverse("seances:revue_edit", args=[revue.pk])
    edit = reverse("seances:revue_edit", args=[revue.pk])
    typed = {f"niveau_{code}": v["niveau"] for code, v in COMPLETE.items()}
    typed |= {f"texte_{code}": v["texte"] for code, v in COMPLETE.items()}
    typed |= {"texte_prix": "x" * 2001, "appreciation_generale": "Une année régulière, à poursuivre."}

    page = staff.post(edit, typed)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Le commentaire de « Proposition financière » ne doit pas dépasser 2000 caractères." in html
    assert "Une année régulière, à poursuivre." in html and "Équipe stable." in html
    assert RevuePrestation.objects.get(pk=revue.pk).appreciation_generale == ""

    typed["texte_prix"] = "Annulations tardives facturées."
    response = staff.post(edit, typed)
    assert response["Location"] == reverse("seances:revue", args=[revue.pk])
    assert "Brouillon de la revue enregistré." in staff.get(response["Location"]).content.decode()
    response = staff.post(reverse("seances:revue_share", args=[revue.pk]))
    assert flash(response).startswith("Revue partagée avec le prestataire"), flash(response)
    assert RevuePrestation.objects.get(pk=revue.pk).status == "partagee"
    assert staff.get(edit).status_code == 403  # shared = frozen


@pytest.mark.django_db
def test_an_empty_answer_is_refused_in_french_and_a_too_long_one_keeps_its_text(revue, users):
    shared(revue, users)
    prestataire = login(users["prestataire"])
    url = reverse("seances:revue_answer", args=[revue.pk])
    empty = unescape(prestataire.post(url, {"reponse": "  "}).content.decode())
    assert "Écrivez votre réponse avant de l'envoyer." in empty
    long_text = "Nous contestons. " + "a" * 5000
    assert long_text in prestataire.post(url, {"reponse": long_text}).content.decode()
    assert RevuePrestation.objects.get(pk=revue.pk).status == "partagee"
    response = prestataire.post(url, {"reponse": "Merci pour cette revue."})
    assert flash(response) == "Votre réponse est envoyée à la Mission Locale Haute-Garonne."
    assert "Merci pour cette revue." in prestataire.get(reverse("seances:revue", args=[revue.pk])).content.decode()


# -- beside the figures: the bilan's punctuality and the feedback hook ------------------------------------


@pytest.mark.django_db
def test_the_review_shows_the_bilans_punctuality_and_no_feedback_yet(programme, revue, users):
    bilan = BilanFactory(programme=programme, echeance=datetime.date(2027, 6, 30))
    version = BilanVersionFactory(bilan=bilan, remis_par=users["prestataire"])
    version.__class__.objects.filter(pk=version.pk).update(remis_le=datetime.datetime(2027, 7, 3, 9, tzinfo=PARIS))

    sources = revue_chiffres(revue)["sources"]

    lines = {line["libelle"]: line["valeur"] for line in sources["bilan"]["lignes"]}
    assert lines["Date de remise attendue"] == "30 juin 2027"
    assert lines["Première remise"] == "3 juillet 2027"
    assert lines["Ponctualité"] == "remis avec 3 jours de retard"
    assert sources["avis"]["lignes"] == [] and sources["avis"]["vide"] == "Pas encore d'avis agrégé"
    page = login(users["staff"]).get(reverse("seances:revue", args=[revue.pk])).content.decode()
    assert "remis avec 3 jours de retard" in page and "Pas encore d&#x27;avis agrégé" in page


@pytest.mark.django_db
def test_a_registered_feedback_provider_fills_the_hook_and_its_lines_are_frozen_at_sharing(revue, users):
    def feedback(programme):
        return review_sources.Lines([review_sources.Line("Je me suis senti·e libre de parler", "4,2 / 5")])

    review_sources.register(review_sources.FEEDBACK, feedback)
    try:
        revue = shared(revue, users)
    finally:
        review_sources._providers.pop(review_sources.FEEDBACK, None)
    avis = revue_chiffres(revue)["sources"]["avis"]["lignes"]
    assert avis == [{"libelle": "Je me suis senti·e libre de parler", "valeur": "4,2 / 5"}]


# -- the PDF -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_holds_the_figures_the_assessment_per_criterion_and_the_answer(programme, revue, users):
    held(programme, 2)
    revue = shared(revue, users)
    revue_answer(revue=revue, by=users["prestataire"], reponse="Nous renforcerons la prévenance des annulations.")
    revue.refresh_from_db()

    text = pdf_text(revue_pdf(revue))

    for expected in (
        "Revue de la prestation 2026-2027",
        "2 séances tenues sur 21 dues (10 %)",
        "Qualité et pertinence de la proposition méthodologique 40 % Satisfaisant Déroulé tenu.",
        "Proposition financière 15 % À améliorer Annulations tardives facturées.",
        "Une bonne année.",
        "Nous renforcerons la prévenance des annulations.",
        "Pas encore d'avis agrégé",
    ):
        assert expected in text


# -- homes and the next AMI --------------------------------------------------------------------------------


def labels(user, now):
    return [item.label for item in todo_for(user, now).items]


@pytest.mark.django_db
def test_staff_see_the_review_to_write_near_the_years_end_and_the_prestataire_when_shared(programme, users):
    december = datetime.datetime(2026, 12, 1, 10, tzinfo=PARIS)
    may = datetime.datetime(2027, 5, 20, 10, tzinfo=PARIS)
    staff, prestataire = users["staff"], users["prestataire"]
    assert "Revue de la prestation à rédiger" not in labels(staff, december)
    assert todo_for(staff, december).upcoming is not None
    assert "Revue de la prestation à rédiger" in labels(staff, may)
    item = next(i for i in todo_for(staff, may).items if i.label == "Revue de la prestation à rédiger")
    assert item.due == datetime.date(2027, 7, 30)

    revue = revue_open(programme=programme, by=staff)
    assert "Revue de la prestation à lire et à laquelle répondre" not in labels(prestataire, may)
    shared(revue, users)
    assert "Revue de la prestation à rédiger" not in labels(staff, may)
    assert "Revue de la prestation à lire et à laquelle répondre" in labels(prestataire, may)
    other = UserFactory(email="x@exemple.fr", role=User.Role.PRESTATAIRE)
    MembreFactory(user=other)
    assert "Revue de la prestation à lire et à laquelle répondre" not in labels(other, may)
    revue_answer(revue=revue, by=prestataire, reponse="Merci.")
    assert "Revue de la prestation à lire et à laquelle répondre" not in labels(prestataire, may)


@pytest.mark.django_db
def test_the_ami_authoring_pages_offer_the_previous_reviews_as_reading(revue, users):
    staff = login(users["staff"])
    for url in (reverse("ami:authoring"), reverse("ami:authoring_create")):
        html = staff.get(url).content.decode()
        assert "les revues de la prestation" in html
        assert reverse("seances:revue", args=[revue.pk]) in html


@pytest.mark.django_db
def test_the_reviews_history_page_tells_staff_who_shared_it_and_is_closed_to_the_prestataire(revue, users):
    shared(revue, users)
    url = reverse("history", args=["seances.revueprestation", revue.pk])
    html = unescape(login(users["staff"]).get(url).content.decode())
    assert "Revue partagée avec le prestataire" in html and "Revue ouverte" in html
    assert login(users["prestataire"]).get(url).status_code == 403
