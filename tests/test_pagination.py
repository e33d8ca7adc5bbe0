"""Issue 18 (bad input): every paginated page answers a page number past the end, negative, zero, huge or not a
number, and a page size asked in the URL, with its first or last page, never a 500 nor the whole table."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.committee import AFTER, scored
from tests.factories import UserFactory
from tests.web import login

TYPED = ["abc", "", "-3", "0", "2.5", "1e9", "99999999999999999999", "999"]


def answers(client, url, size) -> dict[str, tuple[int, int, bool]]:
    """{typed page: (status, the page shown, at most `size` rows)}, with a huge page size asked each time."""
    out = {}
    for typed in TYPED:
        response = client.get(url, {"page": typed, "per_page": "100000", "page_size": "100000", "taille": "100000"})
        page = response.context["page"]
        out[typed] = (response.status_code, page.number, len(page.object_list) <= size)
    return out


def expected(last: int) -> dict[str, tuple[int, int, bool]]:
    first = {typed: (200, 1, True) for typed in ["abc", "", "2.5", "1e9"]}
    return first | {typed: (200, last, True) for typed in ["-3", "0", "99999999999999999999", "999"]}


@pytest.mark.django_db
def test_the_people_directory_pages(users):
    for i in range(60):
        UserFactory(email=f"p{i:02d}@ml31.org", role="conseiller", antenne=users["conseiller"].antenne)
    client = login(users["staff"])
    url = reverse("people_list")
    last = client.get(url).context["page"].paginator.num_pages
    assert last == 2
    assert answers(client, url, 50) == expected(last)


@pytest.mark.django_db
def test_the_eligibility_and_journal_pages(committee):
    with time_machine.travel(AFTER, tick=True):
        scored(committee)
        client = login(committee["staff"])
        eligibility = reverse("ami:eligibility", args=["ami-2026"])
        assert answers(client, eligibility, 20) == expected(1)
        journal = reverse("ami:audit", args=["ami-2026"])
        last = client.get(journal).context["page"].paginator.num_pages
        assert last >= 2
        assert answers(client, journal, 50) == expected(last)
        # a page of the journal costs the same queries, the first as the last
        counts = []
        for number in (1, last):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(journal, {"page": number}).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_the_staff_dossier_list_pages(committee):
    """An AMI's dossiers, 50 a page (the bench's 300 dossiers were one 113 KB render); the count stays whole."""
    from ami.models import Dossier
    from tests.factories import DossierFactory

    ami = Dossier.objects.get(pk=committee["dossiers"]["A"].pk).ami
    for _ in range(60):
        DossierFactory(ami=ami, status=Dossier.Status.DEPOSE)
    total = Dossier.objects.filter(ami=ami).exclude(status=Dossier.Status.BROUILLON).count()
    client = login(committee["staff"])
    url = reverse("ami:staff_dossiers", args=[ami.reference])
    first = client.get(url)
    assert first.context["page"].paginator.count == total and len(first.context["page"].object_list) == 50
    body = first.content.decode()
    assert f"{total} dossiers déposés ou retirés · page 1 sur 2." in body and 'aria-label="Pages des dossiers"' in body
    assert answers(client, url, 50) == expected(2)
    shown = [d.pk for n in (1, 2) for d in client.get(url, {"page": n}).context["page"].object_list]
    assert len(shown) == len(set(shown)) == total  # every dossier once, in a stable order
