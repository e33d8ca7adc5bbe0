"""The demo read as a French office reads it: no « 2 026 », no « &#x27; », ids bare (issue 17).

The demo is loaded (`load_demo`, every app's demo), then one person of every role (the README's
accounts first) opens the home page and every page its links lead to, with Django's test client.
Every answer is read the way its receiver reads it: an HTML page's text (once unescaped, as the
browser shows it; inside <style> and <script> nothing is unescaped), a PDF's text (pypdf), and
every email the demo sent, its text part as written. In none of them a year is grouped like a
number (« 2 026 », « 2 026-2 027 »), an apostrophe shows as « &#x27; », or an option's value is
not a bare integer.
"""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from mlhg_app.models import User
from tests import web
from tests.demo_accounts import README_ACCOUNTS
from tests.pdfs import pdf_text
from tests.web import shown_text

# A year grouped like an amount: « 2 026 », « 2 027 » (any space, no-break or narrow); not « 2 030,00 € ».
GROUPED_YEAR = re.compile(r"(?<![\d,])2[ \xa0\u202f]0[1-4]\d(?![\d,])")
ESCAPED_APOSTROPHE = "&#x27;"
GROUPED_VALUE = re.compile(r"""<option\b[^>]*\bvalue=["']\d+[ \xa0\u202f]\d""")
LIMIT = 250  # pages per person (the demo offers each role fewer)


def findings(where: str, text: str) -> list[str]:
    found = [f"{where}: « {m.group(0)} »" for m in GROUPED_YEAR.finditer(text)]
    found += [f"{where}: « &#x27; »"] * text.count(ESCAPED_APOSTROPHE)
    return found


def crawl(user) -> tuple[list[str], int]:
    problems, opened = [], 0
    for url, response in web.crawl(user, limit=LIMIT):
        opened += 1
        kind = response.get("Content-Type", "")
        if "application/pdf" in kind:
            problems += findings(f"{user.email} {url} (PDF)", pdf_text(response.content))
        elif "text/html" in kind:
            body = response.content.decode()
            problems += findings(f"{user.email} {url}", shown_text(body))
            problems += [f"{user.email} {url}: {m.group(0)}" for m in GROUPED_VALUE.finditer(body)]
    return problems, opened


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    mail.outbox = []
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    return list(mail.outbox)


@pytest.mark.django_db
def test_no_grouped_year_nor_escaped_apostrophe_in_the_demo(demo):
    problems = []
    # Every email the demo sent: the text part as written, the HTML part as shown.
    assert demo, "the demo sends emails"
    for message in demo:
        problems += findings(f"courriel « {message.subject} » (texte)", message.body)
        problems += findings(f"courriel « {message.subject} »", message.subject)
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                problems += findings(f"courriel « {message.subject} » (HTML)", shown_text(content))
        for _name, content, mimetype in message.attachments:
            if mimetype == "application/pdf":
                problems += findings(f"courriel « {message.subject} » (PDF joint)", pdf_text(content))
    # Every page and PDF one person of each role reaches, the README's accounts first.
    people = [User.objects.get(email=email) for email in README_ACCOUNTS]
    for role in User.Role:
        if not any(p.role == role for p in people):
            person = User.objects.filter(role=role, is_active=True).order_by("pk").first()
            if person:
                people.append(person)
    pages = 0
    for person in people:
        found, opened = crawl(person)
        problems += found
        pages += opened
    assert pages > 100
    counts = Counter(
        "apostrophe" if "&#x27;" in p else "option value" if "value=" in p else "grouped year" for p in problems
    )
    print(f"crawl: {pages} pages, {len(demo)} emails, {dict(counts)}")
    assert problems == [], f"{dict(counts)} in {pages} pages:\n" + "\n".join(problems[:40])
