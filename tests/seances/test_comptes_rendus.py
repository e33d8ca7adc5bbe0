"""The anonymous compte rendu: the name filter, refusals, the reminder, and that no staff, responsable
or admin page ever shows its text."""

import datetime
import html
import re
import zoneinfo

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.urls import reverse

from mlhg_app.access import iter_urls
from mlhg_app.models import OutgoingMessage, User
from mlhg_app.refusals import Refused
from seances import reference
from seances.anonymisation import identifying_terms, names_for_filter
from seances.models import CompteRendu, Seance, Theme
from seances.services.compte_rendu import compte_rendu_save
from seances.tasks import remind_comptes_rendus
from tests.factories import CompteRenduFactory, EmargementFactory, SeanceFactory, UserFactory
from tests.seances_world import build_programme
from tests.url_samples import all_samples
from tests.web import login

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AFTER = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=PARIS)
BEFORE = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=PARIS)
NAMES = {"Hélène", "Jean-Pierre", "Martin", "Léa", "Al", "N'Diaye"}


# -- the filter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, terms",
    [
        ("Hélène a parlé de sa charge de travail.", ["Hélène"]),
        ("helene a parlé", ["helene"]),
        ("HELENE a parlé", ["HELENE"]),
        ("jean pierre et JEAN-PIERRE", ["jean pierre"]),
        ("Jean-Pierre est revenu", ["Jean-Pierre"]),
        ("Le cas de Martinez", []),
        ("Le leader du groupe", []),
        ("lea était là", ["lea"]),
        ("la situation de martin", ["martin"]),
        ("un al de plus", []),  # fewer than 3 letters: not a name to look for
        ("le dossier de ndiaye", ["ndiaye"]),  # N'Diaye without its apostrophe is still the name (hole 15)
        ("le dossier de N’Diaye", ["N’Diaye"]),
        ("Écrire à jp.martin@exemple.fr pour la suite", ["jp.martin@exemple.fr"]),
        ("Rappeler le 06 12 34 56 78", ["06 12 34 56 78"]),
        ("Rappeler le 06.12.34.56.78", ["06.12.34.56.78"]),
        ("Rappeler le +33 6 12 34 56 78", ["+33 6 12 34 56 78"]),
        ("Rappeler le 0612345678", ["0612345678"]),
        ("Hélène, tél. 06 12 34 56 78", ["Hélène", "06 12 34 56 78"]),
        ("Le groupe a travaillé sur la posture professionnelle en 2026.", []),
    ],
)
def test_identifying_terms(text, terms):
    assert identifying_terms(text, NAMES) == terms


@pytest.fixture
def programme(users):
    reference.load()
    return build_programme(users)


@pytest.fixture
def seance(programme):
    seance = programme.seances.get()
    seance.groupe.membres.add(
        UserFactory(email="helene.dupre@exemple.fr", first_name="Hélène", last_name="Dupré-Laroque"),
        UserFactory(email="jp@exemple.fr", first_name="Jean-Pierre", last_name="Lo"),
    )
    return seance


def test_names_for_filter_members_and_active_mlhg_users(users, programme, seance):
    UserFactory(email="ancien@exemple.fr", first_name="Gontran", last_name="Parti", is_active=False)
    UserFactory(email="evaluatrice@exemple.fr", first_name="Ophélie", last_name="Roumagnac", role="evaluateur")
    names = names_for_filter(seance)
    assert {"Hélène", "Dupré-Laroque", "Jean-Pierre", "Ophélie", "Roumagnac", "Marc", "Olivier"} <= names
    assert "Lo" not in names
    assert "Gontran" not in names
    assert users["staff"].last_name in names and users["responsable"].last_name in names


# -- the form ----------------------------------------------------------------------------------


def _login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def after():
    with time_machine.travel(AFTER, tick=False):
        yield


def test_the_intervenant_writes_the_compte_rendu(client, users, seance, after):
    c = _login(client, users["intervenant"])
    url = reverse("seances:compte_rendu", args=[seance.pk])
    page = c.get(url).content.decode()
    for theme in Theme.objects.filter(actif=True):
        assert html.escape(theme.libelle) in page
    themes = list(Theme.objects.filter(libelle__in=["Charge émotionnelle", "Partenariats"]))
    response = c.post(
        url,
        {
            "tenue": "1",
            "methode": "codeveloppement",
            "themes": [t.pk for t in themes],
            "observations": "Le groupe a travaillé sur une situation sans hébergement.",
        },
        follow=True,
    )
    assert "Le compte rendu anonyme est enregistré." in response.content.decode()
    compte_rendu = CompteRendu.objects.get(seance=seance)
    assert compte_rendu.tenue is True
    assert set(compte_rendu.themes.all()) == set(themes)
    assert compte_rendu.written_by == users["intervenant"]


def test_a_refused_compte_rendu_shows_the_words_and_keeps_what_was_typed(client, users, seance, after):
    theme = Theme.objects.get(libelle="Santé mentale des jeunes")
    typed = "helene a évoqué un jeune en détresse ; rappeler le 06 12 34 56 78 ou jean pierre."
    response = _login(client, users["intervenant"]).post(
        reverse("seances:compte_rendu", args=[seance.pk]),
        {"tenue": "1", "methode": "gease", "themes": [theme.pk], "observations": typed},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "Le texte contient des éléments identifiants : « helene », « 06 12 34 56 78 », « jean pierre ». "
        "Retirez-les : le compte rendu est anonyme."
    ) in content
    assert html.escape(typed) in content
    assert re.search(rf'name="themes" value="{theme.pk}"[^>]*checked', content)
    assert re.search(r'value="gease"[^>]*selected', content)
    assert not CompteRendu.objects.exists()


# -- hole 15: the filter cannot be passed with look-alike letters, a split name or an outsider's name -----


def _post_observations(client, users, seance, observations):
    return _login(client, users["intervenant"]).post(
        reverse("seances:compte_rendu", args=[seance.pk]),
        {"tenue": "1", "methode": "gease", "observations": observations},
    )


def _assert_refused(response, typed, *terms):
    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    quoted = ", ".join(f"« {term} »" for term in terms)
    assert f"Le texte contient des éléments identifiants : {quoted}. Retirez-les" in content
    assert typed in content  # kept as typed
    assert not CompteRendu.objects.exists()


@pytest.mark.parametrize(
    "typed, term",
    [
        ("H\u0435l\u00e8ne a parl\u00e9 de sa charge de travail.", "H\u0435l\u00e8ne"),  # Cyrillic е
        ("\u041c\u0430non a parl\u00e9.", "\u041c\u0430non"),  # Cyrillic М and а
        ("\uff2d\uff41non a parl\u00e9.", "\uff2d\uff41non"),  # full-width letters
        ("Ma\u200bnon a parl\u00e9.", "Ma\u200bnon"),  # a zero-width space inside the word
    ],
)
def test_hole_15_homoglyph_name_refused(client, users, seance, after, typed, term):
    seance.groupe.membres.add(UserFactory(email="manon@exemple.fr", first_name="Manon", last_name="Vidal"))
    assert identifying_terms(typed, {"Hélène", "Manon"}) == [term]
    _assert_refused(_post_observations(client, users, seance, typed), typed, term)


@pytest.mark.parametrize(
    "typed, term",
    [
        ("Situation apportée par D-u-p-u-y.", "D-u-p-u-y"),
        ("Situation apportée par D.u.p.u.y.", "D.u.p.u.y"),
        ("Situation apportée par D. u. p. u. y.", "D. u. p. u. y"),
        ("Situation apportée par Du puy.", "Du puy"),
        ("Situation apportée par du-puy.", "du-puy"),
        ("Situation apportée par D_u_p_u_y.", "D_u_p_u_y"),
        ("Retour de D-u-p-r-é L-a-r-o-q-u-e.", "D-u-p-r-é L-a-r-o-q-u-e"),
        ("Retour de Duprelaroque.", "Duprelaroque"),
    ],
)
def test_hole_15_split_name_refused(client, users, seance, after, typed, term):
    seance.groupe.membres.add(UserFactory(email="dupuy@exemple.fr", first_name="Thibaut", last_name="Dupuy"))
    assert term in identifying_terms(typed, names_for_filter(seance))
    _assert_refused(_post_observations(client, users, seance, typed), typed, term)


def test_hole_15_unknown_person_refused(client, users, seance, after):
    typed = "Madame Lefebvre, la mère du jeune, a rappelé. Kevin Moreau a parlé de son CV avec M. Garcia."
    response = _post_observations(client, users, seance, typed)
    _assert_refused(response, typed, "Madame Lefebvre", "Kevin Moreau", "M. Garcia")
    for text, term in [
        ("Le cas de Yanis Belkacem a été présenté.", "Yanis Belkacem"),
        ("mme dupont était présente", "mme dupont"),
        ("Un échange avec Sophie Martin, sa référente.", "Sophie Martin"),  # a whole name, not only « Martin »
        ("Docteur Roux a été sollicité.", "Docteur Roux"),
        ("Kevin est arrivé en retard.", "Kevin"),  # a first name on its own
        ("K\u0435vin M\u043er\u0435au est venu.", "K\u0435vin M\u043er\u0435au"),  # in Cyrillic letters
    ]:
        assert identifying_terms(text, names_for_filter(seance)) == [term]
    with pytest.raises(Refused, match="« Kevin Moreau »"):
        compte_rendu_save(
            seance=seance, user=users["intervenant"], tenue=True, methode="gease", themes=[], observations=typed
        )
    assert not CompteRendu.objects.exists()


ORDINARY_TEXTS = [
    "Séance à Muret avec la Mission Locale de Toulouse ; les antennes du Comminges et de Saint-Gaudens ont témoigné.",
    "Rencontre avec France Travail, la CAF et la MDPH : le CEJ et la Garantie jeunes ont été évoqués.",
    "Madame la directrice et M. le Maire étaient excusés. Le conseiller a dû gérer seul l'accueil.",
    "La pointe du pont : le groupe a évoqué le déplacement du lieu de rendez-vous à Blagnac.",
    "Forte charge émotionnelle. Bonne participation ; les échanges de pratiques ont été riches.",
    "Atelier « Mobilité » : permis de conduire, transports en commun, Tisséo.",
    "Le leader du groupe a parlé de Martinez (une rue).",
    "Réunion au siège, 6-8 boulevard Florence Arthaud ; un jeune du lycée Pierre de Fermat.",
    "Clément avec les jeunes, le conseiller a tenu le cadre. Juste avant la séance, un incident.",
    "La Rose des vents, centre social : le jeune, arrivé seul en France, y est hébergé.",
]


def test_the_name_filter_accepts_places_themes_and_ordinary_texts(client, users, seance, after):
    from bilans.demo import TEXTS as BILAN_TEXTS
    from seances.demo_held import COMPTES_RENDUS, FALLBACK

    names = names_for_filter(seance)
    themes = [theme.libelle for theme in Theme.objects.all()]
    assert themes
    texts = ORDINARY_TEXTS + themes + [text for _t, text in COMPTES_RENDUS] + [FALLBACK[1]]
    for text in texts + list(BILAN_TEXTS.values()):
        assert identifying_terms(text, names) == [], text
    typed = " ".join(ORDINARY_TEXTS + themes)
    assert _post_observations(client, users, seance, typed).status_code == 302
    assert CompteRendu.objects.get().observations == typed


def test_a_name_inside_a_longer_word_is_accepted(client, users, seance, after):
    response = _login(client, users["intervenant"]).post(
        reverse("seances:compte_rendu", args=[seance.pk]),
        {"tenue": "1", "methode": "gease", "observations": "Le leader du groupe a parlé de Martinez (une rue)."},
    )
    assert response.status_code == 302
    assert CompteRendu.objects.get().observations == "Le leader du groupe a parlé de Martinez (une rue)."


def test_a_compte_rendu_is_refused_before_the_seance_is_held(client, users, seance):
    url = reverse("seances:compte_rendu", args=[seance.pk])
    c = _login(client, users["intervenant"])
    message = (
        "La séance du mardi 13 octobre 2026 à 9\xa0h\xa030 n&#x27;a pas encore eu lieu : "
        "le compte rendu se rédige après la séance."
    )
    with time_machine.travel(BEFORE, tick=False):
        assert message in c.get(url).content.decode()
        response = c.post(url, {"tenue": "1", "methode": "gease", "observations": "Texte."})
        assert message in response.content.decode()
    assert not CompteRendu.objects.exists()
    seance.status = Seance.Status.ANNULEE
    seance.save()
    with time_machine.travel(AFTER, tick=False):
        response = c.post(url, {"tenue": "1", "methode": "gease", "observations": "Texte."})
    assert "Cette séance est « annulée » : un compte rendu se rédige pour une séance tenue." in (
        response.content.decode()
    )
    assert not CompteRendu.objects.exists()


def test_staff_and_the_responsable_cannot_open_a_compte_rendu(client_for, seance):
    url = reverse("seances:compte_rendu", args=[seance.pk])
    for role in ["staff", "responsable", "conseiller", "evaluateur"]:
        assert client_for(role).get(url).status_code == 403, role


def test_compte_rendu_is_not_in_the_admin():
    assert CompteRendu not in admin.site._registry


# -- the reminder ------------------------------------------------------------------------------


def test_one_reminder_two_days_after_a_seance_without_compte_rendu(users, seance):
    with time_machine.travel(datetime.datetime(2026, 10, 14, 8, 30, tzinfo=PARIS), tick=False):
        remind_comptes_rendus.delay()
    assert mail.outbox == []
    with time_machine.travel(datetime.datetime(2026, 10, 15, 8, 30, tzinfo=PARIS), tick=False):
        remind_comptes_rendus.delay()
        remind_comptes_rendus.delay()
    with time_machine.travel(datetime.datetime(2026, 10, 16, 8, 30, tzinfo=PARIS), tick=False):
        remind_comptes_rendus.delay()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [users["intervenant"].email]
    assert message.subject == "Compte rendu à rédiger – séance du mardi 13 octobre 2026 (Antenne Muretain)"
    assert f"https://app.test/seances/seance/{seance.pk}/compte-rendu/" in message.body
    assert "Bonjour Marc Olivier," in message.body
    assert OutgoingMessage.objects.filter(kind="seance.compte_rendu_rappel").count() == 1


def test_no_reminder_once_the_compte_rendu_is_written_or_for_a_cancelled_seance(users, seance, programme):
    CompteRenduFactory(seance=seance, methode="gease", written_by=users["intervenant"])
    cancelled = SeanceFactory(
        programme=programme,
        groupe=programme.groupes.exclude(pk=seance.groupe_id).first(),
        fenetre=seance.fenetre,
        date=seance.date,
        heure_debut=seance.heure_debut,
        intervenant=seance.intervenant,
        status=Seance.Status.ANNULEE,
    )
    assert cancelled.pk
    with time_machine.travel(datetime.datetime(2026, 10, 15, 8, 30, tzinfo=PARIS), tick=False):
        assert remind_comptes_rendus.delay().get() == 0
    assert mail.outbox == []


def test_the_reminder_is_scheduled_daily():
    from mlhg_app.celery import app

    entry = app.conf.beat_schedule["seances-remind-comptes-rendus"]
    assert entry["task"] == "mlhg_app.tasks.for_each_structure"  # once per structure
    assert remind_comptes_rendus.name == entry["kwargs"]["task"]


# -- no leak: every staff, responsable and admin page ------------------------------------------

SECRET = "Le groupe a longuement parlé des tournesols violets du jardin partagé"


def _crawl_urls(world):
    samples = all_samples()
    for route, name, _callback in iter_urls():
        factory = samples.get(name)
        kwargs = factory(world) if factory else {}
        yield route, reverse(name, kwargs=kwargs)


def _admin_urls():
    yield reverse("admin:index")
    for model in admin.site._registry:
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{label}_changelist")
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            yield reverse(f"{label}_change", args=[obj.pk])
            yield reverse(f"{label}_history", args=[obj.pk])


def _body(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8", errors="ignore")


@pytest.mark.django_db
def test_no_staff_responsable_or_admin_page_shows_a_compte_rendu(users, client_for):
    from tests.url_samples.seances import realised

    reference.load()
    world = {"users": users}
    urls = list(_crawl_urls(world))  # the samples first, in the URL order (as the access test builds them)
    seance = realised(world)
    CompteRenduFactory(
        seance=seance, observations=SECRET, written_by=users["intervenant"], themes=Theme.objects.all()[:2]
    )
    EmargementFactory(seance=seance, recorded_by=users["intervenant"], presents=seance.groupe.membres.all())
    assert len(urls) > 30

    needles = [SECRET, html.escape(SECRET), "tournesols violets"]
    seen = []
    for role in ["staff", "responsable"]:
        client = client_for(role)
        for _route, url in urls:
            response = client.get(url)
            body = _body(response)
            assert not any(needle in body for needle in needles), (role, url)
            seen.append((role, url, response.status_code))
    # The console: staff do not enter it (issue 15); a technical superuser reads it, never a compte rendu there.
    superuser = login(User.objects.create_superuser(email="technique@exemple.fr", password="x"))
    for url in _admin_urls():
        refused = client_for("staff").get(url)
        assert refused.status_code == 302 and refused["Location"].startswith(reverse("admin:login")), url
        response = superuser.get(url)
        assert response.status_code in {200, 403}, url
        body = _body(response)
        assert not any(needle in body for needle in needles), url
        seen.append(("superuser", url, response.status_code))
    # the crawl did reach real pages of both roles, the séance's admin page among them
    assert sum(1 for role, _url, status in seen if role == "staff" and status == 200) > 20
    assert sum(1 for role, _url, status in seen if role == "responsable" and status == 200) > 5
    assert any(
        role == "superuser" and url.startswith("/admin/seances/seance/") and "/change/" in url and status == 200
        for role, url, status in seen
    )
    # and the compte rendu is still there: its author reads it (after the séance)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0, tzinfo=PARIS), tick=False):
        page = client_for("intervenant").get(reverse("seances:compte_rendu", args=[seance.pk]))
    assert SECRET in page.content.decode()


# -- the demo ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_window_1_held_with_attendance_and_anonymous_comptes_rendus(settings):
    from io import StringIO

    from django.core.management import call_command

    from seances.demo_held import COMPTES_RENDUS, load_held
    from seances.models import Programme

    settings.DEBUG = True
    today = datetime.date(2026, 11, 29)
    with time_machine.travel(datetime.datetime(2026, 11, 29, 9, 0, tzinfo=PARIS), tick=False):
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())
        programme = Programme.objects.get(annee_debut=2026)
        held = list(programme.seances.filter(fenetre__numero=1, status=Seance.Status.REALISEE))
        assert len(held) >= 5
        assert CompteRendu.objects.count() == len(held)  # load_demo called load_held
        assert load_held(programme=programme, today=today) == 0  # idempotent
    texts = {text for _themes, text in COMPTES_RENDUS}
    for seance in held:
        compte_rendu = seance.compte_rendu
        assert compte_rendu.observations in texts
        assert identifying_terms(compte_rendu.observations, names_for_filter(seance)) == []
        assert 1 <= compte_rendu.themes.count() <= 3
        members = seance.groupe.membres.count()
        presents = seance.emargement.presents.count()
        assert members and members - 2 <= presents <= members and presents > members / 2
    assert CompteRendu.objects.values("observations").distinct().count() == len(held)


def test_manage_py_check_fails_without_the_name_filter_model(monkeypatch):
    from mlhg_app.checks import check_the_name_filter_model_is_installed
    from seances import personnes

    assert check_the_name_filter_model_is_installed(None) == []
    monkeypatch.setattr(personnes, "MODEL", "fr_modele_absent")
    errors = check_the_name_filter_model_is_installed(None)
    assert [e.id for e in errors] == ["mlhg_app.E002"]
    assert "« fr_modele_absent » du filtre des noms n'est pas installé" in errors[0].msg
