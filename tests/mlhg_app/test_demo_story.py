"""Issue 17: « the demo tells a true story at any date ». The 2026 AMI's journal, read as the administration
reads it on its page, tells its events in their real order and at their real dates, and says of each dossier
what the dossier list says; the demo's grids, séances and bilan are what its README promises."""

import datetime
import re
import subprocess
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ami.models import AMI, Dossier, Note
from ami.services.states import AMI_TRANSITIONS, DOSSIER_TRANSITIONS
from mlhg_app.french import euros as french_euros
from mlhg_app.models import OutgoingMessage, User
from seances.models import Facture, Releve, Seance
from tests.web import login

PARIS = ZoneInfo("Europe/Paris")
EMPTY = "—"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())


def _status_changes(entry):
    return [(c.before, c.after) for c in entry.changes if c.label == "statut"]


def _allowed(transitions, choices) -> set[tuple[str, str]]:
    label = dict(choices)
    allowed = {(EMPTY, str(label[start])) for start in ("brouillon",)}
    return allowed | {(str(label[a]), str(label[b])) for a, targets in transitions.items() for b in targets}


@pytest.mark.django_db
def test_demo_journal_tells_the_2026_ami_in_order_and_matches_the_dossier_list(demo):
    ami = AMI.objects.get(reference="ami-app-2026")
    client = login(User.objects.get(email="direction@demo.ml31.org"))
    page = client.get(reverse("ami:audit", args=[ami.reference])).context["page"]
    journal = list(page.paginator.object_list)
    listed = client.get(reverse("ami:staff_dossiers", args=[ami.reference])).context["page"].paginator.object_list

    # newest first, as the page says; read here oldest first
    assert [e.sort_key for e in journal] == sorted((e.sort_key for e in journal), reverse=True)
    story = list(reversed(journal))
    when = {id(e): timezone.localtime(e.when, PARIS) for e in story}

    # the AMI: written, published on 27 April, closed at its deadline, analysed and attributed in June
    ami_steps = [(s, when[id(e)]) for e in story if e.kind == "AMI" for s in _status_changes(e)]
    assert [after for (_before, after), _when in ami_steps] == ["Brouillon", "Publié", "Clos", "En analyse", "Attribué"]
    steps = {after: moment for (_before, after), moment in ami_steps}
    assert steps["Brouillon"] < steps["Publié"]
    assert steps["Publié"].date() == datetime.date(2026, 4, 27)
    deadline = timezone.localtime(ami.date_limite, PARIS)
    assert deadline <= steps["Clos"] <= deadline + datetime.timedelta(minutes=1)
    assert steps["En analyse"].month == steps["Attribué"].month == 6

    # no impossible transition, and each object's « Création » comes first
    allowed = _allowed(AMI_TRANSITIONS, AMI.Status.choices) | _allowed(DOSSIER_TRANSITIONS, Dossier.Status.choices)
    seen = set()
    for entry in story:
        for change in _status_changes(entry):
            assert change in allowed, (entry.kind, entry.subject, change, when[id(entry)])
        obj = (entry.kind, entry.subject)
        if entry.action == "Création":
            assert obj not in seen, f"{obj} : « Création » après d'autres entrées"
        seen.add(obj)

    # deposits through the portal in May, before the deadline; the one received by email recorded after it
    for entry in story:
        if entry.kind == "Dossier" and ("Brouillon", "Déposé") in _status_changes(entry):
            if entry.reason.startswith("Dossier reçu par courriel"):
                assert when[id(entry)] > deadline
            else:
                assert steps["Publié"] < when[id(entry)] <= deadline and when[id(entry)].month == 5, entry.subject

    # the journal's dossiers and their last status are the dossier list's
    last_status = {}
    for entry in story:
        if entry.kind == "Dossier":
            for _before, after in _status_changes(entry):
                last_status[entry.subject] = after
    assert last_status == {d.prestataire.raison_sociale: d.get_status_display() for d in listed}


@pytest.mark.django_db
def test_demo_comments_differ_convoked_seances_have_convocations_and_the_responsable_has_a_bilan_to_read(demo):
    comments = list(
        Note.objects.filter(evaluation__dossier__ami__reference="ami-app-2026").values_list("commentaire", flat=True)
    )
    assert len(comments) == 36 and len(set(comments)) == 36

    for seance in Seance.objects.filter(status__in=[Seance.Status.CONVOQUEE, Seance.Status.REALISEE]):
        sent = OutgoingMessage.objects.filter(
            kind="seance.convocation", object_type="seances.seance", object_id=str(seance.pk)
        ).count()
        assert sent == seance.groupe.membres.count() + 1, f"{seance} : {sent} convocation(s)"  # and the intervenant

    home = login(User.objects.get(email="responsable@demo.ml31.org")).get(reverse("home")).content.decode()
    assert "Bilan remis à lire" in home

    manon = login(User.objects.get(email="manon.dupuy@demo.ml31.org"))
    home = manon.get(reverse("home")).content.decode()
    assert "Prochaine séance" in home and "Ajouter à mon agenda (.ics)" in home


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _pdftotext(data: bytes) -> str:
    run = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(run.stdout.decode().replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.mark.django_db
def test_demo_window_1_is_billed_and_invoiced_and_the_conseillere_has_her_attestation(demo):
    """Issue 20: the demo issues window 1's statement after its séances (staff), the prestataire invoices it
    (Factur-X) two days later; the invoice matches the statement; the README's conseillère, present at a held
    séance, downloads her yearly attestation from « Mes séances »."""
    releve = Releve.objects.get()
    facture = Facture.objects.get(releve=releve)
    last_held = Seance.objects.filter(fenetre__numero=1).order_by("-date").values_list("date", flat=True).first()
    assert timezone.localdate(releve.emis_le) > last_held
    assert facture.date_emission > timezone.localdate(releve.emis_le)
    assert facture.numero.startswith(f"FA-{releve.emis_le.year}-")
    assert (facture.total_ht, facture.total_tva, facture.total_ttc) == (
        releve.total_ht,
        releve.total_tva,
        releve.total_ttc,
    )

    staff = login(User.objects.get(email="direction@demo.ml31.org"))
    home = staff.get(reverse("home")).content.decode()
    assert "Relevé à payer" in home and "relevé à émettre" not in home  # the README's administration line
    page = staff.get(reverse("seances:invoice", args=[releve.pk])).content.decode()
    assert f"Facture n° {facture.numero}" in page and "Ses lignes et ses totaux correspondent au relevé." in page
    rows = re.findall(r"<tr>\s*<td>\d+</td>.*?</tr>", page, flags=re.S)
    assert len(rows) == releve.lignes.count() > 0
    assert all(row.count("(identique)") == 1 for row in rows)
    assert page.count(french_euros(releve.total_ttc)) >= 2  # the statement's total TTC and the invoice's

    prestataire = login(User.objects.get(email="contact@horizons-supervision.demo"))
    statements = prestataire.get(reverse("seances:statements", args=[releve.programme_id])).content.decode()
    assert f'href="{reverse("seances:invoice", args=[releve.pk])}">facture {facture.numero}</a>' in statements
    pdf = prestataire.get(reverse("seances:invoice_pdf", args=[releve.pk]))
    assert pdf.status_code == 200 and _body(pdf)[:5] == b"%PDF-"

    manon = User.objects.get(email="manon.dupuy@demo.ml31.org")
    client = login(manon)
    mine = client.get(reverse("seances:my_seances")).content.decode()
    url = reverse("seances:my_certificate", args=[releve.programme_id])
    assert f'href="{url}">Attestation de participation 2026-2027 (PDF)' in mine
    response = client.get(url)
    data = _body(response)
    assert response.status_code == 200 and data[:5] == b"%PDF-"
    text = _pdftotext(data)
    assert (
        "atteste que Manon Dupuy, de l'Antenne Muretain, a participé au cours de l'année 2026-2027 à 1 séance "
        "d'analyse de pratiques professionnelles (APP), animée par Horizons Supervision, soit 2 h au total."
    ) in text
    assert "mardi 13 octobre 2026 9 h 30 – 11 h 30" in text
