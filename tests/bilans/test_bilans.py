"""The annual bilan: k-suppression, the workflow and who may do what, the réunion, reminders, the PDF."""

import datetime
import html
import zoneinfo

import pytest
import time_machine
import vobject
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from bilans.aggregation import ThemeCount, suppress, synthese
from bilans.models import EXPORT_DRAFT, Bilan, BilanVersion
from bilans.selectors import synthese_live
from bilans.services.export import export_request
from bilans.services.opening import bilan_open
from bilans.services.reminders import REMINDER_KIND, reminder_occurrence
from bilans.services.reunion import reunion_set
from bilans.services.review import bilan_validate, comment_add
from bilans.services.threshold import k_set
from bilans.services.writing import bilan_remettre, bilan_write, section_refusals
from bilans.tasks import remind_bilans
from mlhg_app.exports import export_run
from mlhg_app.models import OutgoingMessage, StoredExport
from mlhg_app.refusals import Refused
from seances.models import CompteRendu, Emargement
from tests.factories import BilanFactory, BilanVersionFactory, UserFactory
from tests.forms import BILAN_TEXTS
from tests.pdfs import pdf_words
from tests.seances_world import SECRET, build_programme, held
from tests.web import flash, login

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def tc(libelle, seances, groupes):
    return ThemeCount(libelle, seances, set(groupes))


# -- suppression (pure) --------------------------------------------------------------------------


def test_a_theme_in_two_groups_is_hidden_and_in_three_is_shown():
    result = suppress(
        [tc("Charge", 5, [1, 2, 3]), tc("Posture", 4, [1, 2, 3, 4]), tc("Violences", 2, [5, 6]),
         tc("Logement", 3, [1, 4, 7])],
        k=3,
    )  # fmt: skip
    shown = dict(result.shown)
    assert "Violences" not in shown
    assert shown["Posture"] == 4 and shown["Charge"] == 5
    # « Violences » alone in « autres thèmes » would show its count: the least frequent shown theme joins it.
    assert "Logement" not in shown
    assert (result.autres_themes, result.autres_seances) == (2, 5)


def test_two_hidden_themes_from_enough_groups_need_no_second_suppression():
    result = suppress(
        [tc("Charge", 5, [1, 2, 3]), tc("Violences", 2, [5, 6]), tc("Logement", 2, [1, 4])],
        k=3,
    )
    assert result.shown == [("Charge", 5)]
    assert (result.autres_themes, result.autres_seances) == (2, 4)


def test_autres_is_hidden_when_nothing_can_protect_it():
    result = suppress([tc("Violences", 2, [5, 6])], k=3)
    assert result.shown == []
    assert (result.autres_themes, result.autres_seances) == (1, None)


def test_k_changes_what_is_shown():
    themes = [tc("Charge", 5, [1, 2]), tc("Posture", 4, [3, 4]), tc("Logement", 1, [5])]
    # k = 2: « Logement » (1 group) is hidden and drags « Posture » with it.
    assert suppress(themes, k=2).shown == [("Charge", 5)]
    assert suppress(themes, k=3).shown == []
    assert suppress(themes, k=3).autres_seances == 10


# -- the world ------------------------------------------------------------------------------------


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.fixture
def year(programme, users):
    """Comptes rendus in 5 groups: « Charge » in 4 groups, « Violences » in 2, « Logement » and « Partenariats »
    in 3; attendance sheets in 2 groups (5 present of 7 members)."""
    groupes = list(programme.groupes.exclude(membres=users["conseiller"]).order_by("pk"))
    day = datetime.date(2026, 10, 1)
    held(programme, groupes[0], ["Charge émotionnelle", "Violences et incidents", "Logement"], day=day, presents=3)
    held(programme, groupes[1], ["Charge émotionnelle", "Violences et incidents", "Logement"], day=day, presents=2)
    held(programme, groupes[2], ["Charge émotionnelle", "Logement", "Partenariats"], day=day)
    held(programme, groupes[3], ["Charge émotionnelle", "Partenariats"], day=day)
    held(programme, groupes[4], ["Partenariats"], day=day)
    return programme


@pytest.mark.django_db
def test_synthese_counts_held_seances_per_site_and_merges_rare_themes(year):
    data = synthese(year, 3)
    # « Violences » (2 groups) is hidden; alone in « autres thèmes » it would show its own count, so
    # « Logement » (3 séances, the least frequent shown theme) joins it.
    assert {t["libelle"]: t["seances"] for t in data["themes"]} == {"Charge émotionnelle": 4, "Partenariats": 3}
    assert data["autres"] == {"themes": 2, "seances": 2 + 3}
    # No site × theme table: per-site rows hold counts of the planning only.
    for row in data["seances"]["par_site"]:
        assert set(row) == {"site", "dues", "tenues", "annulees"}
    assert data["seances"]["tenues"] == 5
    # Attendance sheets in 2 groups only (k = 3): the period and the year's rate would show them, so both are
    # masked (hole 6, tests/bilans/test_differences.py); with k = 2 they are shown.
    assert data["participation"]["masque"] and data["participation"]["taux"] is None
    assert data["participation"]["par_fenetre"][0]["masque"]
    shown = synthese(year, 2)["participation"]
    assert shown["taux"] == round(100 * 5 / 7)  # 5 present of 7 expected, with sheets
    assert shown["par_fenetre"][0]["taux"] == round(100 * 5 / 7)


@pytest.mark.django_db
def test_with_k_2_the_theme_of_two_groups_is_shown(year):
    data = synthese(year, 2)
    assert {t["libelle"] for t in data["themes"]} == {
        "Charge émotionnelle", "Partenariats", "Logement", "Violences et incidents"
    }  # fmt: skip
    assert data["autres"] == {"themes": 0, "seances": None}


# -- the workflow ---------------------------------------------------------------------------------


@pytest.fixture
def bilan(year, users):
    return bilan_open(programme=year, user=users["prestataire"])


def page(response) -> str:
    return html.unescape(response.content.decode())


def write(client, bilan, **texts):
    return client.post(reverse("bilans:write", kwargs={"pk": bilan.pk}), {**BILAN_TEXTS, **texts})


@pytest.mark.django_db
def test_the_responsable_cannot_open_a_draft_nor_staff(bilan, users):
    url = reverse("bilans:detail", kwargs={"pk": bilan.pk})
    assert login(users["responsable"]).get(url).status_code in (403, 404)
    assert login(users["staff"]).get(url).status_code in (403, 404)
    assert login(users["prestataire"]).get(url).status_code == 200
    for role in ("conseiller", "intervenant", "evaluateur"):
        assert login(users[role]).get(url).status_code == 403
    chart = reverse("bilans:chart", kwargs={"pk": bilan.pk, "name": "themes"})
    assert login(users["responsable"]).get(chart).status_code in (403, 404)


@pytest.mark.django_db
def test_another_prestataire_never_reaches_the_bilan(bilan):
    other = UserFactory(role="prestataire", email="autre@prestataire.fr")
    assert login(other).get(reverse("bilans:detail", kwargs={"pk": bilan.pk})).status_code in (403, 404)
    response = login(other).post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}))
    assert response.status_code in (403, 404)


@pytest.mark.django_db
def test_a_section_with_a_name_is_kept_but_cannot_be_remis(bilan, users, programme):
    member = Emargement.objects.first().presents.first()
    client = login(users["prestataire"])
    text = f"Un échange avec {member.first_name} {member.last_name} a marqué le groupe."
    response = write(client, bilan, attention=text)
    assert response.status_code == 200
    assert "éléments identifiants" in page(response)
    bilan.refresh_from_db()
    assert bilan.attention == text  # nothing typed is lost
    response = client.post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}), follow=True)
    assert "ne peut pas" in flash(response) or "éléments identifiants" in flash(response)
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.BROUILLON and not bilan.versions.exists()


def _refused_section(client, bilan, text, *terms):
    response = write(client, bilan, attention=text)
    assert response.status_code == 200
    assert "éléments identifiants : " + ", ".join(f"« {term} »" for term in terms) in page(response)
    bilan.refresh_from_db()
    assert bilan.attention == text  # kept as typed
    response = client.post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}), follow=True)
    assert "éléments identifiants" in flash(response)
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.BROUILLON and not bilan.versions.exists()


@pytest.mark.django_db
def test_hole_15_homoglyph_name_refused_in_a_bilan_section(bilan, users, programme):
    member = Emargement.objects.first().presents.first()
    # The member's first name with its vowels in Cyrillic (а, е, о) and a zero-width space.
    disguised = member.first_name.translate(str.maketrans("aeo", "\u0430\u0435\u043e"))
    disguised = disguised[:1] + "\u200b" + disguised[1:]
    assert disguised != member.first_name
    _refused_section(login(users["prestataire"]), bilan, f"Un échange avec {disguised} a marqué le groupe.", disguised)


@pytest.mark.django_db
def test_hole_15_split_name_refused_in_a_bilan_section(bilan, users, programme):
    member = Emargement.objects.first().presents.first()
    spelled = ".".join(member.last_name.replace("-", "").replace(" ", ""))
    _refused_section(login(users["prestataire"]), bilan, f"Un échange avec {spelled} a marqué le groupe.", spelled)


@pytest.mark.django_db
def test_hole_15_unknown_person_refused_in_a_bilan_section(bilan, users):
    text = "Madame Lefebvre, partenaire, a été associée. Kevin Moreau a témoigné devant le groupe."
    _refused_section(login(users["prestataire"]), bilan, text, "Madame Lefebvre", "Kevin Moreau")


@pytest.mark.django_db
def test_a_bilan_section_naming_places_and_partners_is_accepted(bilan, users):
    text = (
        "Les groupes de Muret, Toulouse, du Comminges et de Saint-Gaudens ont travaillé avec la Mission Locale, "
        "France Travail et la MDPH. Madame la directrice a ouvert la réunion de bilan."
    )
    response = write(login(users["prestataire"]), bilan, attention=text)
    assert response.status_code == 302
    bilan.refresh_from_db()
    assert bilan.attention == text
    assert section_refusals(bilan) == {}


@pytest.mark.django_db
def test_an_empty_section_cannot_be_remis(bilan, users):
    client = login(users["prestataire"])
    write(client, bilan, preconisations="")
    response = client.post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}), follow=True)
    assert "Complétez" in flash(response) and "Préconisations" in flash(response)
    assert not BilanVersion.objects.exists()


@pytest.mark.django_db
def test_remis_commented_replied_revised_and_validated_keeps_every_version(
    bilan, users, django_capture_on_commit_callbacks
):
    prestataire, responsable = login(users["prestataire"]), login(users["responsable"])
    write(prestataire, bilan)
    with django_capture_on_commit_callbacks(execute=True):
        prestataire.post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}))
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.REMIS
    assert [m.to for m in mail.outbox] == [[users["responsable"].email]]
    assert (
        "remis" in mail.outbox[0].subject and reverse("bilans:detail", kwargs={"pk": bilan.pk}) in mail.outbox[0].body
    )

    shown = page(responsable.get(reverse("bilans:detail", kwargs={"pk": bilan.pk})))
    assert "version 1" in shown and BILAN_TEXTS["attention"] in shown
    assert SECRET not in shown

    # The prestataire cannot validate or comment; the responsable cannot write.
    assert prestataire.post(reverse("bilans:validate", kwargs={"pk": bilan.pk})).status_code == 403
    assert responsable.post(reverse("bilans:write", kwargs={"pk": bilan.pk}), BILAN_TEXTS).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        responsable.post(
            reverse("bilans:comment", kwargs={"pk": bilan.pk}), {"section": "attention", "texte": "À préciser ?"}
        )
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.COMMENTE
    assert mail.outbox[-1].to == [users["prestataire"].email] and "À préciser ?" in mail.outbox[-1].body

    commentaire = BilanVersion.objects.get(numero=1).commentaires.get()
    prestataire.post(reverse("bilans:reply", kwargs={"pk": commentaire.pk}), {"reponse": "Précisé en v2."})
    write(prestataire, bilan, attention="Un temps d'échange systématique, animé par l'encadrement de proximité.")
    with django_capture_on_commit_callbacks(execute=True):
        prestataire.post(reverse("bilans:remettre", kwargs={"pk": bilan.pk}))
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.REMIS
    v1, v2 = BilanVersion.objects.order_by("numero")
    assert v1.attention == BILAN_TEXTS["attention"] and v2.attention.startswith("Un temps d'échange systématique")
    commentaire.refresh_from_db()
    assert commentaire.reponse == "Précisé en v2."

    old = page(responsable.get(reverse("bilans:detail", kwargs={"pk": bilan.pk}) + "?version=1"))
    assert BILAN_TEXTS["attention"] in old and "Précisé en v2." in old

    with django_capture_on_commit_callbacks(execute=True):
        response = responsable.post(reverse("bilans:validate", kwargs={"pk": bilan.pk}), follow=True)
    assert "validé" in flash(response)
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.VALIDE and bilan.valide_par == users["responsable"]
    assert "validé" in mail.outbox[-1].subject
    # Validated: nothing changes any more.
    write(prestataire, bilan, attention="Trop tard")
    bilan.refresh_from_db()
    assert bilan.attention != "Trop tard"
    assert bilan.history.count() >= 4  # every change has an author and a date


@pytest.mark.django_db
def test_a_version_freezes_its_figures(bilan, users, programme):
    bilan_write(bilan=bilan, user=users["prestataire"], texts=BILAN_TEXTS)
    bilan_remettre(bilan=bilan, user=users["prestataire"])
    before = BilanVersion.objects.get().synthese
    held(
        programme,
        programme.groupes.order_by("pk")[5],
        ["Violences et incidents"],
        day=datetime.date(2027, 2, 2),
        fenetre=2,
    )
    assert BilanVersion.objects.get().synthese == before
    assert synthese_live(bilan) != before


# -- k --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_set_k_but_never_below_two(programme, users):
    client = login(users["staff"])
    url = reverse("bilans:threshold", kwargs={"pk": programme.pk})
    response = client.post(url, {"seuil_k": "1"}, follow=True)
    assert "au moins 2" in flash(response)
    assert not Bilan.objects.exists() or Bilan.objects.get().seuil_k == 3
    response = client.post(url, {"seuil_k": "4"}, follow=True)
    assert "k = 4" in flash(response)
    assert Bilan.objects.get(programme=programme).seuil_k == 4
    assert login(users["prestataire"]).post(url, {"seuil_k": "2"}).status_code == 403
    with pytest.raises(Refused):
        k_set(bilan=Bilan.objects.get(), user=users["staff"], k=1)


# -- réunion de bilan -----------------------------------------------------------------------------


@pytest.fixture
def remis(bilan, users):
    bilan_write(bilan=bilan, user=users["prestataire"], texts=BILAN_TEXTS)
    bilan_remettre(bilan=bilan, user=users["prestataire"])
    bilan.refresh_from_db()
    return bilan


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2027, 6, 1, 10, 0, tzinfo=PARIS), tick=False)
def test_the_reunion_invites_both_sides_and_a_move_raises_the_sequence(
    remis, users, django_capture_on_commit_callbacks
):
    client = login(users["responsable"])
    url = reverse("bilans:reunion", kwargs={"pk": remis.pk})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "date", "date": "2027-06-15", "heure": "14:00", "lieu": "Siège, Toulouse"})
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users["responsable"].email, users["prestataire"].email])
    assert "mardi 15 juin 2027 à 14\xa0h\xa000" in mail.outbox[0].subject
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 0 and event.decoded("DTSTART").hour == 14
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "date", "date": "2027-06-16", "heure": "10:00", "lieu": "Siège"})
    event = Calendar.from_ical(mail.outbox[-1].attachments[0][1]).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1
    ics = login(users["prestataire"]).get(reverse("bilans:reunion_ics", kwargs={"pk": remis.pk}))
    assert b"SEQUENCE:1" in ics.content
    read = vobject.readOne(ics.content.decode()).vevent  # an independent parser
    assert read.uid.value.endswith(f"@{settings.SITE_DOMAIN}") and "@mlhg-app" not in read.uid.value
    assert read.organizer.value.startswith("mailto:")
    # A past date is refused, in French, and the form keeps what was typed.
    response = client.post(url, {"action": "date", "date": "2027-05-01", "heure": "10:00", "lieu": "Ailleurs"})
    assert "date à venir" in page(response) and "Ailleurs" in page(response)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2027, 6, 1, 10, 0, tzinfo=PARIS), tick=False)
def test_the_reunion_opened_to_move_it_shows_its_date_and_time(remis, users):
    reunion_set(bilan=remis, user=users["responsable"], when=datetime.datetime(2027, 7, 8, 9, 30, tzinfo=PARIS),
                lieu="Siège")  # fmt: skip
    html = page(login(users["responsable"]).get(reverse("bilans:reunion", kwargs={"pk": remis.pk})))
    # a date field shows its value only when it is ISO (« 08/07/2027 » leaves it empty)
    assert 'type="date"' in html and 'value="2027-07-08"' in html
    assert 'type="time"' in html and 'value="09:30"' in html


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2027, 6, 1, 10, 0, tzinfo=PARIS), tick=False)
def test_the_minutes_are_a_pdf(remis, users):
    reunion_set(bilan=remis, user=users["responsable"], when=datetime.datetime(2027, 6, 15, 14, tzinfo=PARIS),
                         lieu="Siège")  # fmt: skip
    client = login(users["prestataire"])
    url = reverse("bilans:reunion", kwargs={"pk": remis.pk})
    fake = SimpleUploadedFile("compte-rendu.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"action": "compte_rendu", "fichier": fake})
    assert "n'est pas un PDF" in page(response)
    pdf = SimpleUploadedFile("cr.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(url, {"action": "compte_rendu", "fichier": pdf}, follow=True)
    assert "joint" in flash(response)
    download = login(users["responsable"]).get(reverse("bilans:reunion_minutes", kwargs={"pk": remis.pk}))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


# -- reminders ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today, occurrence",
    [
        (datetime.date(2027, 5, 30), ""),
        (datetime.date(2027, 5, 31), "j-30"),
        (datetime.date(2027, 6, 23), "j-7"),
        (datetime.date(2027, 6, 30), "j-7"),
        (datetime.date(2027, 7, 1), "retard-1"),
        (datetime.date(2027, 7, 7), "retard-1"),
        (datetime.date(2027, 7, 8), "retard-2"),
    ],
)
def test_reminder_occurrences(today, occurrence):
    assert reminder_occurrence(datetime.date(2027, 6, 30), today) == occurrence


@pytest.mark.django_db
def test_reminders_go_once_each_and_stop_at_the_remise(programme, users):
    def run(day):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 10), tzinfo=PARIS), tick=False):
            remind_bilans.delay()

    run(datetime.date(2027, 6, 1))
    run(datetime.date(2027, 6, 2))
    assert len(mail.outbox) == 1 and "avant le mercredi 30 juin 2027" in mail.outbox[0].subject
    run(datetime.date(2027, 6, 24))
    run(datetime.date(2027, 7, 2))
    run(datetime.date(2027, 7, 3))
    assert len(mail.outbox) == 3 and "est passée" in mail.outbox[-1].subject
    bilan = Bilan.objects.get(programme=programme)
    bilan_write(bilan=bilan, user=users["prestataire"], texts=BILAN_TEXTS)
    bilan_remettre(bilan=bilan, user=users["prestataire"])
    run(datetime.date(2027, 7, 9))
    assert OutgoingMessage.objects.filter(kind=REMINDER_KIND).count() == 3
    assert len(mail.outbox) == 3


# -- the PDF --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_export_is_a_job_with_a_status_and_holds_no_name_nor_free_text(
    remis, users, programme, django_capture_on_commit_callbacks
):
    client = login(users["responsable"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bilans:export", kwargs={"pk": remis.pk}), follow=True)
    assert "export PDF est lancé" in flash(response)
    export = StoredExport.objects.get()
    status = client.get(reverse("bilans:export_status", kwargs={"pk": export.pk})).json()
    assert status["status"] == "pret" and status["done"] and status["url"]
    data = b"".join(client.get(status["url"]).streaming_content)
    text = pdf_words(data)
    assert "Bilan annuel anonymisé" in text and "Version 1" in text
    assert "Charge émotionnelle" in text  # in the table and the chart (SVG text stays text)
    assert text.count("Charge émotionnelle") >= 2
    assert "Autres thèmes" in text and "Annexe" in text and "k = 3" in text
    for section in BILAN_TEXTS.values():
        assert " ".join(section.split()[:6]) in text
    assert SECRET not in text and "Seysses" not in text
    members = [u for g in programme.groupes.all() for u in g.membres.all()]
    assert members
    for member in members:
        assert member.last_name not in text
    # The prestataire reads the responsable's export of the remitted version too.
    assert login(users["prestataire"]).get(status["url"]).status_code == 200


@pytest.mark.django_db
def test_a_draft_export_is_never_readable_by_the_responsable(bilan, users):
    bilan_write(bilan=bilan, user=users["prestataire"], texts=BILAN_TEXTS)
    export = export_request(bilan=bilan, user=users["prestataire"])
    export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.kind == EXPORT_DRAFT and export.status == "pret"
    assert "Document de travail" in pdf_words(export.fichier.read())
    url = reverse("bilans:export_download", kwargs={"pk": export.pk})
    assert login(users["prestataire"]).get(url).status_code == 200
    assert login(users["responsable"]).get(url).status_code in (403, 404)
    assert login(users["staff"]).get(url).status_code in (403, 404)


@pytest.mark.django_db
def test_export_run_twice_keeps_one_file(remis, users):
    export = export_request(bilan=remis, user=users["responsable"])
    export_run(export_id=export.pk)
    export.refresh_from_db()
    name = export.fichier.name
    assert export_run(export_id=export.pk) == "pret"
    export.refresh_from_db()
    assert export.fichier.name == name


# -- the responsable's page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_responsable_sees_each_year_and_the_theme_trend(remis, users):
    previous = build_programme(users, annee=2025)
    old = BilanFactory(programme=previous, status=Bilan.Status.VALIDE)  # due 30 June 2026
    BilanVersionFactory(
        bilan=old, remis_par=users["prestataire"],
        synthese={"themes": [{"libelle": "Charge émotionnelle", "seances": 2}, {"libelle": "Isolement", "seances": 3}]},
    )  # fmt: skip
    shown = page(login(users["responsable"]).get(reverse("bilans:list")))
    assert "Bilan 2026-2027" in shown and "Bilan 2025-2026" in shown
    assert "Tendances des thèmes" in shown and "Isolement" in shown
    draft = BilanFactory(programme=build_programme(users, annee=2027))  # due 30 June 2028
    assert "Bilan 2027-2028" not in login(users["responsable"]).get(reverse("bilans:list")).content.decode()
    assert draft.pk


# -- queries --------------------------------------------------------------------------------------


def queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_bilan_pages_keep_their_number_of_queries_as_the_year_grows(programme, users):
    slots = [(g, f) for f in (1, 2, 3) for g in programme.groupes.exclude(membres=users["conseiller"]).order_by("pk")]
    themes = ["Charge émotionnelle", "Partenariats", "Posture professionnelle", "Logement"]
    bilan = bilan_open(programme=programme, user=users["prestataire"])
    bilan_write(bilan=bilan, user=users["prestataire"], texts=BILAN_TEXTS)

    def grow(start, stop):
        for i, (groupe, fenetre) in enumerate(slots[start:stop], start):
            day = {1: datetime.date(2026, 10, 1), 2: datetime.date(2027, 2, 1), 3: datetime.date(2027, 5, 3)}[fenetre]
            held(programme, groupe, themes[: 1 + i % 4], day=day, fenetre=fenetre, presents=2)
        bilan_remettre(bilan=bilan, user=users["prestataire"])
        comment_add(bilan=bilan, user=users["responsable"], section="attention", texte="Précisez.")

    pages = [
        (users["prestataire"], reverse("bilans:detail", kwargs={"pk": bilan.pk})),
        (users["prestataire"], reverse("bilans:write", kwargs={"pk": bilan.pk})),
        (users["responsable"], reverse("bilans:detail", kwargs={"pk": bilan.pk})),
        (users["responsable"], reverse("bilans:list")),
        (users["staff"], reverse("bilans:list")),
    ]
    grow(0, 2)
    small = [queries(login(user), url) for user, url in pages]
    grow(2, 18)
    large = [queries(login(user), url) for user, url in pages]
    assert small == large


# -- RGPD -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_comptes_rendus_are_purged_after_the_validated_bilan_and_its_grace_period(remis, users, settings):
    from mlhg_app import retention

    settings.RETENTION_COMPTE_RENDU_GRACE_DAYS = 90
    assert CompteRendu.objects.count() == 5
    validated_at = datetime.datetime(2027, 7, 1, 10, tzinfo=PARIS)
    assert retention.purge_expired(now=validated_at)["bilans.comptes_rendus"] == {"comptes_rendus": 0}
    with time_machine.travel(validated_at, tick=False):
        bilan_validate(bilan=remis, user=users["responsable"])
    before = page(login(users["responsable"]).get(reverse("bilans:detail", kwargs={"pk": remis.pk})))
    inside = validated_at + datetime.timedelta(days=89)
    assert retention.purge_expired(now=inside)["bilans.comptes_rendus"] == {"comptes_rendus": 0}
    past = validated_at + datetime.timedelta(days=91)
    assert retention.purge_expired(now=past)["bilans.comptes_rendus"] == {"comptes_rendus": 5}
    assert not CompteRendu.objects.exists()
    # The validated bilan keeps its figures (frozen in its version), for everyone.
    for role in ("responsable", "prestataire"):
        after = page(login(users[role]).get(reverse("bilans:detail", kwargs={"pk": remis.pk})))
        assert "Charge émotionnelle" in after
    assert "Charge émotionnelle" in before
