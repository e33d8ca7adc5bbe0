"""The prestataire's invoice of a statement as a Factur-X PDF: the page (WeasyPrint, PDF/A-3b and PDF/UA-1,
`templates/pdf/facture.html`) with its EN 16931 CII XML (`invoice_xml.cii_xml`) embedded by Akretion's
`factur-x` library (`facturx.generate_from_binary`, which checks the XML against the Factur-X XSD first).

`factur-x` writes its own XMP packet (the Factur-X extension schema, PDF/A-3b identification); the PDF/UA-1
identifier WeasyPrint had declared is added back to it, so the invoice stays tagged and declared PDF/UA-1.
"""

import datetime
import io

import facturx
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from mlhg_app.identity import structure_of
from mlhg_app.pdf import render_pdf
from seances.documents.invoice_xml import cii_xml
from seances.documents.releve import (
    LATE_PENALTY,
    NO_DISCOUNT,
    RECOVERY_INDEMNITY,
    SERVICE,
    buyer,
    payment_days,
)
from seances.models import Releve
from seances.pricing import exemption_mention, vat_rate

TEMPLATE = "pdf/facture.html"
_XMP_END = "</rdf:RDF>"
_PDFUA = '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>\n'


def invoice_facts(
    *, releve: Releve, numero: str, date_emission: datetime.date, numero_tva: str, conditions_paiement: str
) -> dict:
    """What the invoice says, from the stored statement (its lines and totals, never recomputed) and what the
    prestataire entered: its number, VAT number, payment terms. VAT: the dossier's regime (the programme's copy)."""
    programme = releve.programme
    prestataire = programme.prestataire
    structure = structure_of(releve)
    rate = vat_rate(programme)
    lignes = [
        {
            "libelle": ligne.libelle,
            "prix_ht": ligne.prix_ht,
            "sous_groupe": ligne.sous_groupe,
            "annulee_facturable": ligne.annulee_facturable,
        }
        for ligne in releve.lignes.order_by("seance__date", "pk")
    ]
    return {
        "numero": numero,
        "date_emission": date_emission,
        "echeance": date_emission + datetime.timedelta(days=payment_days(conditions_paiement)),
        "periode_debut": releve.periode_debut,
        "periode_fin": releve.periode_fin,
        "releve_numero": releve.numero,
        "convention_numero": programme.convention.numero if programme.convention_id else "",
        "programme": str(programme),
        "service": SERVICE,
        "vendeur": {
            "raison_sociale": prestataire.raison_sociale,
            "statut_juridique": prestataire.statut_juridique,
            "siret": prestataire.siret,
            "adresse": prestataire.adresse,
            "code_postal": prestataire.code_postal,
            "ville": prestataire.ville,
            "numero_tva": numero_tva,
        },
        "structure": structure,
        "acheteur": buyer(structure),
        "lignes": lignes,
        "taux": rate,
        "mention_tva": "" if rate is not None else exemption_mention(programme),
        "conditions_paiement": conditions_paiement,
        "mentions": [("AAB", NO_DISCOUNT), ("PMD", LATE_PENALTY), ("PMT", RECOVERY_INDEMNITY)],
        "total_ht": releve.total_ht,
        "total_tva": releve.total_tva,
        "total_ttc": releve.total_ttc,
    }


def invoice_xml(facts: dict) -> bytes:
    """The CII XML, checked against the Factur-X EN 16931 XSD (raises when it does not validate)."""
    xml = cii_xml(facts)
    facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return xml


def _declare_pdfua(pdf: bytes) -> bytes:
    """Add the PDF/UA-1 identifier to the XMP packet `factur-x` wrote (it keeps the tags, not the identifier)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    metadata = writer._root_object["/Metadata"].get_object()
    xmp = metadata.get_data().decode("utf-8")
    if "pdfuaid:part" not in xmp:
        xmp = xmp.replace(_XMP_END, _PDFUA + _XMP_END, 1)
    stream = StreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._replace_object(writer._root_object.raw_get("/Metadata"), stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def invoice_pdf(facts: dict, xml: bytes) -> bytes:
    """The Factur-X PDF (PDF/A-3b, PDF/UA-1) of the invoice with its XML embedded as factur-x.xml."""
    page = render_pdf(TEMPLATE, {**facts, "emise_le": timezone.localtime()}, about=facts["structure"])
    vendeur = facts["vendeur"]["raison_sociale"]
    pdf = facturx.generate_from_binary(
        page,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang="fr",
        pdf_metadata={
            "author": vendeur,
            "keywords": "Factur-X, facture",
            "title": f"Facture {facts['numero']}",
            "subject": f"Facture {facts['numero']} de {vendeur} (relevé {facts['releve_numero']})",
        },
    )
    return _declare_pdfua(pdf)
