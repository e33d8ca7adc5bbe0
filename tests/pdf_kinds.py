"""One PDF of each kind the product makes, from the demo's data (tests/mlhg_app/test_pdf_accessibility.py,
tests/mlhg_app/test_hostile_names.py)."""

import datetime

from django.utils import timezone

from ami.documents.dossier import dossier_pdf
from ami.documents.letters import avenant_pdf, convention_pdf, letter_pdf
from ami.documents.rapport import rapport_pdf
from ami.documents.receipts import receipt_pdf
from ami.models import AMI, Avenant, Convention, DossierVersion, Lettre
from bilans.documents.bilan import bilan_pdf
from bilans.models import Bilan
from bilans.selectors import shown_live
from mlhg_app.models import User
from seances.documents.emargement import attendance_sheet_pdf
from seances.documents.releve import statement_pdf
from seances.documents.review import revue_pdf
from seances.models import Programme, Releve, RevuePrestation, Seance
from seances.services.billing import statement_create


def a_statement() -> Releve:
    """The demo issues no statement: the first programme's billable séances, up to today, are billed."""
    programme = Programme.objects.order_by("pk").first()
    staff = User.objects.filter(role=User.Role.STAFF).order_by("pk").first()
    return statement_create(programme=programme, debut=datetime.date(2000, 1, 1), fin=timezone.localdate(), user=staff)


def every_kind_of_pdf() -> dict[str, bytes]:
    """The ten kinds, by name: the first object of each (by id), both kinds of result letter."""
    made = {
        "accusé de réception": receipt_pdf(DossierVersion.objects.order_by("pk").first()),
        "dossier": dossier_pdf(DossierVersion.objects.order_by("pk").first()),
        "convention": convention_pdf(Convention.objects.order_by("pk").first()),
        "avenant": avenant_pdf(Avenant.objects.order_by("pk").first()),
        "relevé": statement_pdf(Releve.objects.order_by("pk").first() or a_statement()),
        "feuille d'émargement": attendance_sheet_pdf(Seance.objects.order_by("pk").first()),
        "rapport d'analyse": rapport_pdf(AMI.objects.filter(decision__isnull=False).order_by("pk").first()),
    }
    for kind in ("retenu", "non_retenu"):
        made[f"lettre {kind}"] = letter_pdf(Lettre.objects.filter(kind=kind).order_by("pk").first())
    bilan = Bilan.objects.order_by("pk").first()
    made["bilan"] = bilan_pdf(bilan, shown_live(bilan))
    made["revue de la prestation"] = revue_pdf(RevuePrestation.objects.order_by("pk").first())
    return made
