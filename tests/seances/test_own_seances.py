"""A conseiller's and an intervenant's page: next séances, the charter, the .ics, private feeds."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from mlhg_app.models import Antenne
from mlhg_app.navigation import sections_for
from seances.models import CalendarFeed, CharteAcceptation, Groupe, Seance
from seances.services.calendar_feeds import calendar_feed_create
from tests.factories import SeanceFactory, UserFactory
from tests.seances_world import build_programme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
BEFORE = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=PARIS)
BANNER = "Avant votre première séance, prenez connaissance de la charte de confidentialité du groupe"


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.fixture
def seance(programme):
    return programme.seances.get()


@pytest.fixture
def before():
    with time_machine.travel(BEFORE, tick=False):
        yield


def _other_group_seance(programme, status=Seance.Status.CONVOQUEE, day=14):
    groupe = Groupe.objects.filter(programme=programme).exclude(antenne__code="muretain").first()
    return SeanceFactory(
        programme=programme,
        groupe=groupe,
        fenetre=programme.fenetres.get(numero=1),
        date=datetime.date(2026, 10, day),
        heure_debut=datetime.time(14, 0),
        intervenant=programme.intervenants.get(),
        status=status,
    )


def _other_conseiller(code="comminges"):
    return UserFactory(email=f"autre.{code}@exemple.fr", role="conseiller", antenne=Antenne.objects.get(code=code))


def _login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- Mes séances -------------------------------------------------------------------------------------------------


def test_menu_shows_my_seances_to_conseillers_and_intervenants(users):
    for role in ("conseiller", "intervenant"):
        assert "Mes séances" in [str(s["label"]) for s in sections_for(users[role])]
    for role in ("staff", "responsable", "prestataire", "evaluateur"):
        assert "Mes séances" not in [str(s["label"]) for s in sections_for(users[role])]


def test_conseiller_sees_next_seances_and_the_charter_banner(client_for, seance, before):
    response = client_for("conseiller").get(reverse("seances:my_seances"))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "mardi 13 octobre 2026",
        "9\xa0h\xa030 – 11\xa0h\xa030",
        "Antenne Muretain",
        "18 Rue Adolphine Bonnet, 31600 Muret",
        "Marc Olivier",
        "Convoquée",
        reverse("seances:seance_ics", kwargs={"pk": seance.pk}),
        BANNER,
        reverse("seances:charte"),
    ):
        assert expected in html


def test_conseiller_does_not_see_proposals_nor_other_groups(client_for, users, programme, seance, before):
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.PROPOSEE)
    _other_group_seance(programme)
    html = client_for("conseiller").get(reverse("seances:my_seances")).content.decode()
    assert "Aucune séance à venir pour le moment." in html
    assert "mercredi 14 octobre 2026" not in html


def test_past_seances_are_not_listed(client_for, seance):
    with time_machine.travel(datetime.datetime(2026, 10, 14, 9, 0, tzinfo=PARIS), tick=False):
        html = client_for("conseiller").get(reverse("seances:my_seances")).content.decode()
    assert "Aucune séance à venir pour le moment." in html


def test_intervenant_sees_the_seances_they_facilitate(client_for, programme, seance, before):
    _other_group_seance(programme, status=Seance.Status.PROPOSEE)
    response = client_for("intervenant").get(reverse("seances:my_seances"))
    html = response.content.decode()
    assert "Les prochaines séances d'analyse de pratiques professionnelles que vous animez." in html
    assert "mardi 13 octobre 2026" in html
    assert "mercredi 14 octobre 2026" in html
    assert "à valider" in html and "Proposée" not in html  # not validated yet: no invitation offered
    assert BANNER not in html


def test_intervenant_s_rows_show_each_seance_s_state_and_escaped_names_on_phone_and_wide_screen(
    client_for, programme, seance, before
):
    """The cards and the table rows are written in the view (seances.views.own): each séance's state, its
    invitation link (none to validate, none cancelled) and the names, escaped, in both."""
    from seances.models import IntervenantProgramme

    IntervenantProgramme.objects.filter(programme=programme).update(prenom="<b>Zoé</b>", nom="Dupont & Cie")
    proposed = _other_group_seance(programme, status=Seance.Status.PROPOSEE, day=14)
    cancelled = _other_group_seance(programme, status=Seance.Status.ANNULEE, day=15)
    html = client_for("intervenant").get(reverse("seances:my_seances")).content.decode()
    start = html.index('<ul class="list-unstyled d-md-none">')
    cards = html[start : html.index("</ul>", start)]
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    for part in (cards, table):
        assert (
            part.count("Intervenant : &lt;b&gt;Zoé&lt;/b&gt; Dupont &amp; Cie")
            + part.count("<td>&lt;b&gt;Zoé&lt;/b&gt; Dupont &amp; Cie</td>")
            == 3
        )
        assert reverse("seances:seance_ics", args=[seance.pk]) in part
        assert reverse("seances:seance_ics", args=[proposed.pk]) not in part
        assert reverse("seances:seance_ics", args=[cancelled.pk]) not in part
        assert '<span class="badge text-bg-success">Convoquée</span>' in part
        assert '<span class="badge text-bg-danger">Annulée</span>' in part
        assert '<span class="badge text-bg-warning">à valider</span>' in part
    assert "<td>Antenne Muretain – " not in table and table.count("<td>Antenne") >= 3  # the group, the site


def test_empty_state_for_a_conseiller_without_group(client, reference, before):
    html = _login(client, _other_conseiller()).get(reverse("seances:my_seances")).content.decode()
    assert "Aucune séance à venir pour le moment." in html
    assert BANNER not in html


# --- The charter -------------------------------------------------------------------------------------------------


def test_charter_flow(client_for, users, programme, before):
    client = client_for("conseiller")
    page = client.get(reverse("seances:charte")).content.decode()
    assert "Ce qui se dit dans le groupe reste dans le groupe." in page
    assert "hors présence hiérarchique" in page
    assert "On écoute sans juger" in page
    assert "ne regroupe que des thèmes" in page
    assert "J'accepte" in page

    response = client.post(reverse("seances:charte"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("seances:my_seances")
    html = response.content.decode()
    assert "Merci : vous avez accepté la charte de confidentialité du groupe." in html
    assert BANNER not in html
    assert CharteAcceptation.objects.filter(user=users["conseiller"], programme=programme).count() == 1

    client.post(reverse("seances:charte"))
    assert CharteAcceptation.objects.filter(user=users["conseiller"]).count() == 1
    page = client.get(reverse("seances:charte")).content.decode()
    assert "Vous avez accepté cette charte." in page
    assert "J'accepte" not in page


def test_intervenant_reads_the_charter_without_accepting(client_for, programme):
    client = client_for("intervenant")
    assert "J'accepte" not in client.get(reverse("seances:charte")).content.decode()
    client.post(reverse("seances:charte"))
    assert not CharteAcceptation.objects.exists()


# --- The .ics of a séance ----------------------------------------------------------------------------------------


def test_seance_ics_before_the_charter_is_accepted(client_for, seance):
    response = client_for("conseiller").get(reverse("seances:seance_ics", kwargs={"pk": seance.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar; charset=utf-8")
    assert 'filename="seance-2026-10-13.ics"' in response["Content-Disposition"]
    cal = Calendar.from_ical(response.content)
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.events
    assert event.start == datetime.datetime(2026, 10, 13, 9, 30, tzinfo=PARIS)
    assert event.start.tzinfo.key == "Europe/Paris"
    assert str(event["UID"]) == f"{seance.uid}@app.ml31.org"


def test_seance_ics_of_another_group_is_refused(client, users, programme, seance):
    other = _other_conseiller()
    Groupe.objects.get(programme=programme, antenne=other.antenne).membres.add(other)
    assert _login(client, other).get(reverse("seances:seance_ics", kwargs={"pk": seance.pk})).status_code in (403, 404)
    # And a proposal of one's own group is not downloadable yet.
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.PROPOSEE)
    response = _login(client, users["conseiller"]).get(reverse("seances:seance_ics", kwargs={"pk": seance.pk}))
    assert response.status_code in (403, 404)


def test_cancelled_seance_ics_is_a_cancel(client_for, seance):
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.ANNULEE, sequence=2)
    response = client_for("intervenant").get(reverse("seances:seance_ics", kwargs={"pk": seance.pk}))
    cal = Calendar.from_ical(response.content)
    assert cal["METHOD"] == "CANCEL"
    assert str(cal.events[0]["STATUS"]) == "CANCELLED"
    assert cal.events[0]["SEQUENCE"] == 2


# --- Private feeds -----------------------------------------------------------------------------------------------


def _feed_events(client, token):
    response = client.get(reverse("seances:feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).events


def test_feed_create_use_and_revoke(client_for, client, users, programme, seance):
    conseiller = client_for("conseiller")
    page = conseiller.get(reverse("seances:feeds")).content.decode()
    assert "Créer mon adresse d'abonnement" in page

    response = conseiller.post(reverse("seances:feeds"), {"action": "create"}, follow=True)
    feed = CalendarFeed.objects.get(user=users["conseiller"])
    assert feed.kind == CalendarFeed.Kind.CONSEILLER
    assert len(feed.token) >= 40
    html = response.content.decode()
    assert f"http://testserver/seances/calendrier/{feed.token}.ics" in html
    assert "Révoquer et créer une nouvelle adresse" in html

    # Anyone with the URL (a calendar app) reads the feed; cancelled séances are left out.
    cancelled = _other_group_seance(programme, status=Seance.Status.ANNULEE)
    Groupe.objects.get(pk=cancelled.groupe_id).membres.add(users["conseiller"])
    events = _feed_events(client, feed.token)
    assert [str(e["UID"]) for e in events] == [f"{seance.uid}@app.ml31.org"]
    assert events[0].start == datetime.datetime(2026, 10, 13, 9, 30, tzinfo=PARIS)

    conseiller.post(reverse("seances:feeds"), {"action": "renew"})
    assert client.get(reverse("seances:feed", kwargs={"token": feed.token})).status_code == 404
    new = CalendarFeed.objects.get(user=users["conseiller"], revoked_at__isnull=True)
    assert new.token != feed.token
    assert len(_feed_events(client, new.token)) == 1


def test_unknown_feed_token_is_404(client, db):
    assert client.get(reverse("seances:feed", kwargs={"token": "jeton-inconnu"})).status_code == 404


def test_intervenant_feed_lists_the_seances_they_facilitate(client_for, client, users, programme, seance):
    other = _other_group_seance(programme, status=Seance.Status.PROPOSEE)
    client_for("intervenant").post(reverse("seances:feeds"), {"action": "create"})
    feed = CalendarFeed.objects.get(user=users["intervenant"])
    assert feed.kind == CalendarFeed.Kind.INTERVENANT
    uids = sorted(str(e["UID"]) for e in _feed_events(client, feed.token))
    assert uids == sorted(f"{s.uid}@app.ml31.org" for s in (seance, other))


def test_site_feed_lists_the_sites_decided_seances(client, programme, seance):
    _other_group_seance(programme)
    feed = calendar_feed_create(kind=CalendarFeed.Kind.SITE, antenne=Antenne.objects.get(code="muretain"))
    response = client.get(reverse("seances:feed", kwargs={"token": feed.token}))
    cal = Calendar.from_ical(response.content)
    assert str(cal["X-WR-CALNAME"]) == "APP – Antenne Muretain"
    assert [str(e["UID"]) for e in cal.events] == [f"{seance.uid}@app.ml31.org"]


def test_feed_of_a_closed_account_is_empty(client, users, programme, seance):
    feed = calendar_feed_create(kind=CalendarFeed.Kind.CONSEILLER, user=users["conseiller"])
    users["conseiller"].is_active = False
    users["conseiller"].save()
    assert _feed_events(client, feed.token) == []
