"""The public pages of the AMIs: what a visitor reads, and the deadline to the second."""

import datetime
from zoneinfo import ZoneInfo

import cssselect2
import pytest
import time_machine
import tinyhtml5
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ami.models import AMI, SectionAMI
from ami.templatetags.ami_text import section_text
from mlhg_app.french import deadline_text, time_left_text
from tests.factories import AMIFactory

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)
THREE_DAYS_FOUR_HOURS_BEFORE = datetime.datetime(2026, 5, 26, 19, 59, 59, tzinfo=PARIS)


def texts(response, selector: str) -> list[str]:
    """The visible text of each element matching a CSS selector, whitespace collapsed."""
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    return [" ".join("".join(e.etree_element.itertext()).split()) for e in root.query_all(selector)]


def rows(response, selector: str) -> list[tuple[str, ...]]:
    """The cells' text of each table row matching a CSS selector."""
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    return [
        tuple(" ".join("".join(cell.etree_element.itertext()).split()) for cell in row.query_all("th, td"))
        for row in root.query_all(selector)
    ]


def links(response, selector: str) -> list[str]:
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    return [e.etree_element.get("href") for e in root.query_all(selector)]


@pytest.fixture
def ami_2026(reference):
    """The seed's AMI 2026, published."""
    AMI.objects.filter(reference="ami-app-2026").update(status=AMI.Status.PUBLIE)
    return AMI.objects.get(reference="ami-app-2026")


def get(url):
    return Client().get(url)


# -- the list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_the_open_ami_with_its_deadline_and_time_left(ami_2026):
    with time_machine.travel(THREE_DAYS_FOUR_HOURS_BEFORE, tick=False):
        response = get(reverse("ami:list"))

    assert response.status_code == 200
    assert texts(response, ".list-group-item .fw-semibold") == [
        "Organisation de réunions d'Analyse de Pratiques Professionnelles – 2026"
    ]
    assert texts(response, ".list-group-item .badge") == ["Ouvert aux candidatures"]
    assert texts(response, ".list-group-item .small") == [
        "Date limite de dépôt : vendredi 29 mai 2026 à 23 h 59 (heure de Paris) · Il reste 3 jours, 4 heures"
    ]
    assert links(response, ".list-group-item") == [reverse("ami:detail", args=["ami-app-2026"])]
    assert texts(response, "main p.text-muted") == ["Aucun appel passé."]


@pytest.mark.django_db
def test_list_moves_the_ami_to_past_ones_after_the_deadline_and_hides_drafts(ami_2026):
    AMIFactory(reference="brouillon-2027", titre="AMI en préparation", status=AMI.Status.BROUILLON)
    AMIFactory(reference="ami-2025", titre="AMI 2025", status=AMI.Status.ATTRIBUE, date_limite=DEADLINE.replace(2025))

    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        response = get(reverse("ami:list"))

    assert texts(response, ".alert-info") == [
        "Aucun appel à manifestation d'intérêt n'est ouvert en ce moment. "
        "Revenez bientôt : les prochains appels seront publiés sur cette page."
    ]
    assert texts(response, ".list-group-item .fw-semibold") == [
        "Organisation de réunions d'Analyse de Pratiques Professionnelles – 2026",
        "AMI 2025",
    ]
    assert texts(response, ".list-group-item .badge") == ["Clos : date limite dépassée", "Attribué"]


@pytest.mark.django_db
def test_list_empty_state_in_french(db):
    response = get(reverse("ami:list"))

    assert texts(response, ".alert-info") == [
        "Aucun appel à manifestation d'intérêt n'est ouvert en ce moment. "
        "Revenez bientôt : les prochains appels seront publiés sur cette page."
    ]
    assert texts(response, "main p.text-muted") == ["Aucun appel passé."]


@pytest.mark.django_db
def test_public_home_links_to_the_amis_and_registration(db):
    response = get(reverse("home"))

    assert links(response, "main a.btn") == [reverse("ami:list"), reverse("ami:register"), reverse("login")]


# -- an AMI's page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_deadline_time_left_and_the_button_while_open(ami_2026):
    with time_machine.travel(THREE_DAYS_FOUR_HOURS_BEFORE, tick=False):
        response = get(reverse("ami:detail", args=["ami-app-2026"]))

    assert response.status_code == 200
    assert texts(response, "h1") == ["Organisation de réunions d'Analyse de Pratiques Professionnelles – 2026"]
    assert texts(response, "#date-limite") == ["vendredi 29 mai 2026 à 23 h 59 (heure de Paris)"]
    assert texts(response, "#temps-restant") == ["Il reste 3 jours, 4 heures · Ouvert aux candidatures"]
    assert texts(response, "a.btn-lg") == ["Déposer une candidature"]
    assert links(response, "a.btn-lg") == [reverse("ami:dossier_start", args=["ami-app-2026"])]


@pytest.mark.django_db
def test_detail_at_the_deadline_second_still_shows_the_button(ami_2026):
    with time_machine.travel(DEADLINE, tick=False):
        response = get(reverse("ami:detail", args=["ami-app-2026"]))

    assert texts(response, "#temps-restant") == ["Il reste moins d'une seconde · Ouvert aux candidatures"]
    assert texts(response, "a.btn-lg") == ["Déposer une candidature"]


@pytest.mark.django_db
def test_detail_one_second_after_the_deadline_hides_the_button(ami_2026):
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        response = get(reverse("ami:detail", args=["ami-app-2026"]))

    assert texts(response, "#temps-restant") == ["Date limite dépassée · Clos : date limite dépassée"]
    assert texts(response, "a.btn-lg") == []
    assert texts(response, "#depot-ferme") == ["Les candidatures ne sont plus acceptées pour cet appel."]


@pytest.mark.django_db
def test_detail_shows_the_criteria_and_their_weights(ami_2026):
    response = get(reverse("ami:detail", args=["ami-app-2026"]))

    assert rows(response, "#criteres tbody tr") == [
        ("Qualité et pertinence de la proposition méthodologique", "40 %"),
        ("Expérience et qualifications des intervenants", "30 %"),
        ("Capacité à couvrir l'ensemble des sites", "15 %"),
        ("Proposition financière", "15 %"),
    ]
    assert rows(response, "#criteres tfoot tr") == [("Total", "100 %")]


@pytest.mark.django_db
def test_detail_shows_the_volume_calendar_and_contact(ami_2026):
    response = get(reverse("ami:detail", args=["ami-app-2026"]))

    assert rows(response, "#volume tr") == [
        ("Nombre de sites", "7"),
        ("Séances par site et par an", "3 minimum"),
        ("Durée d'une séance", "2 heures"),
        ("Taille des groupes", "jusqu'à 17 personnes"),
        (
            "Sous-groupes",
            "possibles si l'effectif du site le justifie : chaque séance avec un sous-groupe est "
            "comptabilisée comme une séance à part entière",
        ),
        ("Volume minimal", "21 séances par an (3 séances × 7 sites)"),
    ]
    assert rows(response, "#calendrier tbody tr") == [
        ("Publication de l'AMI", "27 avril 2026"),
        ("Date limite de réception des candidatures", "29 mai 2026"),
        ("Analyse des candidatures et sélection", "Début juin 2026"),
        ("Notification aux candidats", "Fin juin 2026"),
        ("Démarrage de la prestation", "Septembre 2026"),
        ("Première séance sur chaque site", "Septembre / octobre 2026"),
        ("Bilan de la 1ère année de prestation", "Juin 2027"),
    ]
    assert texts(response, "#contact p") == [
        "Pour tout renseignement complémentaire, vous pouvez contacter : Murielle AVRIL au 06 80 12 20 07 "
        "– mlhg@ml31.org."
    ]


@pytest.mark.django_db
def test_detail_shows_the_seed_text_as_sections(ami_2026):
    response = get(reverse("ami:detail", args=["ami-app-2026"]))

    assert texts(response, "section[id^=section-] > h2") == [
        "Présentation de la Mission Locale Haute-Garonne",
        "Contexte et justification de la démarche",
        "Objet de l'appel à manifestation d'intérêt",
        "Objectifs poursuivis",
        "Description de la prestation attendue",
        "Approche méthodologique",
        "Restitution et bilan",
        "Profil du prestataire attendu",
        "Contenu du dossier de candidature",
        "Dispositions générales",
    ]
    assert texts(response, "#section-methode li") == [
        "Un cadre structuré et sécurisant ;",
        "Une posture de non-jugement et de bienveillance ;",
        "La mobilisation de l'intelligence collective du groupe ;",
        "Une problématique posée par un membre du groupe comme point de départ de chaque séance.",
    ]
    assert texts(response, "#section-prestation h3") == [
        "Public concerné",
        "Volumétrie",
        "Modalités d'organisation",
    ]
    assert texts(response, "#section-dossier ol li")[4] == (
        "Proposition financière : coût par séance (en distinguant si nécessaire séance en groupe complet / séance "
        "en sous-groupe), coût total annuel prévisionnel sur la base du volume minimal de 21 séances, et modalités "
        "de facturation ;"
    )
    assert texts(response, "#section-objectifs strong")[0] == "Prévenir les risques psychosociaux"


@pytest.mark.django_db
def test_draft_ami_answers_404(reference):
    assert AMI.objects.get(reference="ami-app-2026").status == AMI.Status.BROUILLON

    assert get(reverse("ami:detail", args=["ami-app-2026"])).status_code == 404
    assert get(reverse("ami:detail", args=["inconnu"])).status_code == 404


# -- the reference data and the helpers ----------------------------------------------------


@pytest.mark.django_db
def test_reference_creates_the_sections_once_and_keeps_edits(reference):
    ami = AMI.objects.get(reference="ami-app-2026")
    assert ami.sections.count() == 10
    SectionAMI.objects.filter(ami=ami, code="objet").update(texte="Texte modifié par la MLHG.")
    SectionAMI.objects.filter(ami=ami, code="dispositions").delete()

    call_command("load_mlhg", stdout=open("/dev/null", "w"))

    assert ami.sections.count() == 9
    assert ami.sections.get(code="objet").texte == "Texte modifié par la MLHG."


def test_deadline_text_is_in_paris_time():
    utc = datetime.datetime(2026, 5, 29, 21, 59, 59, tzinfo=datetime.UTC)
    assert deadline_text(utc) == "vendredi 29 mai 2026 à 23\xa0h\xa059"
    assert deadline_text(datetime.datetime(2026, 1, 5, 9, 5, 3, tzinfo=PARIS)) == "lundi 5 janvier 2026 à 9\xa0h\xa005"


@pytest.mark.parametrize(
    "before, expected",
    [
        (datetime.timedelta(days=3, hours=4), "Il reste 3 jours, 4 heures"),
        (datetime.timedelta(days=1, minutes=30), "Il reste 1 jour"),
        (datetime.timedelta(hours=1, minutes=1), "Il reste 1 heure, 1 minute"),
        (datetime.timedelta(minutes=2, seconds=5), "Il reste 2 minutes, 5 secondes"),
        (datetime.timedelta(seconds=1), "Il reste 1 seconde"),
        (datetime.timedelta(0), "Il reste moins d'une seconde"),
        (datetime.timedelta(seconds=-1), "Date limite dépassée"),
    ],
)
def test_time_left_text(before, expected):
    assert time_left_text(DEADLINE, now=DEADLINE - before) == expected


def test_section_text_escapes_html_and_renders_lists():
    assert section_text("## Titre\nUn <b>texte</b> **fort**.\n\n- un\n- deux\n\n1. premier\n2. second") == (
        '<h3 class="h6 mt-3">Titre</h3>\n'
        "<p>Un &lt;b&gt;texte&lt;/b&gt; <strong>fort</strong>.</p>\n"
        "<ul><li>un</li><li>deux</li></ul>\n"
        "<ol><li>premier</li><li>second</li></ol>"
    )


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_the_number_of_amis(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AMIFactory(reference="un")
    with CaptureQueriesContext(connection) as one:
        get(reverse("ami:list"))
    AMIFactory(reference="deux")
    AMIFactory(reference="trois", status=AMI.Status.CLOS)
    with CaptureQueriesContext(connection) as three:
        response = get(reverse("ami:list"))

    assert len(texts(response, ".list-group-item")) == 3
    assert len(three) == len(one)


def test_detail_says_the_tie_break_rule_follows_the_highest_weight(ami_2026):
    response = get(reverse("ami:detail", args=["ami-app-2026"]))
    assert texts(response, "#criteres p") == [
        "En cas d’égalité du total, les candidats sont départagés par les points du critère le plus pondéré : "
        "qualité et pertinence de la proposition méthodologique (40 %)."
    ]
    ami_2026.criteres.filter(code="experience").update(poids=45)
    ami_2026.criteres.filter(code="methodologie").update(poids=25)
    response = get(reverse("ami:detail", args=["ami-app-2026"]))
    assert (
        "critère le plus pondéré : expérience et qualifications des intervenants (45 %)"
        in texts(response, "#criteres p")[0]
    )


@pytest.mark.django_db
def test_staff_on_the_public_page_find_the_link_to_the_ami_s_staff_pages(ami_2026, client_for):
    """Issue 15: a rectificatif ends on the public page; staff go on from there without the admin."""
    url = reverse("ami:detail", args=["ami-app-2026"])
    assert links(client_for("staff").get(url), "#suivi-mlhg a") == [
        reverse("ami:staff_dossiers", args=["ami-app-2026"])
    ]
    assert links(get(url), "#suivi-mlhg a") == []
    assert links(client_for("prestataire").get(url), "#suivi-mlhg a") == []
