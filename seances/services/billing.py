"""Cancellations, billing statements (relevés de prestations) and the follow-up dashboard's figures.

Money is `Decimal`, rounded half-up to the cent (`ami.scoring.money`). A statement lists
each séance réalisée of its period and each cancellation staff marked billable, each at the
full-group or the sub-group price HT; VAT applies to the total HT. Its number
`REL-<année de début>-<NNN>` follows a gapless sequence per structure.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from mlhg_app.french import long_date, percent_value
from mlhg_app.refusals import Refused
from mlhg_app.rules import is_staff_member
from seances.documents.releve import statement_pdf
from seances.models import Annulation, LigneReleve, Programme, Releve, Seance
from seances.pricing import minimum_per_site, totals, unit_price, vat_rate
from seances.selectors import seances_due
from seances.services.state import actor_text, seance_set_state

CANCELLABLE = {Seance.Status.PROPOSEE, Seance.Status.VALIDEE, Seance.Status.CONVOQUEE}


def _d(day: datetime.date) -> str:
    """« lundi 16 novembre 2026 »."""
    return long_date(day)


# -- cancellations --------------------------------------------------------------------------------


def seance_cancel(*, seance: Seance, user, motif: str) -> Annulation:
    """Cancel a séance, by the MLHG (a staff user) or by the prestataire (any other user), with a reason.

    Side effects: an `Annulation` (who, why, when; billable undecided); the séance
    becomes « annulée » (history records the user and the reason); if it was
    convoked, the cancellation (.ics METHOD:CANCEL) is queued on commit to every
    attendee. A realised séance cannot be cancelled.
    """
    if not user.has_perm("seances.cancel_seance", seance):
        raise Refused("Seuls le prestataire du programme et la MLHG annulent ses séances.")
    motif = (motif or "").strip()
    if not motif:
        raise Refused("Indiquez le motif de l'annulation.")
    par = Annulation.Par.MLHG if is_staff_member(user) else Annulation.Par.PRESTATAIRE
    with transaction.atomic():
        seance = Seance.objects.select_for_update().get(pk=seance.pk)
        if seance.status == Seance.Status.REALISEE:
            raise Refused("Une séance réalisée ne peut pas être annulée.")
        if seance.status not in CANCELLABLE:
            raise Refused(f"Cette séance est déjà « {seance.get_status_display().lower()} ».")
        seance_set_state(  # a convoked séance's cancellation (.ics) is queued on commit
            seance=seance,
            status=Seance.Status.ANNULEE,
            by=user,
            motif=f"Annulée par {actor_text(user)} : {motif}"[:100],
        )
        annulation = Annulation.objects.create(seance=seance, par=par, motif=motif, annulee_par=user)
    return annulation


def annulation_set_billable(*, annulation: Annulation, facturable: bool, user) -> Annulation:
    """Staff decide whether a cancelled séance is billable. Refused once it is on a statement.

    Side effects: `facturable` and who decided (history records the change)."""
    with transaction.atomic():
        annulation = Annulation.objects.select_for_update().select_related("seance").get(pk=annulation.pk)
        ligne = LigneReleve.objects.filter(seance_id=annulation.seance_id).select_related("releve").first()
        if ligne is not None:
            raise Refused(
                f"Cette annulation figure sur le relevé {ligne.releve.numero} : sa facturation ne peut plus changer."
            )
        annulation.facturable = facturable
        annulation.facturable_decide_par = user
        annulation._history_user = user
        annulation.save()
    return annulation


# -- statements -----------------------------------------------------------------------------------


def _billable_seances(programme: Programme, debut, fin):
    """Séances réalisées and billable cancellations up to the period's end and not yet on a statement: those
    of the period, and any earlier one recorded or decided after its own period's statement (catch-up)."""
    return (
        Seance.objects.filter(programme=programme, date__lte=fin, ligne_releve__isnull=True)
        .filter(Q(status=Seance.Status.REALISEE) | Q(status=Seance.Status.ANNULEE, annulation__facturable=True))
        .select_related("groupe__antenne")
        .order_by("date", "heure_debut", "groupe__antenne__ordre", "groupe__numero")
    )


def statement_lines(programme: Programme, debut, fin) -> list[dict]:
    """The lines of a statement for the period: each séance réalisée and each billable cancellation
    not yet on a statement (earlier ones included, marked as catch-up), at the full-group or sub-group price HT."""
    lines = []
    for seance in _billable_seances(programme, debut, fin):
        # a séance held is billed at the price fixed when it was held; the others at today's rule
        fixed = seance.prix_ht is not None
        sous_groupe = seance.en_sous_groupe if fixed else seance.groupe.est_sous_groupe
        annulee = seance.status == Seance.Status.ANNULEE
        libelle = f"Séance du {_d(seance.date)} – {seance.groupe}"
        if annulee:
            libelle += " (annulation facturable)"
        if seance.date < debut:
            libelle += " (rattrapage d'une période précédente)"
        lines.append(
            {
                "seance": seance,
                "libelle": libelle[:255],
                "sous_groupe": sous_groupe,
                "annulee_facturable": annulee,
                "prix_ht": seance.prix_ht if fixed else unit_price(programme, sous_groupe=sous_groupe, on=seance.date),
            }
        )
    return lines


def statement_preview(programme: Programme, debut, fin) -> dict:
    lines = statement_lines(programme, debut, fin)
    return {"lines": lines, **totals(programme, sum((line["prix_ht"] for line in lines), Decimal("0")))}


def statement_create(*, programme: Programme, debut: datetime.date, fin: datetime.date, user) -> Releve:
    """Issue the billing statement of a period (staff).

    Refused when the period is inverted, overlaps a statement of the same
    programme, or has nothing to bill. Side effects, in one transaction: the
    programme rows are locked (statements are created one at a time), the next
    `sequence` of its structure (max + 1: gapless) and its number `REL-<année>-<NNN>`, the
    `Releve` with its totals and one `LigneReleve` per séance (a séance is on one
    statement at most), and its PDF stored in `Releve.fichier`.
    """
    if fin < debut:
        raise Refused("La fin de la période doit être postérieure ou égale à son début.")
    with transaction.atomic():
        # One statement at a time: the sequence is taken as max + 1 under this lock.
        list(
            Programme.objects.filter(structure=programme.structure_id)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        previous = (
            Releve.objects.filter(programme=programme, periode_debut__lte=fin, periode_fin__gte=debut)
            .order_by("periode_debut")
            .first()
        )
        if previous is not None:
            raise Refused(
                f"La période du {_d(debut)} au {_d(fin)} chevauche le relevé {previous.numero} "
                f"(du {_d(previous.periode_debut)} au {_d(previous.periode_fin)}) : "
                "une séance n'est jamais facturée deux fois."
            )
        preview = statement_preview(programme, debut, fin)
        if not preview["lines"]:
            raise Refused(f"Aucune séance réalisée ni annulation facturable à facturer du {_d(debut)} au {_d(fin)}.")
        last = (
            Releve.objects.filter(structure=programme.structure_id)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
            or 0
        )
        sequence = last + 1
        releve = Releve(
            structure_id=programme.structure_id,
            programme=programme,
            numero=f"REL-{programme.annee_debut}-{sequence:03d}",
            sequence=sequence,
            periode_debut=debut,
            periode_fin=fin,
            total_ht=preview["ht"],
            total_tva=preview["tva"],
            total_ttc=preview["ttc"],
            emis_par=user,
        )
        releve._history_user = user
        releve.save()
        LigneReleve.objects.bulk_create(
            LigneReleve(
                releve=releve,
                seance=line["seance"],
                libelle=line["libelle"],
                sous_groupe=line["sous_groupe"],
                annulee_facturable=line["annulee_facturable"],
                prix_ht=line["prix_ht"],
            )
            for line in preview["lines"]
        )
        releve.fichier.save(f"{releve.numero}.pdf", ContentFile(statement_pdf(releve)), save=True)
    return releve


def statement_mark_paid(*, releve: Releve, paye_le: datetime.date, user) -> Releve:
    """Staff record the payment date of a statement (not in the future, not before its issue).

    Side effects: `paye_le` (history records the user)."""
    if paye_le > timezone.localdate():
        raise Refused("La date de paiement ne peut pas être dans le futur.")
    if paye_le < timezone.localtime(releve.emis_le).date():
        raise Refused("La date de paiement ne peut pas précéder l'émission du relevé.")
    releve.paye_le = paye_le
    releve._history_user = user
    releve.save(update_fields=["paye_le"])
    return releve


# -- follow-up dashboard --------------------------------------------------------------------------


def percent_step(value, target, step: int = 5) -> int:
    """A progress bar's width: value ÷ target in %, rounded down to the step, 0 to 100."""
    if not target or target <= 0:
        return 0
    pct = int(Decimal(value) * 100 / Decimal(target))
    return max(0, min(100, pct - pct % step))


def programme_dashboard(programme: Programme) -> dict:
    """Séances due, planned, held and cancelled per site and in total, against the minimum; the amount
    committed (held + billable cancellations, TTC) against the annual forecast (due × price, TTC).

    A constant number of queries whatever the number of séances (one aggregate)."""
    due = seances_due(programme)
    billed = Q(status=Seance.Status.REALISEE) | Q(status=Seance.Status.ANNULEE, annulation__facturable=True)
    counts = {
        row["groupe__antenne"]: row
        for row in Seance.objects.filter(programme=programme)
        .values("groupe__antenne")
        .annotate(
            planned=Count("pk", filter=~Q(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE])),
            held=Count("pk", filter=Q(status=Seance.Status.REALISEE)),
            cancelled=Count("pk", filter=Q(status=Seance.Status.ANNULEE)),
            billed_full=Count("pk", filter=billed & Q(groupe__nb_groupes_site__lte=1)),
            billed_sub=Count("pk", filter=billed & Q(groupe__nb_groupes_site__gt=1)),
        )
        .order_by()
    }
    prix_groupe = unit_price(programme, sous_groupe=False)
    prix_sous = unit_price(programme, sous_groupe=True)
    minimum_site = minimum_per_site(programme)
    rows = []
    keys = ("dues", "planned", "held", "cancelled")
    total = dict.fromkeys(keys, 0) | {"committed_ht": Decimal("0"), "forecast_ht": Decimal("0")}
    for site in due["sites"]:
        c = counts.get(site["antenne"].pk, {})
        row = {
            "antenne": site["antenne"],
            "groupes": site["groupes"],
            "dues": site["dues"],
            "minimum": minimum_site,
            "planned": c.get("planned", 0),
            "held": c.get("held", 0),
            "cancelled": c.get("cancelled", 0),
        }
        committed_ht = c.get("billed_full", 0) * prix_groupe + c.get("billed_sub", 0) * prix_sous
        forecast_ht = site["dues"] * (prix_sous if site["groupes"] > 1 else prix_groupe)
        row["committed"] = totals(programme, committed_ht)["ttc"]
        row["forecast"] = totals(programme, forecast_ht)["ttc"]
        row["held_pct"] = percent_step(row["held"], row["dues"])
        row["planned_pct"] = percent_step(row["planned"], row["dues"])
        row["amount_pct"] = percent_step(row["committed"], row["forecast"])
        for key in keys:
            total[key] += row[key]
        total["committed_ht"] += committed_ht
        total["forecast_ht"] += forecast_ht
        rows.append(row)
    total["minimum"] = due["minimum"]
    total["committed"] = totals(programme, total["committed_ht"])["ttc"]
    total["forecast"] = totals(programme, total["forecast_ht"])["ttc"]
    total["held_pct"] = percent_step(total["held"], total["dues"])
    total["planned_pct"] = percent_step(total["planned"], total["dues"])
    total["held_min_pct"] = percent_step(total["held"], total["minimum"])
    total["amount_pct"] = percent_step(total["committed"], total["forecast"])
    # The numbers shown are exact (« 38 % » for 8 of 21); the steps above only pick a CSS width class.
    total["held_min_exact"] = percent_value(total["held"], total["minimum"]) or 0
    total["amount_exact"] = percent_value(total["committed"], total["forecast"]) or 0
    return {"sites": rows, "total": total, "taux": vat_rate(programme)}
