"""Demo of the statement and its invoice: once window 1 is held, the administration issues its statement (the
Monday after its last séance, at least four days after it), and the demo's prestataire invoices it (Factur-X)
two days later. Both through the services, at those dates, when they are past on the day of loading.
Idempotent: a programme that has a statement is left as is.

Called by the séances demo: `load_invoice(programme=..., today=...)`."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Max, Min

from ami.models import Membre
from mlhg_app.demo import at
from mlhg_app.models import User
from seances.models import Facture, Seance
from seances.pricing import vat_rate
from seances.services.billing import statement_create
from seances.services.invoice import invoice_generate

PARIS = ZoneInfo("Europe/Paris")
STAFF = "direction@demo.ml31.org"


def demo_vat_number(siret: str) -> str:
    """The French VAT number of a SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97)."""
    siren = int(siret[:9])
    return f"FR{(12 + 3 * (siren % 97)) % 97:02d}{siret[:9]}"


def _issue_moment(last: datetime.date) -> datetime.datetime:
    """The Monday at 10:00 at least four days after `last`: the comptes rendus are in, staff bill the window."""
    day = last + datetime.timedelta(days=4)
    day += datetime.timedelta(days=-day.weekday() % 7)
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=PARIS)


def load_invoice(*, programme, today) -> Facture | None:
    if programme.releves.exists():
        return None
    window = Seance.objects.filter(programme=programme, fenetre__numero=1).aggregate(debut=Min("date"), fin=Max("date"))
    membre = Membre.objects.filter(prestataire=programme.prestataire).select_related("user").order_by("pk").first()
    staff = User.objects.filter(email=STAFF).first()
    if window["fin"] is None or membre is None or staff is None:
        return None
    issued = _issue_moment(window["fin"])
    invoiced = issued + datetime.timedelta(days=2, hours=4)
    if invoiced.date() >= today:
        return None
    # The statement of window 1 (a séance not yet recorded then is caught up by the next statement).
    with at(issued):
        releve = statement_create(programme=programme, debut=window["debut"], fin=window["fin"], user=staff)
    # The prestataire's VAT situation is its dossier's (copied onto the programme when it was created).
    numero_tva = demo_vat_number(programme.prestataire.siret) if vat_rate(programme) is not None else ""
    with at(invoiced):
        return invoice_generate(releve=releve, user=membre.user, prefixe=f"FA-{issued.year}-", numero_tva=numero_tva)
