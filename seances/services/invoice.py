"""The statement as an invoice: the prestataire turns an issued statement (relevé, validated by the MLHG which
issued it) into its Factur-X invoice, or uploads its own Factur-X PDF; either way the invoice's lines and
totals must match the statement's, line by line, or it is refused with the differences and nothing is stored.

Numbering: the prestataire's own gapless sequence (`Facture.rang`, max + 1 under a lock of the prestataire's
row), shown after the prefix it enters (« FA-2026- » + « 0001 »); unique per prestataire.
"""

import re

import facturx
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from stdnum.eu import vat as eu_vat

from ami.models import Prestataire
from mlhg_app.french import euros
from mlhg_app.refusals import Refused
from mlhg_app.structures import every_structure
from seances.documents.invoice import invoice_facts, invoice_pdf, invoice_xml
from seances.documents.invoice_xml import UnreadableInvoice, cii_read
from seances.documents.releve import payment_terms
from seances.models import Facture, Releve
from seances.pricing import vat_rate

PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/.-]{0,19}")
COUNTER_DIGITS = 4
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
NOT_FACTURX = (
    "Ce PDF ne contient pas de données Factur-X lisibles (fichier factur-x.xml conforme) : "
    "générez la facture sur la plateforme, ou déposez un PDF Factur-X."
)


def invoice_number(prefixe: str, rang: int) -> str:
    return f"{prefixe}{rang:0{COUNTER_DIGITS}d}"


def _last_rang(prestataire: Prestataire) -> int:
    """The prestataire's last invoice rank: its sequence runs across every structure it invoices (a read of
    its own numbers only, explicitly across structures)."""
    with every_structure():
        return Facture.objects.filter(prestataire=prestataire).aggregate(m=Max("rang"))["m"] or 0


def _number_taken(prestataire: Prestataire, numero: str) -> bool:
    with every_structure():
        return Facture.objects.filter(prestataire=prestataire, numero=numero).exists()


def invoice_next_number(prestataire: Prestataire, prefixe: str) -> str:
    """The number the prestataire's next generated invoice will carry (shown on the form)."""
    return invoice_number(prefixe, _last_rang(prestataire) + 1)


def invoice_last_prefix(prestataire: Prestataire) -> str:
    with every_structure():
        last = (
            Facture.objects.filter(prestataire=prestataire, origine=Facture.Origine.GENEREE)
            .order_by("-rang")
            .values_list("prefixe", flat=True)
            .first()
        )
    return last if last else f"FA-{timezone.localdate().year}-"


def invoice_default_terms(releve: Releve) -> str:
    return payment_terms(releve.programme)


def _lines_of(releve: Releve) -> list[dict]:
    return [
        {"libelle": ligne.libelle, "prix_ht": ligne.prix_ht} for ligne in releve.lignes.order_by("seance__date", "pk")
    ]


def invoice_side_by_side(releve, facture) -> list[dict]:
    """The statement's lines beside the invoice's (read back from its stored XML), with whether they agree."""
    lignes = list(releve.lignes.order_by("seance__date", "pk"))
    invoiced = cii_read(facture.xml.encode("utf-8"))["lignes"] if facture is not None else []
    rows = []
    for index in range(max(len(lignes), len(invoiced))):
        ligne = lignes[index] if index < len(lignes) else None
        line = invoiced[index] if index < len(invoiced) else None
        rows.append(
            {
                "numero": index + 1,
                "libelle": ligne.libelle if ligne else line["libelle"],
                "releve": ligne.prix_ht if ligne else None,
                "facture": line["prix_ht"] if line else None,
                "accord": bool(ligne and line and ligne.prix_ht == line["prix_ht"]),
            }
        )
    return rows


def invoice_differences(releve: Releve, invoice: dict) -> list[str]:
    """What differs, line by line then in the totals, between an invoice (read from its XML) and the statement;
    empty when they match. Each difference names the line and the two amounts, in French."""
    differences = []
    expected = _lines_of(releve)
    lines = invoice["lignes"]
    if len(lines) != len(expected):
        differences.append(
            f"la facture compte {len(lines)} ligne(s), le relevé {releve.numero} en compte {len(expected)}"
        )
    for index, (line, ligne) in enumerate(zip(lines, expected, strict=False), start=1):
        if line["prix_ht"] != ligne["prix_ht"]:
            differences.append(
                f"ligne {index} ({ligne['libelle']}) : {euros(line['prix_ht'])} HT sur la facture, "
                f"{euros(ligne['prix_ht'])} HT sur le relevé"
            )
    for index, ligne in enumerate(expected[len(lines) :], start=len(lines) + 1):
        differences.append(f"ligne {index} ({ligne['libelle']}) : absente de la facture, {euros(ligne['prix_ht'])} HT")
    for index, line in enumerate(lines[len(expected) :], start=len(expected) + 1):
        differences.append(f"ligne {index} ({line['libelle']}) : {euros(line['prix_ht'])} HT, absente du relevé")
    for key, label in (("total_ht", "total HT"), ("total_tva", "TVA"), ("total_ttc", "total TTC")):
        if invoice[key] != getattr(releve, key):
            differences.append(
                f"{label} : {euros(invoice[key])} sur la facture, {euros(getattr(releve, key))} sur le relevé"
            )
    return differences


def _refuse_differences(releve: Releve, invoice: dict) -> None:
    differences = invoice_differences(releve, invoice)
    if differences:
        raise Refused(
            f"La facture ne correspond pas au relevé {releve.numero} ; elle est refusée : "
            + " ; ".join(differences)
            + "."
        )


def _check_may_invoice(releve: Releve, user) -> None:
    if not user.has_perm("seances.invoice_releve", releve):
        raise Refused("Seul le prestataire du programme facture ses relevés.")
    if Facture.objects.filter(releve=releve).exists():
        raise Refused(f"Le relevé {releve.numero} est déjà facturé.")
    if not releve.lignes.exists():
        raise Refused(f"Le relevé {releve.numero} ne compte aucune ligne : il n'y a rien à facturer.")


def _check_vat_number(releve: Releve, numero_tva: str) -> str:
    numero_tva = (numero_tva or "").replace(" ", "").upper()
    if numero_tva and not eu_vat.is_valid(numero_tva):
        raise Refused(f"Le numéro de TVA intracommunautaire « {numero_tva} » n'est pas valide.", field="numero_tva")
    if vat_rate(releve.programme) is not None and not numero_tva:
        raise Refused(
            "Votre dossier vous déclare assujetti à la TVA : indiquez votre numéro de TVA intracommunautaire.",
            field="numero_tva",
        )
    return numero_tva


def invoice_generate(
    *, releve: Releve, user, prefixe: str, numero_tva: str = "", conditions_paiement: str = ""
) -> Facture:
    """The prestataire generates the Factur-X invoice of an issued statement.

    Refused: not the programme's prestataire, the statement already invoiced, a prefix of other characters
    than letters, digits, « - _ / . », a VAT number missing (liable to VAT) or invalid, a number already used
    by one of its uploaded invoices. Side effects, in one transaction: the prestataire's row locked, the next
    `rang` of its sequence (gapless), the `Facture` with its XML (checked against the XSD and compared with
    the statement) and its Factur-X PDF stored."""
    _check_may_invoice(releve, user)
    prefixe = (prefixe or "").strip()
    if not PREFIX.fullmatch(prefixe):
        raise Refused(
            "Le préfixe de numérotation compte 1 à 20 caractères : lettres, chiffres, « - », « _ », « / » ou « . ».",
            field="prefixe",
        )
    numero_tva = _check_vat_number(releve, numero_tva)
    conditions = (conditions_paiement or "").strip() or invoice_default_terms(releve)
    today = timezone.localdate()
    with transaction.atomic():
        prestataire = Prestataire.objects.select_for_update().get(pk=releve.programme.prestataire_id)
        if Facture.objects.filter(releve=releve).exists():
            raise Refused(f"Le relevé {releve.numero} est déjà facturé.")
        rang = _last_rang(prestataire) + 1
        numero = invoice_number(prefixe, rang)
        if _number_taken(prestataire, numero):
            raise Refused(
                f"Le numéro de facture {numero} est déjà utilisé : choisissez un autre préfixe.", field="prefixe"
            )
        facts = invoice_facts(
            releve=releve, numero=numero, date_emission=today, numero_tva=numero_tva, conditions_paiement=conditions
        )
        xml = invoice_xml(facts)
        _refuse_differences(releve, cii_read(xml))
        facture = Facture(
            releve=releve,
            prestataire=prestataire,
            origine=Facture.Origine.GENEREE,
            prefixe=prefixe,
            rang=rang,
            numero=numero,
            date_emission=today,
            echeance=facts["echeance"],
            numero_tva=numero_tva,
            mention_tva=facts["mention_tva"],
            conditions_paiement=conditions,
            total_ht=releve.total_ht,
            total_tva=releve.total_tva,
            total_ttc=releve.total_ttc,
            xml=xml.decode("utf-8"),
            emise_par=user,
        )
        facture.fichier.save(f"{numero.replace('/', '-')}.pdf", ContentFile(invoice_pdf(facts, xml)), save=False)
        facture.save()
    return facture


def _read_uploaded(data: bytes) -> dict:
    if not data.startswith(b"%PDF-"):
        raise Refused("Le fichier déposé n'est pas un PDF.", field="fichier")
    try:
        _name, xml = facturx.get_xml_from_pdf(data, check_xsd=True)
    except Exception:  # a damaged PDF: pypdf or lxml raise many kinds; the user gets one French answer
        xml = None
    if not xml:
        raise Refused(NOT_FACTURX, field="fichier")
    try:
        return {**cii_read(xml), "xml": xml}
    except UnreadableInvoice as unreadable:
        raise Refused(f"Factur-X illisible : {unreadable}.", field="fichier") from None


def invoice_upload(*, releve: Releve, user, fichier) -> Facture:
    """The prestataire uploads its own Factur-X invoice of an issued statement.

    Refused, nothing stored: not the programme's prestataire, the statement already invoiced, not a PDF or
    over 10 Mo, no Factur-X XML valid against the XSD, another seller's SIRET, no number or issue date, a
    number it already used, lines or totals that differ from the statement (each difference named).
    Side effects: the `Facture` (origin « déposée », the number the invoice carries), its PDF and XML stored."""
    _check_may_invoice(releve, user)
    if fichier.size > MAX_UPLOAD_BYTES:
        raise Refused("Le fichier dépasse 10 Mo.", field="fichier")
    data = fichier.read()
    invoice = _read_uploaded(data)
    prestataire = releve.programme.prestataire
    if invoice["siret"].replace(" ", "") != prestataire.siret:
        raise Refused(
            f"Le vendeur de cette facture (SIRET « {invoice['siret'] or 'absent'} ») n'est pas "
            f"{prestataire.raison_sociale} (SIRET {prestataire.siret}).",
            field="fichier",
        )
    if not invoice["numero"] or invoice["date_emission"] is None:
        raise Refused("La facture déposée ne donne pas son numéro ou sa date d'émission.", field="fichier")
    _refuse_differences(releve, invoice)
    numero = invoice["numero"][:40]
    with transaction.atomic():
        prestataire = Prestataire.objects.select_for_update().get(pk=prestataire.pk)
        if Facture.objects.filter(releve=releve).exists():
            raise Refused(f"Le relevé {releve.numero} est déjà facturé.")
        if _number_taken(prestataire, numero):
            raise Refused(f"Vous avez déjà une facture n° {numero} : un numéro ne sert qu'une fois.", field="fichier")
        facture = Facture(
            releve=releve,
            prestataire=prestataire,
            origine=Facture.Origine.DEPOSEE,
            numero=numero,
            date_emission=invoice["date_emission"],
            echeance=invoice["echeance"] or invoice["date_emission"],
            numero_tva=invoice["numero_tva"][:20],
            mention_tva=invoice["mention_tva"][:255],
            conditions_paiement=invoice["conditions_paiement"] or invoice_default_terms(releve),
            total_ht=invoice["total_ht"],
            total_tva=invoice["total_tva"],
            total_ttc=invoice["total_ttc"],
            xml=invoice["xml"].decode("utf-8", errors="replace"),
            emise_par=user,
        )
        facture.fichier.save(f"{numero.replace('/', '-')}.pdf", ContentFile(data), save=False)
        facture.save()
    return facture
