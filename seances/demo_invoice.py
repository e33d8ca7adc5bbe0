"""Demo of the statement as an invoice: the demo's prestataire invoices its first statement (Factur-X), two days
after the MLHG issued it, when the demo has an issued statement. Idempotent: an invoiced programme is left as is.

Called by the séances demo: `load_invoice(programme=...)`."""

import datetime

from ami.models import Membre
from mlhg_app.demo import at
from seances.models import Facture
from seances.pricing import vat_rate
from seances.services.invoice import invoice_generate


def demo_vat_number(siret: str) -> str:
    """The French VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    siren = int(siret[:9])
    return f"FR{(12 + 3 * (siren % 97)) % 97:02d}{siret[:9]}"


def load_invoice(*, programme) -> Facture | None:
    if Facture.objects.filter(releve__programme=programme).exists():
        return None
    releve = programme.releves.order_by("sequence").first()
    membre = Membre.objects.filter(prestataire=programme.prestataire).select_related("user").order_by("pk").first()
    if releve is None or membre is None:
        return None
    numero_tva = demo_vat_number(programme.prestataire.siret) if vat_rate(programme) is not None else ""
    with at(releve.emis_le + datetime.timedelta(days=2)):
        return invoice_generate(
            releve=releve, user=membre.user, prefixe=f"FA-{releve.emis_le.year}-", numero_tva=numero_tva
        )
