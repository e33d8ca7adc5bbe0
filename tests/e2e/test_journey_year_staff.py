"""Issue 15, « Done when »: a year run by staff in the browser without opening /admin/.

One story, the clock moved with time_machine (the live server is a thread of this process, so it
reads the same clock; the browser's own clock is not used by the server): staff import the people
from an XLSX, publish an AMI, a registered candidate asks a question (in a second browser), staff
answer it for all and publish a rectificatif, record a dossier received by email (the .eml, the
SIRET, the six parts, the seal); after the deadline: recevabilité, the committee, the decision, the
letters; after the standstill: the convention sent, the signed PDF uploaded back, the programme
built. Every URL the browsers asked for is recorded, and the anchors of every page staff saw:
none is /admin/.
"""

import datetime
import email.utils
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from ami.models import AMI, Convention, Dossier
from seances.models import Programme
from tests.committee import grade
from tests.dossiers import PDF_BYTES, member
from tests.e2e.browser import account_menu, log_out
from tests.e2e.dossier_sections import fill_sections
from tests.emails import build_eml
from tests.factories import PASSWORD, PrestataireFactory, luhn_siret

pytestmark = pytest.mark.e2e

TITRE = "Analyse de Pratiques Professionnelles 2027"
REFERENCE = "ami-app-2027"
SENDER = "claire@cabinet-exemple.fr"
ORGANISATION = "Horizons Supervision"
SIRET = luhn_siret(777)
EVALUATORS = ["eval.un@ml31.org", "eval.deux@ml31.org"]


class Watch:
    """Every URL a browser context asked for, and every anchor of every page staff saw."""

    def __init__(self):
        self.urls: list[str] = []
        self.anchors: dict[str, set[str]] = {}

    def follow(self, context):
        context.on("request", lambda request: self.urls.append(request.url))

    def scan(self, page):
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        self.anchors.setdefault(page.url, set()).update(hrefs)

    def paths(self, base):
        return [url.removeprefix(base) for url in self.urls if url.startswith(base)]


def _login(page, watch, email):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(account_menu(page)).to_be_visible()  # logged in: their name in the menu
    watch.scan(page)


def _nav(page, name):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=name).click()


def _paris(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def _import_people(page, watch, tmp_path):
    _nav(page, "Personnes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    watch.scan(page)
    page.get_by_role("link", name="Importer l'export RH").click()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Courriel", "Antenne", "Fonction", "Encadrant"])
    sheet.append(["Roux", "Camille", "camille.roux@ml31.org", "Nord-Est", "Conseillère en insertion", "non"])
    sheet.append(["Ribes", "Olivier", "olivier.ribes@ml31.org", "Muretain", "Chef d'antenne", "oui"])
    sheet.append(["Un", "Évaluateur", EVALUATORS[0], "", "Membre du comité de sélection", "non"])
    sheet.append(["Deux", "Évaluatrice", EVALUATORS[1], "", "Membre du comité de sélection", "non"])
    path = tmp_path / "export-rh.xlsx"
    workbook.save(path)
    page.get_by_label("Export du personnel (XLSX ou CSV)").set_input_files(path)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Personnes créées (4)")).to_be_visible()
    watch.scan(page)
    page.get_by_role("button", name="Confirmer et enregistrer ces 4 changements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import « export-rh.xlsx » appliqué")
    watch.scan(page)


def _create_and_publish(page, watch, deadline):
    _nav(page, "Rédaction des AMI")
    watch.scan(page)
    page.get_by_role("link", name="Créer un AMI").click()
    page.get_by_label("Référence").fill(REFERENCE)
    page.get_by_label("Titre").fill(TITRE)
    page.get_by_label("Date limite de dépôt (heure de Paris)").fill(_paris(deadline))
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Brouillon : {TITRE}")
    expect(page.get_by_text("Toutes les vérifications sont satisfaites : l'AMI peut être publié.")).to_be_visible()
    watch.scan(page)
    page.get_by_role("link", name="Aperçu").first.click()
    expect(page.get_by_text("Aperçu — non publié.")).to_be_visible()
    watch.scan(page)
    page.get_by_role("link", name="Publier").first.click()
    watch.scan(page)
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text(re.compile("est publié : sa page publique est ouverte"))).to_be_visible()
    watch.scan(page)


def _ask_a_question(browser, watch, base_url, claire):
    """The candidate, in a browser of their own: logs in, asks from the AMI's public page."""
    context = browser.new_context(base_url=base_url)
    watch.follow(context)
    page = context.new_page()
    _login(page, watch, claire.email)
    page.goto(f"/ami/appel/{REFERENCE}/")
    page.locator("#poser-question textarea").fill("Claire du cabinet Horizons : un intervenant suffit-il ?")
    page.get_by_role("button", name="Envoyer la question").click()
    expect(page.get_by_text(re.compile("en attente de réponse"))).to_be_visible()
    context.close()


def _answer_and_rectify(page, watch):
    page.get_by_role("link", name="Questions").first.click()
    watch.scan(page)
    page.get_by_role("link", name="Répondre").click()
    watch.scan(page)
    page.get_by_label("Question reformulée, telle qu'elle sera publiée").fill("Un seul intervenant suffit-il ?")
    page.get_by_label("Réponse").fill("Oui, s'il couvre les 7 sites.")
    page.get_by_role("button", name="Enregistrer et publier…").click()
    expect(page.get_by_text(re.compile("1 compte de candidat inscrit la recevra par courriel"))).to_be_visible()
    watch.scan(page)
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text("Question n° 1 publiée avec sa réponse")).to_be_visible()
    watch.scan(page)

    page.get_by_role("link", name="Rectificatif du texte").first.click()
    watch.scan(page)
    page.locator("[name=form-2-texte]").fill("La MLHG lance un AMI pour ses 7 sites (texte rectifié).")
    page.get_by_label("Motif du rectificatif (communiqué aux candidats et publié)").fill("Précision de l'objet.")
    page.get_by_role("button", name="Voir les différences avant de publier").click()
    expect(page.get_by_text("1 compte de candidat inscrit recevra le rectificatif par courriel")).to_be_visible()
    watch.scan(page)
    page.get_by_role("button", name="Confirmer et publier le rectificatif").click()
    expect(page.get_by_text(re.compile(r"Version 2 du .* \(en vigueur\)"))).to_be_visible()
    expect(page.get_by_text("Un seul intervenant suffit-il ?")).to_be_visible()
    watch.scan(page)


def _ami_staff_pages(page, watch):
    """From the home page: the AMI's row of the staff's table leads to its staff pages."""
    page.get_by_role("link", name="MLHG · APP").click()
    expect(page.get_by_role("heading", name="À faire")).to_be_visible()
    watch.scan(page)
    page.get_by_role("main").get_by_role("link", name=TITRE, exact=True).click()
    expect(page.get_by_role("link", name="Reçus par courriel")).to_be_visible()
    watch.scan(page)


def _section(page, watch, titre):
    page.get_by_role("link", name=titre, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titre)


def _save(page, watch, titre):
    page.get_by_role("main").get_by_role("button", name="Enregistrer le brouillon").last.click()
    expect(page.get_by_text(f"Section « {titre} » enregistrée (brouillon).")).to_be_visible()
    watch.scan(page)


def _record_the_emailed_dossier(page, watch, tmp_path, received):
    page.get_by_role("link", name="Reçus par courriel").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers reçus par courriel")
    watch.scan(page)
    eml = tmp_path / "candidature.eml"
    stamp = email.utils.format_datetime(received)
    eml.write_bytes(
        build_eml(date=email.utils.format_datetime(received - datetime.timedelta(minutes=2)), received=(stamp, stamp))
    )
    page.get_by_label("Message reçu (fichier .eml)").set_input_files(eml)
    page.get_by_role("button", name="Lire le message").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossier reçu par courriel")
    expect(page.get_by_text("avant la date limite")).to_be_visible()
    expect(page.get_by_text(re.compile("dossier-candidature.pdf .* acceptée"))).to_be_visible()
    watch.scan(page)

    for name, value in {
        "siret": SIRET,
        "raison_sociale": "Horizons Supervision SAS",
        "statut_juridique": "SAS",
        "adresse": "3 rue du Taur",
        "code_postal": "31000",
        "ville": "Toulouse",
        "contact_nom": "Claire Delmas",
    }.items():
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Identifier l'organisation et ouvrir le dossier").click()
    # The SIRET is the one of an organisation already registered: staff confirm it is the same.
    expect(page.get_by_text(re.compile(f"Ce SIRET appartient déjà à {ORGANISATION}"))).to_be_visible()
    page.get_by_label("Je confirme qu'il s'agit de l'organisation déjà inscrite sous ce SIRET").check()
    page.get_by_role("button", name="Identifier l'organisation et ouvrir le dossier").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Dossier de {ORGANISATION} \\(SIRET {SIRET}\\)"))
    ).to_be_visible()
    watch.scan(page)

    cv_path = tmp_path / "cv-marc-olivier.pdf"
    cv_path.write_bytes(PDF_BYTES)
    fill_sections(
        page,
        cv_path,
        open_section=lambda page, titre: _section(page, watch, titre),
        save_section=lambda page, titre: _save(page, watch, titre),
    )
    page.get_by_role("link", name="Retour au courriel").click()
    expect(page.locator(".badge", has_text="à compléter")).to_have_count(0)
    page.get_by_role("button", name="Sceller le dossier et envoyer l'accusé de réception").click()
    expect(page.get_by_text(re.compile(r"version 1 scellée, empreinte"))).to_be_visible()
    watch.scan(page)
    assert [m.subject for m in mail.outbox if m.to == [SENDER]] == [f"Accusé de réception – {TITRE} (version 1)"]


def _select(page, watch):
    page.get_by_role("link", name="Recevabilité").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recevabilité des dossiers")
    watch.scan(page)
    card = page.locator("section.card", has_text=ORGANISATION)
    card.get_by_label("Recevable", exact=True).check()
    card.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("section.card", has_text=ORGANISATION)).to_contain_text("Recevable")
    watch.scan(page)

    page.get_by_role("link", name="Comité").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comité de sélection")
    watch.scan(page)
    for address in EVALUATORS:
        page.get_by_label(re.compile(re.escape(address))).check()
    page.get_by_role("button", name="Enregistrer le comité").click()
    expect(page.get_by_label(re.compile(re.escape(EVALUATORS[0])))).to_be_checked()
    watch.scan(page)

    # The evaluators' grids through the services, to keep the journey short: their own browser
    # journey is tests/e2e/test_journey_evaluation.py.
    from mlhg_app.models import User

    dossier = Dossier.objects.get(ami__reference=REFERENCE)
    for address in EVALUATORS:
        grade(User.objects.get(email=address), dossier, [8, 7, 9])

    page.get_by_role("link", name="Décision").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Décision et notification")
    watch.scan(page)
    page.get_by_label(re.compile(ORGANISATION)).check()
    page.get_by_label("Justification ou motif").fill("Meilleure note du comité.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("heading", name="Décision enregistrée")).to_be_visible()
    watch.scan(page)
    page.get_by_role("button", name=re.compile(r"^Envoyer les \d+ lettres?$")).click()
    expect(page.get_by_text("Lettre (PDF)").first).to_be_visible()
    watch.scan(page)
    page.get_by_role("button", name="Établir la convention de prestation").click()
    expect(page.get_by_role("link", name="suivre la signature et les avenants")).to_be_visible()
    watch.scan(page)


def test_a_year_as_staff_without_opening_the_admin(page, browser, live_server, user_for, tmp_path):
    call_command("load_mlhg", stdout=open("/dev/null", "w"))
    staff = user_for("staff", email="achats@ml31.org", first_name="Inès", last_name="Achats")
    horizons = PrestataireFactory(raison_sociale=ORGANISATION, siret=SIRET)
    claire = member(horizons, "claire@horizons.fr")
    watch = Watch()
    watch.follow(page.context)
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm of the seal and of destructive forms

    start = timezone.now().replace(microsecond=0)
    deadline = start + datetime.timedelta(days=10)
    with time_machine.travel(start, tick=True) as clock:
        _login(page, watch, staff.email)
        expect(page.get_by_role("heading", name="À faire")).to_be_visible()
        _import_people(page, watch, tmp_path)
        _create_and_publish(page, watch, deadline)
        ami = AMI.objects.get(reference=REFERENCE)
        assert ami.status == AMI.Status.PUBLIE

        _ask_a_question(browser, watch, live_server.url, claire)
        _ami_staff_pages(page, watch)
        _answer_and_rectify(page, watch)
        # The rectificatif ends on the public page: its link leads back to the AMI's staff pages.
        page.get_by_role("link", name="Suivre cet appel (dossiers reçus, questions, rectificatif, sélection)").click()
        _record_the_emailed_dossier(page, watch, tmp_path, timezone.now() - datetime.timedelta(minutes=5))

        # After the deadline: staff log out at the end of the day, and in again the day after it.
        log_out(page)
        clock.move_to(deadline + datetime.timedelta(hours=2))
        _login(page, watch, staff.email)
        page.get_by_role("link", name="Dossier à déclarer recevable").click()  # the home's « À faire »
        _select(page, watch)
        assert [m.subject for m in mail.outbox if m.to == [SENDER]] == [  # the letter reaches the emailed sender
            f"Accusé de réception – {TITRE} (version 1)",
            f"Résultat de l'appel à manifestation d'intérêt « {TITRE} »",
        ]

        # After the standstill period: the convention sent, signed, the programme built.
        convention = Convention.objects.get()
        log_out(page)
        clock.move_to(convention.signable_from + datetime.timedelta(hours=1))
        _login(page, watch, staff.email)
        page.get_by_role("link", name="Convention à faire signer").click()  # the home's « À faire »
        expect(page.get_by_role("heading", level=1)).to_have_text("Décision et notification")
        page.get_by_role("link", name="suivre la signature et les avenants").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Convention de prestation {convention.numero}")
        watch.scan(page)
        page.get_by_role("button", name="Envoyer la convention pour signature au prestataire").click()
        expect(page.get_by_text("Convention envoyée pour signature : le prestataire la reçoit en PDF.")).to_be_visible()
        watch.scan(page)
        # The PDF opens in the browser's viewer: staff save it (fetched with the page's session), sign it.
        href = page.get_by_role("link", name="convention (PDF)").get_attribute("href")
        watch.urls.append(live_server.url + href)
        response = page.request.get(href)
        assert response.ok and response.body().startswith(b"%PDF")
        signed = tmp_path / "convention-signee.pdf"
        signed.write_bytes(response.body())
        page.get_by_label("Exemplaire signé (PDF)").set_input_files(signed)
        page.get_by_role("button", name="Déposer l'exemplaire signé").click()
        expect(page.get_by_text(re.compile("Signée : exemplaire signé déposé le"))).to_be_visible()
        watch.scan(page)

        _nav(page, "Programmes et planning")
        watch.scan(page)
        page.get_by_role("button", name=re.compile(f"depuis la convention {convention.numero}")).click()
        expect(page.get_by_text(re.compile(f"créé depuis la convention {convention.numero}"))).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sites, groupes et membres")
        watch.scan(page)

    convention.refresh_from_db()
    assert convention.status == Convention.Status.SIGNEE and convention.signed_by == staff
    assert f"Convention de prestation {convention.numero} à signer" in [
        m.subject for m in mail.outbox if m.to == [claire.email]
    ]
    programme = Programme.objects.get()
    assert programme.prestataire == convention.dossier.prestataire

    base = live_server.url
    visited = watch.paths(base)
    assert visited and not [p for p in visited if p.startswith("/admin")], visited
    to_admin = {url: sorted(h for h in hrefs if "/admin" in h) for url, hrefs in watch.anchors.items()}
    assert not {url: hrefs for url, hrefs in to_admin.items() if hrefs}
