"""The pages the crawls open (tests/e2e/test_axe.py in Chromium, tests/e2e/test_html_valid.py through
Django's test client): for each role (and the anonymous visitor), every GET page its declared rule
allows, with the samples of tests/url_samples/, an open AMI with a draft dossier, and a few forms sent
empty (the page with its errors)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from mlhg_app.access import PUBLIC, declared_access, iter_urls
from tests.access import http_method, rule_allows, sample_url
from tests.factories import ROLES, AMIFactory, DossierFactory

ANONYMOUS = "anonyme"
# Forms sent empty: the page with its errors is checked too (and each error is tied to its field).
FORMS_SENT_EMPTY = {
    ANONYMOUS: [
        ("/connexion/", "Se connecter"),
        ("/ami/inscription/", "Créer mon compte"),
        ("/mot-de-passe-oublie/", "Recevoir le lien"),
    ],
    "prestataire": [("/compte/mot-de-passe/", "Enregistrer le nouveau mot de passe")],
}


def pages_by_role(users) -> dict[str, list[str]]:
    """The GET URLs each role may use (by its declared rule), with the samples of tests/url_samples/."""
    world = {"users": users}
    urls = []
    for _route, name, callback in iter_urls():
        if http_method(callback) != "get":
            continue
        url, kwargs = sample_url(name, world)
        urls.append((url, declared_access(callback), callback, kwargs))
    pages = {}
    for role in [None, *ROLES]:
        user = users[role] if role else None
        pages[role or ANONYMOUS] = [
            url
            for url, rule, callback, kwargs in urls
            if rule == PUBLIC or rule_allows(user, rule, callback, url, "get", kwargs)
        ]
    return pages


def add_open_ami_pages(pages, users) -> tuple[str, str]:
    """An open AMI with a draft dossier of the prestataire user: its six sections are forms to fill."""
    from ami.completeness import SECTION_TITLES
    from ami.models import Membre

    ami = AMIFactory(reference="ami-ouvert", date_limite=timezone.now() + datetime.timedelta(days=10))
    prestataire = Membre.objects.get(user=users["prestataire"]).prestataire
    dossier = DossierFactory(ami=ami, prestataire=prestataire)
    ami_page = reverse("ami:detail", kwargs={"reference": ami.reference})
    dossier_page = reverse("ami:dossier", kwargs={"pk": dossier.pk})
    pages[ANONYMOUS].append(ami_page)
    pages["prestataire"] += [dossier_page] + [
        reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": code}) for code in SECTION_TITLES
    ]
    return ami_page, dossier_page
