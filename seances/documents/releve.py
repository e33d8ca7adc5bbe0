"""The statement (relevé de prestations) as a PDF, from the stored statement: its lines and legal mentions."""

import datetime
import re

from django.utils import timezone

from mlhg_app.identity import structure_of
from mlhg_app.pdf import render_pdf
from seances.models import Programme, Releve
from seances.pricing import exemption_mention, signed_avenants, unit_price, vat_rate

DEFAULT_PAYMENT_TERMS = "Paiement à 30 jours à compter de la réception du relevé, par virement bancaire."
LATE_PENALTY = (
    "En cas de retard de paiement, des pénalités de retard sont exigibles au taux égal à trois fois le taux "
    "d'intérêt légal (article L. 441-10 du code de commerce)."
)
RECOVERY_INDEMNITY = (
    "Tout retard de paiement rend de plein droit exigible une indemnité forfaitaire pour frais de recouvrement "
    "de 40 € (articles L. 441-10 et D. 441-5 du code de commerce)."
)
DEFAULT_PAYMENT_DAYS = 30
_DAYS = re.compile(r"(\d{1,3})\s*jours", re.IGNORECASE)
NO_DISCOUNT = "Aucun escompte n'est accordé pour paiement anticipé."
SERVICE = "Séances d'analyse de pratiques professionnelles (APP)"


def buyer(structure) -> dict:
    """The buyer (acheteur) of a statement and of its invoice: the structure that bought the séances."""
    return {
        "nom": structure.nom,
        "adresse": structure.adresse_siege,
        "code_postal": structure.code_postal,
        "ville": structure.ville,
        "siret": structure.siret,
    }


def payment_terms(programme: Programme) -> str:
    """The billing terms of the retained dossier (« modalités de facturation »), or the legal default."""
    convention = programme.convention
    terms = ""
    if convention is not None:
        terms = (convention.dossier.modalites_facturation or "").strip()
    return terms or DEFAULT_PAYMENT_TERMS


def payment_days(terms: str) -> int:
    """The payment delay the terms state (« paiement à 45 jours »), or 30 days when they state none."""
    match = _DAYS.search(terms or "")
    return int(match.group(1)) if match else DEFAULT_PAYMENT_DAYS


def due_date(issued: datetime.datetime, terms: str) -> datetime.date:
    """The statement's « échéance »: its issue day (Paris) plus the payment delay."""
    return timezone.localtime(issued).date() + datetime.timedelta(days=payment_days(terms))


def statement_context(releve: Releve) -> dict:
    """What the statement's PDF shows, from the stored statement (never recomputed)."""
    programme = releve.programme
    lignes = list(releve.lignes.select_related("seance__groupe__antenne").order_by("seance__date", "pk"))
    rate = vat_rate(programme)
    modalites = payment_terms(programme)
    return {
        "releve": releve,
        "programme": programme,
        "prestataire": programme.prestataire,
        "acheteur": buyer(structure_of(releve)),
        "lignes": lignes,
        "service": SERVICE,
        "taux": rate,
        "mention_tva": "" if rate is not None else exemption_mention(programme),
        "prix_groupe": unit_price(programme, sous_groupe=False, on=releve.periode_debut),
        "prix_sous_groupe": unit_price(programme, sous_groupe=True, on=releve.periode_debut),
        "avenants": [
            {
                "avenant": avenant,
                "prix_groupe": unit_price(programme, sous_groupe=False, on=avenant.date_effet),
                "prix_sous_groupe": unit_price(programme, sous_groupe=True, on=avenant.date_effet),
            }
            for avenant in signed_avenants(programme)
            if releve.periode_debut < avenant.date_effet <= releve.periode_fin
        ],
        "modalites": modalites,
        "echeance": due_date(releve.emis_le, modalites),
        "delai_jours": payment_days(modalites),
        "penalites": LATE_PENALTY,
        "indemnite": RECOVERY_INDEMNITY,
        "escompte": NO_DISCOUNT,
        "emis_le": timezone.localtime(releve.emis_le),
    }


def statement_pdf(releve: Releve) -> bytes:
    return render_pdf("pdf/releve.html", statement_context(releve), about=releve)
