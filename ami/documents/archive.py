"""The AMI's complete file as one ZIP, for the archive.

    dossiers/<candidat>/v<n>/dossier-….pdf        every submitted version, rendered
    dossiers/<candidat>/v<n>/accuse-reception-….pdf
    dossiers/<candidat>/v<n>/pieces/<type> - <nom>  the files of that version
    recevabilite.csv                               eligibility decisions with reasons
    evaluations.csv                                every grid: scores, comments, conflicts
    resultats.csv                                  the results grid (as on the results page)
    rapport-analyse-<ref>.pdf
    decision.csv                                   the decision, if any
    lettres/<fichier>.pdf                          the letters as sent
    convention/<numero>.pdf                        the convention, if any

CSV files are UTF-8 with a BOM, « ; »-separated, French decimals (as the results export).
"""

import shutil
import zipfile

from django.db.models import Prefetch
from django.utils.text import slugify

from ami.documents.dossier import dossier_pdf, dossier_pdf_filename
from ami.documents.rapport import rapport_filename, rapport_pdf
from ami.documents.receipts import receipt_filename, receipt_pdf
from ami.models import AMI, Decision, DossierVersion, Evaluation
from ami.selectors import dossiers_readable_by, results_table
from mlhg_app.spreadsheets import csv_bytes as _csv  # the one CSV writer: formulas neutralised


def _copy(archive: zipfile.ZipFile, name: str, field_file):
    """Copy a stored file into the archive without reading it whole into memory."""
    with field_file.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target)


def _dossier_entries(archive, dossiers):
    folders = set()
    for dossier in dossiers:
        folder = f"dossiers/{slugify(dossier.prestataire.raison_sociale) or dossier.pk}"
        if folder in folders:  # two names with the same slug
            folder = f"{folder}-{dossier.pk}"
        folders.add(folder)
        for version in sorted(dossier.versions.all(), key=lambda v: v.numero):
            base = f"{folder}/v{version.numero}"
            archive.writestr(f"{base}/{dossier_pdf_filename(version)}", dossier_pdf(version))
            archive.writestr(f"{base}/{receipt_filename(version)}", receipt_pdf(version))
            used = set()
            for fichier in sorted(version.fichiers.all(), key=lambda f: f.pk):
                name = f"{fichier.get_kind_display()} - {fichier.nom}".replace("/", "-")
                if name in used:
                    name = f"{fichier.pk}-{name}"
                used.add(name)
                _copy(archive, f"{base}/pieces/{name}", fichier.fichier)


def _eligibility_rows(dossiers):
    for d in dossiers:
        yield [
            d.prestataire.raison_sociale,
            d.prestataire.siret,
            d.get_status_display(),
            d.get_motif_irrecevabilite_display() if d.motif_irrecevabilite else "",
            d.motif_detail,
            str(d.recevabilite_par) if d.recevabilite_par else "",
            d.recevabilite_le,
        ]


def _evaluation_rows(ami):
    evaluations = (
        Evaluation.objects.filter(dossier__ami=ami)
        .select_related("evaluateur", "dossier__prestataire")
        .prefetch_related("notes__critere")
        .order_by("dossier__prestataire__raison_sociale", "evaluateur__last_name", "evaluateur__email")
    )
    for e in evaluations:
        common = [e.dossier.prestataire.raison_sociale, str(e.evaluateur)]
        tail = [e.submitted_at, e.conflit, e.conflit_motif]
        notes = sorted(e.notes.all(), key=lambda n: n.critere.ordre)
        if not notes:
            yield [*common, "", None, "", *tail]
        for note in notes:
            yield [*common, note.critere.libelle, note.score, note.commentaire, *tail]


def ami_archive(ami: AMI, fileobj, *, user) -> None:
    """Write the AMI's complete file as a ZIP into `fileobj` (a binary file open for writing).

    Only the dossiers `user` may read (`ami.read_dossier`: the seal) are in it."""
    dossiers = list(
        dossiers_readable_by(user)
        .filter(ami=ami, versions__isnull=False)
        .distinct()
        .select_related("prestataire", "recevabilite_par", "ami")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DossierVersion.objects.select_related(
                    "submitted_by", "dossier__prestataire", "dossier__ami"
                ).prefetch_related("fichiers"),
            )
        )
        .order_by("prestataire__raison_sociale")
    )
    decision = (
        Decision.objects.filter(ami=ami)
        .select_related("dossier__prestataire", "decided_by")
        .prefetch_related("lettres__dossier__prestataire")
        .first()
    )
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as archive:
        _dossier_entries(archive, dossiers)
        archive.writestr(
            "recevabilite.csv",
            _csv(
                ["Candidat", "SIRET", "Statut", "Motif d'irrecevabilité", "Précisions", "Décidée par", "Décidée le"],
                _eligibility_rows(dossiers),
            ),
        )
        archive.writestr(
            "evaluations.csv",
            _csv(
                [
                    "Dossier",
                    "Évaluateur",
                    "Critère",
                    "Note",
                    "Commentaire",
                    "Grille soumise le",
                    "Conflit d'intérêts",
                    "Nature du conflit",
                ],
                _evaluation_rows(ami),
            ),
        )
        header, rows = results_table(ami)
        archive.writestr("resultats.csv", _csv(header, rows))
        archive.writestr(rapport_filename(ami), rapport_pdf(ami))
        if decision is not None:
            archive.writestr(
                "decision.csv",
                _csv(
                    ["Décision", "Dossier retenu", "Justification", "Décidée par", "Décidée le", "Lettres envoyées le"],
                    [
                        [
                            decision.get_kind_display(),
                            decision.dossier.prestataire.raison_sociale if decision.dossier else "",
                            decision.justification,
                            str(decision.decided_by),
                            decision.decided_at,
                            decision.letters_sent_at,
                        ]
                    ],
                ),
            )
            for lettre in decision.lettres.all():
                if lettre.fichier:
                    _copy(archive, f"lettres/{lettre.fichier.name.rsplit('/', 1)[-1]}", lettre.fichier)
            convention = getattr(decision, "convention", None)
            if convention is not None and convention.fichier:
                _copy(archive, f"convention/{convention.numero}.pdf", convention.fichier)
