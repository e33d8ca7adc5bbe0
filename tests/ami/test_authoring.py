"""Staff write the next AMI from the previous one, preview it as a visitor will, and publish it after its checks."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from ami.models import AMI, VersionAMI
from ami.reference import REFERENCE
from ami.services.authoring import ami_create, ami_criteres_save, ami_publication_problems, ami_publish
from mlhg_app.refusals import Refused
from tests.web import login

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=PARIS)
DEADLINE = datetime.datetime(2027, 5, 28, 23, 59, 59, tzinfo=PARIS)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def draft(users):
    source = AMI.objects.get(reference=REFERENCE)
    with time_machine.travel(NOW, tick=False):
        return ami_create(
            source=source,
            reference="ami-app-2027",
            titre="Analyse de Pratiques Professionnelles – 2027",
            annee=2027,
            date_limite=DEADLINE,
            by=users["staff"],
        )


def _staff_on(users, name, draft):
    """Staff's client and the URL of `draft`'s authoring page `name`."""
    return login(users["staff"]), reverse(name, kwargs={"reference": draft.reference})


@pytest.mark.django_db
def test_create_from_the_previous_ami_copies_text_criteria_calendar_volumes_price_and_contact(draft):
    source = AMI.objects.get(reference=REFERENCE)
    assert [(s.code, s.titre, s.texte) for s in draft.sections.all()] == [
        (s.code, s.titre, s.texte) for s in source.sections.all()
    ]
    assert [(c.code, c.libelle, c.poids, c.mode) for c in draft.criteres.all()] == [
        (c.code, c.libelle, c.poids, c.mode) for c in source.criteres.all()
    ]
    assert [(j.libelle, j.quand, j.date) for j in draft.jalons.all()][:2] == [
        ("Publication de l'AMI", "27 avril 2027", datetime.date(2027, 4, 27)),
        ("Date limite de réception des candidatures", "29 mai 2027", datetime.date(2027, 5, 29)),
    ]
    assert (draft.nb_sites, draft.seances_par_site, draft.taille_max_groupe, draft.contact_email) == (
        7,
        3,
        17,
        "mlhg@ml31.org",
    )
    assert (draft.status, draft.cree_depuis, draft.formule_prix) == ("brouillon", source, source.formule_prix)
    assert draft.questions_deadline == DEADLINE - datetime.timedelta(days=7)


@pytest.mark.django_db
def test_create_page_from_the_reference_text_and_a_used_reference_refused_keeping_the_input(users):
    client = login(users["staff"])
    url = reverse("ami:authoring_create")
    data = {
        "source": "",
        "reference": REFERENCE,
        "titre": "Nouveau titre",
        "annee": "2027",
        "date_limite": "2027-05-28T23:59:59",
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "La référence « ami-app-2026 » est déjà celle d&#x27;un autre AMI" in page.content.decode()
    assert 'value="Nouveau titre"' in page.content.decode()
    response = client.post(url, {**data, "reference": "ami-neuf"})
    ami = AMI.objects.get(reference="ami-neuf")
    assert response["Location"] == reverse("ami:authoring_edit", kwargs={"reference": "ami-neuf"})
    assert (ami.sections.count(), ami.criteres.count(), ami.jalons.count()) == (10, 4, 7)


@pytest.mark.django_db
def test_weights_not_summing_to_100_refused_with_the_current_sum_and_the_input_kept(draft, users):
    client, url = _staff_on(users, "ami:authoring_criteres", draft)
    criteres = list(draft.criteres.all())
    data = {"form-TOTAL_FORMS": "5", "form-INITIAL_FORMS": "4", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for i, c in enumerate(criteres):
        data |= {f"form-{i}-id": c.pk, f"form-{i}-libelle": c.libelle, f"form-{i}-poids": c.poids}
        data |= {f"form-{i}-mode": c.mode, f"form-{i}-ordre": i + 1}
    data["form-0-poids"] = "35"
    page = client.post(url, data)
    assert page.status_code == 200
    assert "La somme des pondérations doit être égale à 100 % (actuellement 95 %) : ajoutez 5 points." in _text(page)
    assert 'value="35"' in page.content.decode()
    assert sorted(draft.criteres.values_list("poids", flat=True)) == [15, 15, 30, 40]
    with pytest.raises(Refused, match=r"actuellement 110 %"):
        ami_criteres_save(
            ami=draft, rows=[{"id": None, "libelle": "Tout", "poids": 110, "mode": "note"}], by=users["staff"]
        )
    # Reordered and reweighted: saved.
    data |= {"form-0-poids": "40", "form-0-ordre": "9", "form-1-poids": "30"}
    assert client.post(url, data).status_code == 302
    assert list(draft.criteres.order_by("ordre").values_list("code", flat=True)) == [
        "experience",
        "couverture",
        "prix",
        "methodologie",
    ]


@pytest.mark.django_db
def test_sections_added_reordered_and_deleted(draft, users):
    client, url = _staff_on(users, "ami:authoring_sections", draft)
    sections = list(draft.sections.all())
    n = len(sections)
    data = {"form-TOTAL_FORMS": str(n + 1), "form-INITIAL_FORMS": str(n), "form-MIN_NUM_FORMS": "0"}
    data["form-MAX_NUM_FORMS"] = "1000"
    for i, s in enumerate(sections):
        data |= {f"form-{i}-code": s.code, f"form-{i}-titre": s.titre, f"form-{i}-texte": s.texte}
        data[f"form-{i}-ordre"] = i + 1
    data["form-1-DELETE"] = "on"
    data |= {
        f"form-{n}-titre": "Questions des candidats",
        f"form-{n}-texte": "Posez-les en ligne.",
        f"form-{n}-ordre": "0",
    }
    assert client.post(url, data).status_code == 302
    codes = list(draft.sections.order_by("ordre").values_list("code", flat=True))
    assert codes[0] == "questions-des-candidats"
    assert "contexte" not in codes and len(codes) == n


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"date_limite_questions": DEADLINE + datetime.timedelta(hours=1)},
            "La date limite des questions (samedi 29 mai 2027 à 0\xa0h\xa059) doit précéder la date limite de dépôt "
            "(vendredi 28 mai 2027 à 23\xa0h\xa059).",
        ),
        (
            {"date_publication": datetime.date(2027, 5, 25)},
            "La date de publication (mardi 25 mai 2027) doit précéder la date limite des questions "
            "(vendredi 21 mai 2027 à 23\xa0h\xa059).",
        ),
        (
            {
                "date_limite": NOW - datetime.timedelta(days=1),
                "date_limite_questions": NOW - datetime.timedelta(days=8),
            },
            "La date limite de dépôt (dimanche 28 février 2027 à 10\xa0h\xa000) est passée : choisissez une date à venir.",
        ),
        ({"contact_email": ""}, "Indiquez l'adresse électronique de contact et de dépôt."),
    ],
)
def test_publication_refused_for_dates_out_of_order_past_deadline_or_missing_contact(draft, users, changes, problem):
    AMI.objects.filter(pk=draft.pk).update(**changes)
    draft.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        assert problem in ami_publication_problems(draft)
        with pytest.raises(Refused, match=re.escape(problem)):
            ami_publish(ami=draft, by=users["staff"])
        page = login(users["staff"]).get(reverse("ami:authoring_publish", kwargs={"reference": draft.reference}))
    assert problem.replace("'", "&#x27;") in page.content.decode()
    assert "Confirmer la publication" not in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == "brouillon"


@pytest.mark.django_db
def test_publication_without_section_or_with_weights_off_lists_each_problem(draft, users):
    draft.sections.all().delete()
    draft.criteres.filter(code="prix").delete()
    with time_machine.travel(NOW, tick=False):
        assert ami_publication_problems(draft) == [
            "Le texte de l'AMI n'a aucune section : ajoutez-en au moins une.",
            "La somme des pondérations des critères est de 85 % : elle doit être égale à 100 %.",
        ]


@pytest.mark.django_db
def test_publish_after_confirmation_through_the_state_function_version_1_and_no_email(draft, users):
    client, url = _staff_on(users, "ami:authoring_publish", draft)
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        assert "Aucun courriel n'est envoyé par la publication." in _text(page)
        response = client.post(url)
    assert response["Location"] == reverse("ami:detail", kwargs={"reference": draft.reference})
    draft.refresh_from_db()
    assert (draft.status, draft.date_publication) == ("publie", datetime.date(2027, 3, 1))
    version = VersionAMI.objects.get(ami=draft)
    assert (version.numero, version.date_limite, len(version.sections)) == (1, DEADLINE, 10)
    assert draft.history.first().history_change_reason == "Statut : Publié"
    assert mail.outbox == []
    # Once published, the draft pages refuse (the object permission: a draft only).
    assert client.get(reverse("ami:authoring_edit", kwargs={"reference": draft.reference})).status_code == 403


@pytest.mark.django_db
def test_preview_shows_the_public_page_with_its_banner_for_staff_only(draft, users, client):
    url = reverse("ami:authoring_preview", kwargs={"reference": draft.reference})
    page = login(users["staff"]).get(url)
    assert page.status_code == 200
    text = _text(page)
    assert "Aperçu — non publié." in text and draft.titre in text and "Critères de sélection" in text
    assert client.get(url).status_code == 302  # a visitor: to the login page
    assert login(users["prestataire"]).get(url).status_code == 403
    assert client.get(reverse("ami:detail", kwargs={"reference": draft.reference})).status_code == 404


@pytest.mark.django_db
def test_a_prestataire_cannot_edit_or_publish_a_draft(draft, users):
    prestataire = login(users["prestataire"])
    for name in ["authoring_edit", "authoring_criteres", "authoring_publish"]:
        url = reverse(f"ami:{name}", kwargs={"reference": draft.reference})
        assert prestataire.post(url, {}).status_code == 403
    assert prestataire.get(reverse("ami:authoring")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "brouillon"


@pytest.mark.django_db
def test_edit_form_saves_the_draft_and_keeps_the_input_on_error(draft, users):
    client, url = _staff_on(users, "ami:authoring_edit", draft)
    page = client.get(url)
    assert page.status_code == 200
    assert "Toutes les vérifications sont satisfaites" in _text(page)
    data = {
        "reference": draft.reference,
        "titre": "Titre corrigé",
        "annee": "2027",
        "date_publication": "",
        "date_limite": "pas une date",
        "date_limite_questions": "",
        "nb_sites": "7",
        "seances_par_site": "3",
        "duree_seance_heures": "2",
        "taille_max_groupe": "17",
        "sous_groupes_autorises": "on",
        "contact_nom": "Murielle AVRIL",
        "contact_telephone": "",
        "contact_email": "mlhg@ml31.org",
        "formule_prix": "proportionnelle",
        "seuil_desaccord": "4",
        "standstill_jours": "0",
    }
    page = client.post(url, data)
    assert page.status_code == 200 and 'value="Titre corrigé"' in page.content.decode()
    assert client.post(url, {**data, "date_limite": "2027-06-04T12:00:00"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.titre, draft.date_limite, draft.questions_deadline) == (
        "Titre corrigé",
        datetime.datetime(2027, 6, 4, 12, 0, tzinfo=PARIS),
        datetime.datetime(2027, 5, 28, 12, 0, tzinfo=PARIS),  # left empty: J-7 of the new deadline
    )


@pytest.mark.django_db
def test_edit_refuses_a_reference_already_used_on_its_field(draft, users):
    client, url = _staff_on(users, "ami:authoring_edit", draft)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["date_limite"] = "2027-05-28T23:59:59"
    data["date_limite_questions"] = "2027-05-21T23:59:59"
    data["date_publication"] = ""
    data["sous_groupes_autorises"] = "on"
    data["reference"] = REFERENCE
    page = client.post(url, data)
    assert page.status_code == 200
    assert "La référence « ami-app-2026 » est déjà celle d&#x27;un autre AMI" in page.content.decode()
    draft.refresh_from_db()
    assert draft.reference == "ami-app-2027"
