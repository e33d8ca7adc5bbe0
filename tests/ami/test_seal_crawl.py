"""The seal, tried as a crawler would: while an AMI is open, nothing of a dossier's content leaves.

A prestataire's dossier of an open AMI carries a marker (its texts, a price, a CV whose PDF
text and name hold the marker). Staff and each evaluator assigned to the AMI then open every
URL the product offers them (the URL list of `mlhg_app.access.iter_urls`, with the objects of
tests/url_samples/ pointing at the open AMI where possible), every link those pages give, the
admin's pages (changelists, change, delete confirmation and history pages of every registered
model), and they ask for every export (rapport, archive, results CSV/XLSX). Every answer is
read the way its receiver would: HTML and JSON, PDF text, CSV, XLSX cells, ZIP members
(recursively). The marker must be nowhere.
"""

import datetime
import html
import io
import re
import zipfile
from collections import deque
from decimal import Decimal
from urllib.parse import urljoin, urlparse

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from ami.models import AMI, Dossier, Fichier, Reference
from ami.services.submission import dossier_submit
from mlhg_app.access import iter_urls
from mlhg_app.models import User
from tests.dossiers import attach, complete_dossier, member
from tests.factories import AMIFactory, MembreFactory, PrestataireFactory, UserFactory
from tests.url_samples import all_samples
from tests.web import login

MARKER = "QUETZALMARQUEUR7342"
PRICE = Decimal("4817.53")
PRICE_FORMS = ["4817.53", "4817,53"]  # compared with all spaces (and thin or non-breaking ones) removed

# Never opened: they end the session. Only export requests are posted (they write no domain object).
SKIPPED_NAMES = {"logout", "admin:logout"}
EXPORT_POSTS = {"ami:rapport", "ami:archive"}
# Pages a crawl opens at most per user (the product has about two hundred).
LIMIT = 1500
LINK = re.compile(r"""(?:href|src|action|hx-get|data-url|data-status-url)\s*=\s*["']([^"'#]+)""")


def marked_pdf() -> bytes:
    """A real PDF whose text is the marker (made by the product's PDF engine)."""
    from weasyprint import HTML

    return HTML(string=f"<p>Curriculum vitae {MARKER}</p>").write_pdf()


@pytest.fixture
def sealed(users):
    """An AMI open for thirty days, the prestataire user's submitted dossier marked, two evaluators."""
    ami = AMIFactory(
        reference="ami-scelle",
        titre="AMI ouvert au dépôt",
        date_limite=timezone.now() + datetime.timedelta(days=30),
        date_publication=timezone.localdate() - datetime.timedelta(days=7),
    )
    second = UserFactory(email="evaluatrice@exemple.fr", role="evaluateur", antenne=None)
    ami.evaluateurs.add(users["evaluateur"], second)
    prestataire = PrestataireFactory(raison_sociale="Horizons Supervision")

    MembreFactory(user=users["prestataire"], prestataire=prestataire, email_verified_at=timezone.now())
    member(prestataire, "collegue@horizons.fr")
    dossier = complete_dossier(ami=ami, prestataire=prestataire, prix=PRICE)
    Dossier.objects.filter(pk=dossier.pk).update(
        presentation=f"Présentation {MARKER}",
        activite=f"Activité {MARKER}",
        justification=f"Justification {MARKER}",
        posture=f"Posture {MARKER}",
        modalites_facturation=f"Facturation {MARKER}",
        demarrage_commentaire=f"Démarrage {MARKER}",
    )
    dossier.refresh_from_db()
    Reference.objects.filter(dossier=dossier).update(description=f"Référence {MARKER}")
    intervenant = dossier.intervenants.get()
    cv = attach(dossier, Fichier.Kind.CV, f"cv-{MARKER}.pdf", content=marked_pdf(), intervenant=intervenant)
    dossier_submit(dossier=dossier, user=users["prestataire"])
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DEPOSE and ami.is_open()
    return {"ami": ami, "dossier": dossier, "cv": cv, "evaluateurs": [users["evaluateur"], second]}


# ---------------------------------------------------------------- reading what a user receives


def _texts(name: str, data: bytes, depth: int = 0):
    """(where, text) for everything a receiver would read in `data`, ZIP members recursively."""
    yield name, data.decode("latin-1")  # raw bytes: a marker stored as it is
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            yield f"{name} (texte du PDF)", "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as exc:  # an unreadable PDF is itself a finding
            yield f"{name} (PDF illisible : {exc!r})", ""
        return
    if data.startswith(b"PK\x03\x04") and depth < 4:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.namelist()
        yield f"{name} (noms des fichiers)", "\n".join(members)
        if "xl/workbook.xml" in members:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True)
            cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
            yield f"{name} (cellules XLSX)", "\n".join(cells)
        for member_name in members:
            yield from _texts(f"{name} › {member_name}", archive.read(member_name), depth + 1)
        return
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        yield name, html.unescape(text)
        break


def _leaks(where: str, data: bytes) -> list[str]:
    found = []
    for place, text in _texts(where, data):
        squeezed = re.sub(r"\s+", "", text)  # \s covers the non-breaking and thin spaces of French numbers
        if MARKER in text or MARKER in squeezed:
            found.append(f"{place} : le marqueur")
        found += [f"{place} : le prix {p}" for p in PRICE_FORMS if p in squeezed]
    return sorted(set(found))


# ---------------------------------------------------------------- the URLs to open


def _view_class(callback):
    return getattr(callback, "view_class", None)


def _gets(callback) -> bool:
    view_class = _view_class(callback)
    return view_class is None or ("get" in view_class.http_method_names and hasattr(view_class, "get"))


def _product_urls(sealed, users) -> list[tuple[str, str]]:
    """(method, url) for every URL of the product, its arguments taken from the open AMI first."""
    samples = all_samples()
    dossier, ami = sealed["dossier"], sealed["ami"]
    overrides = {
        "ami:evaluation": {"pk": dossier.pk},
        "ami:evaluation_declare": {"pk": dossier.pk},
        "ami:fichier_download": {"pk": dossier.pk, "fichier_pk": sealed["cv"].pk},
        "ami:receipt": {"pk": dossier.pk, "numero": 1},
    }
    open_world = {"users": users, "dossier": dossier}
    other_world = {"users": users}  # the samples' own objects, for URLs the open AMI cannot fill
    urls = []
    for _route, name, callback in iter_urls():
        if name in SKIPPED_NAMES:
            continue
        kwargs = overrides.get(name)
        factory = samples.get(name)
        if kwargs is None and factory is not None:
            for world in (open_world, other_world):
                try:
                    with transaction.atomic():
                        kwargs = factory(world)
                    break
                except Exception:  # e.g. a decision cannot be taken before the deadline
                    dossier.refresh_from_db()
                    kwargs = None
            assert kwargs is not None, f"{name} : aucun exemple d'arguments ne s'applique"
        url = reverse(name, kwargs=kwargs or {})
        if name in EXPORT_POSTS:
            urls.append(("post", url))
        elif _gets(callback):
            urls.append(("get", url))
    # The object history of every recorded object of the AMI app (the marked dossier first).
    for model in [Dossier, AMI, *[m for m in admin.site._registry if hasattr(m, "history")]]:
        if hasattr(model, "history"):
            for pk in model.objects.values_list("pk", flat=True)[:20]:
                urls.append(("get", reverse("history", kwargs={"label": model._meta.label_lower, "pk": pk})))
    assert dossier.status == Dossier.Status.DEPOSE and not ami.is_past_deadline()
    return urls


def _admin_urls() -> list[tuple[str, str]]:
    """The admin's index, and for each registered model its changelist and each object's pages."""
    urls = [("get", reverse("admin:index"))]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(("get", reverse(f"{prefix}_changelist")))
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            for page in ("change", "history", "delete"):
                try:
                    urls.append(("get", reverse(f"{prefix}_{page}", args=[pk])))
                except Exception:  # a model admin without that page
                    continue
    return urls


def _inside(url: str) -> str | None:
    """The path (and query) of a link to this site outside the static files, or None."""
    parsed = urlparse(url)
    if parsed.scheme not in ("", "http", "https") or parsed.netloc not in ("", "testserver"):
        return None
    if parsed.path.startswith("/static/"):
        return None
    try:
        match = resolve(parsed.path)
    except Resolver404:
        return None
    if match.view_name in SKIPPED_NAMES or (match.view_name.startswith("admin:") and parsed.query):
        return None  # the admin's sorting and filters show the changelists' rows again
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def crawl(client, seeds, after_commit) -> tuple[list[str], int]:
    """Open the seeds and every link they lead to; the leaks found and the number of answers read.

    `after_commit` runs what a request queues after its commit (the export jobs, eager)."""
    queue = deque(seeds)
    seen, leaks = set(), []
    while queue and len(seen) < LIMIT:
        method, url = queue.popleft()
        if (method, url) in seen:
            continue
        seen.add((method, url))
        with after_commit(execute=True):
            response = client.post(url) if method == "post" else client.get(url)
        if response.status_code in (301, 302, 303):
            target = _inside(urljoin(url, response["Location"]))
            if target and not target.startswith(("/connexion", "/admin/login")):
                queue.append(("get", target))
            continue
        data = _body(response)
        leaks += [f"{method.upper()} {url} → {leak}" for leak in _leaks(url, data)]
        if "html" in response.get("Content-Type", "") or "json" in response.get("Content-Type", ""):
            for link in LINK.findall(html.unescape(data.decode("utf-8", "replace"))):
                target = _inside(urljoin(url, link))
                if target:
                    queue.append(("get", target))
    return leaks, len(seen)


@pytest.mark.django_db
def test_marker_never_leaves_a_sealed_dossier(sealed, users, django_capture_on_commit_callbacks):
    seeds = _product_urls(sealed, users) + _admin_urls()
    assert ("get", reverse("ami:dossier_read", kwargs={"pk": sealed["dossier"].pk})) in seeds
    assert ("post", reverse("ami:archive", kwargs={"reference": sealed["ami"].reference})) in seeds
    found, opened = {}, {}
    # Staff are sent to the console's login (issue 15); the technical superuser reads the console itself.
    superuser = User.objects.create_superuser(email="technique@exemple.fr", password="x")
    for user in [users["staff"], superuser, *sealed["evaluateurs"]]:
        leaks, opened[user.email] = crawl(login(user), seeds, django_capture_on_commit_callbacks)
        if leaks:
            found[user.email] = leaks
    assert all(count > 100 for count in opened.values()), opened
    assert found == {}, "\n".join(f"{who} : {leak}" for who, leaks in found.items() for leak in leaks)
