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
import email
import email.policy
import io
import re

import pymupdf
import pytest
import vobject
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from ami.models import AMI, DossierVersion
from mlhg_app.models import User
from seances.calendar import seance_ics
from seances.documents.emargement import attendance_sheet_pdf
from seances.models import Seance
from seances.services.compte_rendu import compte_rendu_remind
from seances.services.convocations import seance_notify_change, seance_remind
from tests import hostile_world as world
from tests.pdf_kinds import every_kind_of_pdf
from tests.web import crawl, login, shown_text

ACCOUNTS = [
    "direction@demo.ml31.org",
    "evaluatrice@demo.ml31.org",
    "responsable@demo.ml31.org",
    world.PRESTATAIRE,
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
def demo(monkeypatch, settings, django_capture_on_commit_callbacks):
    """The demo with hostile names; the emails it sent (those queued after commit too: receipts, letters)."""
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        world.load_hostile_demo(monkeypatch, settings)
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


@pytest.mark.django_db
def test_emails_carry_hostile_names_as_typed(demo, django_capture_on_commit_callbacks):
    # After the renaming of the intervenant and the conseillère: a séance moved, a reminder, a compte rendu due.
    seance = convened_at_the_site()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        seance_notify_change(seance=seance, ancienne_date="2026-10-05", ancienne_heure="09:30")
        seance_remind(seance_id=seance.pk, occurrence="hostile")
        held = Seance.objects.filter(status=Seance.Status.REALISEE, intervenant__nom=world.INTERVENANT_NOM).first()
        compte_rendu_remind(seance_id=held.pk)
    later = list(mail.outbox)
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


@pytest.mark.django_db
def test_spreadsheets_show_hostile_names_exactly_and_neutralise_formulas(demo):
    staff = login(User.objects.get(email="direction@demo.ml31.org"))
    ami = AMI.objects.filter(decision__isnull=False).order_by("pk").first()
    xlsx = staff.get(reverse("ami:results_xlsx", args=[ami.reference]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    values = {cell.value for cell in cells}
    assert world.LAUREAT in values
    assert world.LONG_NAME in values
    formulas = [cell for cell in cells if cell.value in world.FORMULAS.values()]
    assert formulas, "a candidate named like a formula is in the results"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in formulas)

    rows = list(
        csv.reader(
            io.StringIO(staff.get(reverse("ami:results_csv", args=[ami.reference])).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    texts = {value for row in rows for value in row}
    assert world.LAUREAT in texts
    assert world.LONG_NAME in texts
    shown = [v for v in texts if v.lstrip("'") in world.FORMULAS.values()]
    assert shown and all(v.startswith("'") for v in shown)

    people = staff.get(reverse("people_export"))
    assert people.status_code == 200
    directory = load_workbook(io.BytesIO(people.content)).active
    directory_values = {cell.value for row in directory.iter_rows() for cell in row}
    assert world.CONSEILLERE_NOM in directory_values
    assert world.SITE in directory_values


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
