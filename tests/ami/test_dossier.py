"""The prestataire's dossier: start, six sections saved as drafts, completeness, totals, isolation."""

import datetime
import html
import io
import os
import re
import zipfile
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ami.completeness import dossier_completeness, dossier_is_complete
from ami.models import Dossier, EtapeDeroule, Fichier
from ami.pricing import dossier_totaux, format_euros
from ami.services.dossier import dossier_start
from mlhg_app.models import Antenne
from tests.dossiers import complete_sections
from tests.factories import (
    AMIFactory,
    DossierFactory,
    DossierVersionFactory,
    EtapeDerouleFactory,
    FichierFactory,
    IntervenantFactory,
    MembreFactory,
    ReferenceFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def page(response) -> str:
    """The page's text as the user reads it (entities decoded)."""
    return html.unescape(response.content.decode())


def flash(response) -> list[str]:
    """The messages the request added (shown on this page, or on the next one after a redirect)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def alerts(response) -> list[str]:
    """The messages shown at the top of a rendered page."""
    return [m.strip() for m in re.findall(r'<div class="alert alert-[a-z]+">(.*?)</div>', page(response), re.S)]


def pdf(name="cv.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def stored_cv(dossier, intervenant=None):
    """A CV stored directly in the database and the storage (no content checks)."""
    return FichierFactory(
        dossier=dossier,
        intervenant=intervenant,
        nom="cv.pdf",
        taille=len(PDF),
        sha256="a" * 64,
        fichier=ContentFile(PDF, name="cv.pdf"),
    )


@pytest.fixture
def antennes(reference):
    return list(Antenne.objects.filter(kind=Antenne.Kind.ANTENNE))


@pytest.fixture
def ami(db):
    return AMIFactory(reference="ami-ouvert", date_limite=timezone.now() + datetime.timedelta(days=20))


@pytest.fixture
def membre(db):
    return MembreFactory(prestataire__statut_juridique="SCOP SARL")


@pytest.fixture
def client(membre):
    c = Client()
    c.force_login(membre.user, backend="django.contrib.auth.backends.ModelBackend")
    return c


@pytest.fixture
def dossier(ami, membre):
    return DossierFactory(ami=ami, prestataire=membre.prestataire)


def section_url(dossier, code):
    return reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": code})


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


# -- start ---------------------------------------------------------------------------------


def test_start_shows_the_button_then_creates_one_dossier(client, ami, membre):
    url = reverse("ami:dossier_start", kwargs={"reference": ami.reference})
    response = client.get(url)
    assert response.status_code == 200
    assert "Commencer ma candidature" in page(response)

    response = client.post(url)
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("ami:dossier", kwargs={"pk": dossier.pk})
    assert (dossier.ami, dossier.prestataire, dossier.status) == (ami, membre.prestataire, "brouillon")
    assert dossier.statut_juridique == "SCOP SARL"

    # A second POST (another tab) and a GET lead to the same dossier.
    assert client.post(url)["Location"] == reverse("ami:dossier", kwargs={"pk": dossier.pk})
    assert client.get(url)["Location"] == reverse("ami:dossier", kwargs={"pk": dossier.pk})
    assert Dossier.objects.count() == 1


def test_start_two_concurrent_requests_make_one_dossier(ami, membre):
    """The loser of the race hits the unique constraint and reads the winner's dossier."""
    winner = DossierFactory(ami=ami, prestataire=membre.prestataire)
    empty = mock.Mock()
    empty.first.return_value = None
    with mock.patch.object(Dossier.objects, "filter", return_value=empty):
        dossier, created = dossier_start(ami=ami, prestataire=membre.prestataire)
    assert (dossier, created) == (winner, False)
    assert Dossier.objects.count() == 1


def test_start_refused_when_the_deadline_has_passed(client, membre):
    closed = AMIFactory(reference="ami-clos", date_limite=timezone.now() - datetime.timedelta(seconds=1))
    url = reverse("ami:dossier_start", kwargs={"reference": closed.reference})
    for response in (client.get(url), client.post(url)):
        assert response["Location"] == reverse("ami:detail", kwargs={"reference": closed.reference})
        assert flash(response) == [
            "Cet appel n'est pas ouvert aux candidatures : la date limite est passée ou il n'est pas publié."
        ]
    assert Dossier.objects.count() == 0


# -- overview and completeness -------------------------------------------------------------------


def test_overview_of_an_empty_dossier_lists_what_is_missing(client, dossier):
    response = client.get(reverse("ami:dossier", kwargs={"pk": dossier.pk}))
    assert response.status_code == 200
    text = page(response)
    assert "Brouillon" in text
    assert "0/6 sections complètes" in text
    assert "Dépôt" in text  # the submission panel is included
    assert "La date limite est passée" not in text
    states = response.context["completeness"]
    assert [(s.numero, s.titre, s.missing) for s in states] == [
        (
            1,
            "1. Structure",
            [
                "La présentation de la structure n'est pas renseignée.",
                "Le statut juridique n'est pas renseigné.",
                "L'activité n'est pas renseignée.",
            ],
        ),
        (2, "2. Équipe d'intervenants", ["Aucun intervenant n'est proposé."]),
        (
            3,
            "3. Méthodologie",
            [
                "L'approche méthodologique n'est pas choisie.",
                "La justification de l'approche n'est pas renseignée.",
                "Le déroulé type d'une séance ne compte aucune étape.",
                "La posture de l'intervenant n'est pas renseignée.",
                "La garantie « un cadre structuré et sécurisant » n'est pas renseignée.",
                "La garantie « une posture de non-jugement et de bienveillance » n'est pas renseignée.",
                "La garantie « la mobilisation de l'intelligence collective du groupe » n'est pas renseignée.",
                "La garantie « une problématique posée par un membre du groupe comme point de départ » "
                "n'est pas renseignée.",
            ],
        ),
        (4, "4. Références", ["Aucune référence n'est indiquée."]),
        (
            5,
            "5. Proposition financière",
            [
                "Le prix HT d'une séance en groupe complet n'est pas renseigné.",
                "Le prix HT d'une séance en sous-groupe n'est pas renseigné.",
                "Le régime de TVA n'est pas choisi.",
                "Les modalités de facturation ne sont pas renseignées.",
            ],
        ),
        (6, "6. Disponibilités", ["La section n'a pas encore été enregistrée."]),
    ]
    for state in states:
        assert state.url in text
        assert state.missing[0] in text


def test_overview_after_the_deadline_shows_the_banner(client, dossier):
    dossier.ami.date_limite = timezone.now() - datetime.timedelta(seconds=1)
    dossier.ami.save()
    response = client.get(reverse("ami:dossier", kwargs={"pk": dossier.pk}))
    assert "La date limite est passée : ce brouillon ne peut plus être déposé." in page(response)


def complete_dossier(dossier, antennes, nb_intervenants=1):
    """Fill the six sections directly in the database."""
    Dossier.objects.filter(pk=dossier.pk).update(**complete_sections())
    for ordre, (libelle, duree) in enumerate([("Accueil", 15), ("Exposé du cas", 30), ("Consultation", 75)], 1):
        EtapeDerouleFactory(dossier=dossier, ordre=ordre, libelle=libelle, duree_minutes=duree)
    ReferenceFactory(dossier=dossier)
    for n in range(nb_intervenants):
        intervenant = IntervenantFactory(
            dossier=dossier, prenom="Anne", nom=f"Martin{n}", annees_experience_app=8, antennes=antennes[:3]
        )
        stored_cv(dossier, intervenant=intervenant)
    return Dossier.objects.get(pk=dossier.pk)


def test_completeness_reaches_six_of_six(client, dossier, antennes):
    dossier = complete_dossier(dossier, antennes)
    assert [s.missing for s in dossier_completeness(dossier)] == [[]] * 6
    assert dossier_is_complete(dossier) is True
    response = client.get(reverse("ami:dossier", kwargs={"pk": dossier.pk}))
    assert "6/6 sections complètes" in page(response)
    assert "progress-6-6" in page(response)


def test_completeness_names_each_intervenant_and_the_wrong_total(dossier, antennes):
    dossier = complete_dossier(dossier, antennes)
    intervenant = dossier.intervenants.get()
    intervenant.fichiers.all().delete()
    intervenant.antennes.clear()
    EtapeDeroule.objects.filter(dossier=dossier, ordre=1).update(duree_minutes=10)
    Dossier.objects.filter(pk=dossier.pk).update(regime_tva="exonere", taux_tva=None, demarrage_septembre=None)
    dossier = Dossier.objects.get(pk=dossier.pk)
    missing = {s.code: s.missing for s in dossier_completeness(dossier)}
    assert missing["equipe"] == ["Anne Martin0 : CV manquant.", "Anne Martin0 : aucune antenne couverte."]
    assert missing["methodologie"] == ["Les étapes du déroulé totalisent 115 minutes au lieu de 120."]
    assert missing["financier"] == ["La mention légale d'exonération de TVA n'est pas renseignée."]
    assert missing["disponibilites"] == ["La capacité à démarrer en septembre 2026 n'est pas indiquée."]
    assert dossier_is_complete(dossier) is False


def test_completeness_runs_a_constant_number_of_queries(ami, antennes):
    counts = []
    for n in (1, 4):
        dossier = complete_dossier(DossierFactory(ami=ami), antennes, nb_intervenants=n)
        dossier = Dossier.objects.select_related("ami").get(pk=dossier.pk)
        with CaptureQueriesContext(connection) as queries:
            states = dossier_completeness(dossier)
        assert all(s.complete for s in states)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- sections ---------------------------------------------------------------------------------------


def test_unknown_section_is_404(client, dossier):
    assert client.get(section_url(dossier, "inconnue")).status_code == 404


def test_a_section_page_shows_no_note_of_its_templates(client, dossier):
    """A template's note to developers stays in the template: Django's `{# … #}` holds one line only (a
    longer one is printed on the page), so the section pages' shared includes use `{% comment %}`."""
    text = page(client.get(section_url(dossier, "structure")))
    assert "{#" not in text and "#}" not in text
    assert "shared by the candidate's dossier" not in text


def test_structure_saves_and_re_renders(client, dossier):
    dossier.statut_juridique = ""
    dossier.save()
    response = client.get(section_url(dossier, "structure"))
    assert response.context["form"]["statut_juridique"].value() == "SCOP SARL"  # from the prestataire

    data = {
        "presentation": "Cabinet de psychologues du travail.",
        "statut_juridique": "SAS",
        "activite": "Analyse de pratiques.",
        "references_resume": "",
    }
    response = client.post(section_url(dossier, "structure"), data)
    assert response["Location"] == section_url(dossier, "structure")
    assert flash(response) == ["Section « 1. Structure » enregistrée (brouillon)."]
    response = client.get(section_url(dossier, "structure"))
    assert "Section « 1. Structure » enregistrée (brouillon)." in page(response)
    assert "Cabinet de psychologues du travail." in page(response)
    dossier.refresh_from_db()
    assert (dossier.presentation, dossier.statut_juridique) == ("Cabinet de psychologues du travail.", "SAS")


def equipe_data(antennes, **row):
    data = management("intervenants", 1)
    values = {
        "prenom": "Anne",
        "nom": "Martin",
        "qualification": "psychologue",
        "qualification_autre": "",
        "annees_experience_app": "8",
    }
    values.update(row)
    data.update({f"intervenants-0-{k}": v for k, v in values.items()})
    data["intervenants-0-antennes"] = [str(a.pk) for a in antennes[:2]]
    return data


def test_equipe_saves_an_intervenant_with_its_cv(client, dossier, antennes):
    data = equipe_data(antennes)
    data["intervenants-0-cv"] = pdf("CV Anne Martin.pdf")
    response = client.post(section_url(dossier, "equipe"), data)
    assert response.status_code == 302
    intervenant = dossier.intervenants.get()
    assert str(intervenant) == "Anne Martin"
    assert list(intervenant.antennes.all()) == antennes[:2]
    cv = intervenant.fichiers.get()
    assert (cv.kind, cv.nom, cv.dossier) == ("cv", "CV_Anne_Martin.pdf", dossier)
    response = client.get(section_url(dossier, "equipe"))
    assert "CV_Anne_Martin.pdf" in page(response)
    assert "Martin" in page(response)


def test_equipe_error_keeps_the_values_and_the_uploaded_cv(client, dossier, antennes):
    data = equipe_data(antennes, qualification="autre")
    data["intervenants-0-cv"] = pdf("cv.pdf")
    response = client.post(section_url(dossier, "equipe"), data)
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert form.errors == {
        "qualification_autre": ["Précisez la qualification : vous avez choisi « Autre qualification »."]
    }
    assert alerts(response) == [
        "La section n'a pas été enregistrée : corrigez les champs signalés.",
        "Fichiers conservés malgré les erreurs : « cv.pdf ». Inutile de les envoyer à nouveau.",
    ]
    assert form["prenom"].value() == "Anne"
    assert "CV reçu, conservé jusqu'à l'enregistrement : cv.pdf" in page(response)
    assert dossier.intervenants.count() == 0
    kept = Fichier.objects.get()
    assert kept.intervenant is None

    # The form carries the kept file: fixing the field is enough, no need to upload it again.
    data = equipe_data(antennes, qualification="autre", qualification_autre="Coach certifié")
    data["intervenants-0-cv_conserve"] = form["cv_conserve"].value()
    assert client.post(section_url(dossier, "equipe"), data).status_code == 302
    intervenant = dossier.intervenants.get()
    assert list(intervenant.fichiers.all()) == [kept]


def intervenant_with_cv(client, dossier, antennes, name):
    """The équipe section saved with one intervenant and the CV `name`: (the intervenant, the CV's row)."""
    data = equipe_data(antennes)
    data["intervenants-0-cv"] = pdf(name)
    client.post(section_url(dossier, "equipe"), data)
    intervenant = dossier.intervenants.get()
    return intervenant, intervenant.fichiers.get()


def new_cv_data(antennes, intervenant, name):
    """The équipe section's data that gives the saved `intervenant` the new CV `name`."""
    data = equipe_data(antennes)
    data.update(management("intervenants", 1, initial=1))
    data["intervenants-0-id"] = str(intervenant.pk)
    data["intervenants-0-cv"] = pdf(name)
    return data


def test_a_new_cv_replaces_the_previous_one(client, dossier, antennes, django_capture_on_commit_callbacks):
    intervenant, old = intervenant_with_cv(client, dossier, antennes, "ancien.pdf")
    old_path = old.fichier.path

    data = new_cv_data(antennes, intervenant, "nouveau.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(section_url(dossier, "equipe"), data).status_code == 302
    assert [f.nom for f in Fichier.objects.all()] == ["nouveau.pdf"]
    assert intervenant.fichiers.get().nom == "nouveau.pdf"
    assert not os.path.exists(old_path)


def test_a_cv_of_a_submitted_version_is_detached_not_deleted(client, dossier, antennes, membre):
    intervenant, old = intervenant_with_cv(client, dossier, antennes, "depose.pdf")
    version = DossierVersionFactory(dossier=dossier, submitted_by=membre.user)
    version.fichiers.add(old)

    client.post(section_url(dossier, "equipe"), new_cv_data(antennes, intervenant, "nouveau.pdf"))
    old.refresh_from_db()
    assert old.detache_at is not None
    assert list(version.fichiers.all()) == [old]
    assert [f.nom for f in dossier.fichiers.filter(detache_at__isnull=True)] == ["nouveau.pdf"]


def methodologie_data(durees, **values):
    data = {
        "approche": "balint",
        "approche_autre": "",
        "justification": "Justification.",
        "posture": "Posture.",
        "garantie_cadre": "Cadre.",
        "garantie_non_jugement": "Bienveillance.",
        "garantie_intelligence_collective": "Intelligence collective.",
        "garantie_problematique": "Problématique.",
    }
    data.update(values)
    data.update(management("etapes", len(durees)))
    for i, duree in enumerate(durees):
        data[f"etapes-{i}-libelle"] = f"Étape {i + 1}"
        data[f"etapes-{i}-duree_minutes"] = str(duree)
    return data


def test_methodologie_steps_must_total_120_minutes(client, dossier):
    response = client.post(section_url(dossier, "methodologie"), methodologie_data([15, 30, 60]))
    assert response.status_code == 200
    message = "Les étapes totalisent 105 minutes : le déroulé d'une séance doit totaliser 120 minutes (2 heures)."
    assert response.context["formset"].non_form_errors() == [message]
    assert message in page(response)
    assert 'value="Justification."' not in page(response)  # a textarea: the value is its content
    assert "Justification." in page(response)
    assert dossier.etapes.count() == 0

    response = client.post(section_url(dossier, "methodologie"), methodologie_data([15, 30, 75]))
    assert response.status_code == 302
    assert [(e.ordre, e.libelle, e.duree_minutes) for e in dossier.etapes.all()] == [
        (1, "Étape 1", 15),
        (2, "Étape 2", 30),
        (3, "Étape 3", 75),
    ]
    dossier.refresh_from_db()
    assert dossier.approche == "balint"
    response = client.get(section_url(dossier, "methodologie"))
    assert "Total enregistré : 120 minutes." in page(response)


def test_methodologie_autre_requires_its_detail(client, dossier):
    response = client.post(section_url(dossier, "methodologie"), methodologie_data([], approche="autre"))
    assert response.context["form"].errors == {
        "approche_autre": ["Précisez l'approche : vous avez choisi « Autre approche »."]
    }


def test_methodologie_add_a_step_keeps_what_was_typed_without_saving(client, dossier):
    data = methodologie_data([15, 30])
    data["ajouter"] = "etapes"
    response = client.post(section_url(dossier, "methodologie"), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert formset.forms[1]["libelle"].value() == "Étape 2"
    assert "totalisent" not in page(response)
    assert dossier.etapes.count() == 0


def test_references_save_with_letters_and_check_the_year(client, dossier):
    year = timezone.localdate().year
    data = management("references", 1)
    data.update(
        {
            "references-0-structure": "Mission Locale de l'Ariège",
            "references-0-annee": "1980",
            "references-0-contact": "M. Durand",
            "references-0-description": "APP pour 12 conseillers.",
            "lettres": [pdf("lettre 1.pdf"), pdf("lettre-2.pdf")],
        }
    )
    response = client.post(section_url(dossier, "references"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "annee": [f"L'année doit être comprise entre 1990 et {year}."]
    }
    # The letters were valid: they are kept though the form had an error.
    assert alerts(response)[-1] == (
        "Fichiers conservés malgré les erreurs : « lettre_1.pdf », « lettre-2.pdf ». Inutile de les envoyer à nouveau."
    )
    assert sorted(dossier.fichiers.values_list("nom", "kind")) == [
        ("lettre-2.pdf", "recommandation"),
        ("lettre_1.pdf", "recommandation"),
    ]

    data["references-0-annee"] = "2024"
    data.pop("lettres")
    assert client.post(section_url(dossier, "references"), data).status_code == 302
    assert [str(r) for r in dossier.references.all()] == ["Mission Locale de l'Ariège (2024)"]
    response = client.get(section_url(dossier, "references"))
    assert "lettre_1.pdf" in page(response) and "Mission Locale de l'Ariège" in page(response)


def financier_data(**values):
    data = {
        "prix_seance_groupe": "450,00",
        "prix_seance_sous_groupe": "400,00",
        "regime_tva": "assujetti",
        "taux_tva": "20",
        "mention_exoneration": "",
        "modalites_facturation": "Facture après chaque séance.",
    }
    data.update(values)
    return data


def test_financier_vat_rules(client, dossier):
    url = section_url(dossier, "financier")
    response = client.post(url, financier_data(taux_tva=""))
    assert response.context["form"].errors == {
        "taux_tva": ["Indiquez le taux de TVA (entre 0 et 100 %) : vous êtes assujetti."]
    }
    response = client.post(url, financier_data(regime_tva="exonere", taux_tva=""))
    assert response.context["form"].errors == {
        "mention_exoneration": [
            "Indiquez la mention légale d'exonération, par exemple « TVA non applicable, art. 293 B du CGI »."
        ]
    }
    response = client.post(url, financier_data(prix_seance_groupe="0", taux_tva="150"))
    assert response.context["form"].errors == {
        "prix_seance_groupe": ["Le prix doit être supérieur à 0 €."],
        "taux_tva": ["Le taux de TVA est un pourcentage entre 0 et 99,99 (par exemple 20 ou 5,5)."],
    }
    assert "TVA non applicable, art. 293 B du CGI" in page(client.get(url))  # the help text's example

    assert client.post(url, financier_data(regime_tva="exonere", taux_tva="20", mention_exoneration="TVA non applicable, art. 293 B du CGI")).status_code == 302  # fmt: skip
    dossier.refresh_from_db()
    assert (dossier.regime_tva, dossier.taux_tva, dossier.mention_exoneration) == (
        "exonere",
        None,
        "TVA non applicable, art. 293 B du CGI",
    )


def test_financier_shows_the_annual_totals(client, dossier):
    assert client.post(section_url(dossier, "financier"), financier_data()).status_code == 302
    dossier.refresh_from_db()
    assert dossier.prix_seance_groupe == Decimal("450.00")
    response = client.get(section_url(dossier, "financier"))
    assert response.context["totaux_affiches"] == {
        "ht": "9\u202f450,00\xa0€",
        "tva": "1\u202f890,00\xa0€",
        "ttc": "11\u202f340,00\xa0€",
    }
    text = page(response)
    assert "21 séances par an" in text
    for amount in ("9\u202f450,00\xa0€", "1\u202f890,00\xa0€", "11\u202f340,00\xa0€"):
        assert amount in text


def test_totals_function_rounds_half_up_to_the_cent(dossier):
    dossier.prix_seance_groupe = Decimal("450.00")
    dossier.regime_tva, dossier.taux_tva = "assujetti", Decimal("20.00")
    assert dossier_totaux(dossier) == {
        "volume": 21,
        "ht": Decimal("9450.00"),
        "tva": Decimal("1890.00"),
        "ttc": Decimal("11340.00"),
    }
    dossier.prix_seance_groupe, dossier.taux_tva = Decimal("33.33"), Decimal("5.50")
    # 21 × 33,33 = 699,93 ; TVA 5,5 % = 38,49615 → 38,50
    assert dossier_totaux(dossier) == {
        "volume": 21,
        "ht": Decimal("699.93"),
        "tva": Decimal("38.50"),
        "ttc": Decimal("738.43"),
    }
    dossier.regime_tva, dossier.taux_tva = "exonere", None
    assert dossier_totaux(dossier)["tva"] == Decimal("0.00")
    dossier.regime_tva = ""
    assert dossier_totaux(dossier) == {"volume": 21, "ht": Decimal("699.93"), "tva": None, "ttc": None}
    dossier.prix_seance_groupe = None
    assert dossier_totaux(dossier) == {"volume": 21, "ht": None, "tva": None, "ttc": None}
    assert format_euros(Decimal("1234.5")) == "1\u202f234,50\xa0€"
    assert format_euros(Decimal("1234567.891")) == "1\u202f234\u202f567,89\xa0€"


def test_disponibilites_require_the_start_answer_and_stamp_the_save(client, dossier, antennes):
    url = section_url(dossier, "disponibilites")
    response = client.post(url, {"demarrage_commentaire": "Dès la rentrée."})
    assert response.context["form"].errors == {
        "demarrage_septembre": ["Indiquez si vous pouvez démarrer en septembre 2026."]
    }
    assert "Dès la rentrée." in page(response)
    dossier.refresh_from_db()
    assert dossier.disponibilites_saisies_at is None

    text = page(client.get(url))
    assert "Pouvez-vous démarrer la prestation en septembre 2026 ?" in text
    assert all(a.nom in text for a in antennes) and "Siège social" not in text

    data = {"demarrage_septembre": "non", "demarrage_commentaire": "", "antennes_couvertes": [antennes[0].pk]}
    assert client.post(url, data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.demarrage_septembre is False
    assert dossier.disponibilites_saisies_at is not None
    assert list(dossier.antennes_couvertes.all()) == [antennes[0]]
    missing = {s.code: s.missing for s in dossier_completeness(dossier)}
    assert missing["disponibilites"] == []


def test_sections_filled_through_the_pages_make_a_complete_dossier(client, dossier, antennes):
    posts = {
        "structure": {"presentation": "P.", "statut_juridique": "SAS", "activite": "A.", "references_resume": ""},
        "methodologie": methodologie_data([30, 90]),
        "references": {
            **management("references", 1),
            "references-0-structure": "ML 09",
            "references-0-annee": "2023",
        },
        "financier": financier_data(),
        "disponibilites": {"demarrage_septembre": "oui", "antennes_couvertes": [a.pk for a in antennes]},
    }
    equipe = equipe_data(antennes)
    equipe["intervenants-0-cv"] = pdf()
    posts["equipe"] = equipe
    for code, data in posts.items():
        assert client.post(section_url(dossier, code), data).status_code == 302, code
    response = client.get(reverse("ami:dossier", kwargs={"pk": dossier.pk}))
    assert "6/6 sections complètes" in page(response)
    assert response.context["dossier_complete"] is True


# -- another organisation -----------------------------------------------------------------------


def test_another_organisation_is_refused_everywhere(dossier, antennes):
    f = stored_cv(dossier)
    other = Client()
    other.force_login(MembreFactory().user, backend="django.contrib.auth.backends.ModelBackend")
    kwargs = {"pk": dossier.pk}
    assert other.get(reverse("ami:dossier", kwargs=kwargs)).status_code == 403
    for code in ("structure", "equipe", "financier"):
        assert other.get(section_url(dossier, code)).status_code == 403
        assert other.post(section_url(dossier, code), {}).status_code == 403
    file_kwargs = {"pk": dossier.pk, "fichier_pk": f.pk}
    assert other.get(reverse("ami:fichier_download", kwargs=file_kwargs)).status_code == 403
    assert other.post(reverse("ami:fichier_remove", kwargs=file_kwargs)).status_code == 403
    assert Fichier.objects.filter(pk=f.pk).exists()


def test_overview_lists_zip_free_upload_with_a_docx(client, dossier):
    """A DOCX recommendation letter built with zipfile is accepted through the page."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    data = management("references", 0)
    data["lettres"] = SimpleUploadedFile("lettre.docx", buffer.getvalue())
    assert client.post(section_url(dossier, "references"), data).status_code == 302
    assert dossier.fichiers.get().type_mime == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
