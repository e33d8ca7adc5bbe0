"""The year after (seed §5.5, « chaque année de prestation »): renew a programme for the next year, or not.

Renewing takes the same convention into one more year by an avenant of renewal (`ami.services.convention.
avenant_create`: the prestation prolonged to the next 31 August, the prices revised by a rate or typed by
hand, from the next 1 September); the next year's programme gets the same prestataire, référent, method and
intervenants, the windows of the next year (`programme.default_windows`), its sites' groups rebuilt from the
directory as it is now (ceil(headcount ÷ 17), members balanced: `programme.groups_build`), and the planner
run under the same rules (`planning.programme_plan`). The avenant follows the existing life: established
here, sent and signed from the convention's page; its prices apply to the séances held from its date once
it is signed (`seances.pricing`), never before.

Not renewing starts the next call from the previous one (`ami.services.authoring.ami_create`, a draft).
Either way the decision is recorded once (`Reconduction`): a programme is renewed at most once.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from ami.models import AMI, Convention
from ami.scoring import money
from ami.services.authoring import ami_create, shift_years
from ami.services.convention import avenant_create
from mlhg_app.french import day_date, euros, long_date
from mlhg_app.models import Antenne
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antenne_headcounts
from seances import planner
from seances.group_sizes import default_group_count, split_sizes
from seances.models import Fenetre, IntervenantProgramme, Programme, ProgrammeSite, Reconduction
from seances.pricing import minimum_per_site, unit_price
from seances.services.planning import programme_plan
from seances.services.programme import default_windows, groups_build

# What the next year takes from this one as it is (the prices are the base the avenants amend by date).
CARRIED_OVER = [
    "prestataire",
    "convention",
    "responsable",
    "methode",
    "prix_seance_groupe",
    "prix_seance_sous_groupe",
    "regime_tva",
    "taux_tva",
    "mention_exoneration",
    "minimum_par_site",
    "taille_max_groupe",
    "duree_minutes",
]
PRICE_LINES = (
    ("prix_seance_groupe", "Séance en groupe complet", False),
    ("prix_seance_sous_groupe", "Séance en sous-groupe", True),
)


def year_label(annee: int) -> str:
    return f"{annee}-{annee + 1}"


@dataclass(frozen=True)
class PriceLine:
    name: str
    label: str
    old: Decimal
    new: Decimal

    @property
    def changed(self) -> bool:
        return self.new != self.old


@dataclass(frozen=True)
class SiteLine:
    antenne: Antenne
    effectif: int
    nb_groupes: int
    sizes: list[int]
    justification: str = ""


@dataclass
class RenewalPlan:
    """What « Reconduire » will create, read without writing anything; `problems` (French) say why it cannot."""

    programme: Programme
    annee: int
    date_effet: datetime.date
    date_fin: datetime.date
    taux: Decimal | None
    prices: list[PriceLine] = field(default_factory=list)
    sites: list[SiteLine] = field(default_factory=list)
    windows: list[tuple] = field(default_factory=list)
    intervenants: list[str] = field(default_factory=list)
    minimum_par_site: int = 3
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.annee)

    @property
    def groups(self) -> int:
        return sum(site.nb_groupes for site in self.sites)

    @property
    def seances_due(self) -> int:
        return self.groups * len(self.windows)

    @property
    def objet(self) -> str:
        """The avenant's object, as its PDF says it."""
        changes = [f"{line.label.lower()} {euros(line.old)} → {euros(line.new)} HT" for line in self.prices]
        revision = "prix inchangés"
        if any(line.changed for line in self.prices):
            how = f"révisés de {_percent(self.taux)}" if self.taux is not None else "révisés"
            revision = f"prix {how} : " + " ; ".join(changes)
        return (
            f"Reconduction de la prestation pour l'année {self.label} (du {day_date(self.date_effet)} au "
            f"{day_date(self.date_fin)}), {revision}."
        )


def _percent(taux: Decimal) -> str:
    sign = "+" if taux >= 0 else "−"
    text = f"{abs(taux).normalize():f}".replace(".", ",")
    return f"{sign}{text}\u00a0%"


def decision_problem(programme: Programme) -> str:
    """Why a decision can no longer be taken on `programme` ("" when it can): it was taken already."""
    decision = Reconduction.objects.filter(programme=programme).select_related("programme_suivant", "ami").first()
    if decision is None:
        return ""
    when = long_date(decision.decided_at)
    if decision.decision == Reconduction.Decision.RECONDUIT:
        return (
            f"Le {programme} a déjà été reconduit le {when} (programme {year_label(programme.annee_debut + 1)}) : "
            "une année ne se reconduit qu'une fois."
        )
    return f"Le {programme} n'a pas été reconduit (décision du {when}) : un nouvel appel a été préparé."


def renewal_problems(programme: Programme) -> list[str]:
    """Why `programme` cannot be renewed now, in French (empty when it can)."""
    problem = decision_problem(programme)
    if problem:
        return [problem]
    problems = []
    convention = programme.convention
    if convention is None:
        problems.append(
            "Ce programme n'a pas de convention : une reconduction se fait par avenant à la convention signée."
        )
    elif convention.status != Convention.Status.SIGNEE:
        problems.append(
            f"La convention {convention.numero} n'est pas signée : une reconduction se fait par avenant à une "
            "convention signée. Faites-la d'abord signer."
        )
    else:
        pending = convention.avenants.filter(signed_at__isnull=True).order_by("numero").first()
        if pending is not None:
            problems.append(
                f"L'avenant n° {pending.numero} attend encore sa signature : faites-le signer avant de reconduire."
            )
    after = programme.annee_debut + 1
    if Programme.objects.filter(structure=programme.structure_id, annee_debut=after).exists():
        problems.append(f"Le programme {year_label(after)} existe déjà.")
    return problems


def renewal_plan(
    *,
    programme: Programme,
    taux: Decimal | None = None,
    prix_seance_groupe: Decimal | None = None,
    prix_seance_sous_groupe: Decimal | None = None,
) -> RenewalPlan:
    """The preview of `programme_renew` with these prices (no write; a few queries).

    Each price line: the one typed by hand, else the price in force on the last day of the year revised by
    `taux` % (rounded half-up to the cent), else unchanged. The sites: every antenne, ceil(headcount ÷ max
    size) groups from the directory as it is now (more if this year's split was justified and still holds).
    """
    annee = programme.annee_debut + 1
    date_effet = datetime.date(annee, 9, 1)
    last_day = date_effet - datetime.timedelta(days=1)
    plan = RenewalPlan(
        programme=programme,
        annee=annee,
        date_effet=date_effet,
        date_fin=datetime.date(annee + 1, 8, 31),
        taux=taux,
        problems=renewal_problems(programme),
        minimum_par_site=minimum_per_site(programme, on=last_day),
    )
    typed = {"prix_seance_groupe": prix_seance_groupe, "prix_seance_sous_groupe": prix_seance_sous_groupe}
    for name, label, sous_groupe in PRICE_LINES:
        old = unit_price(programme, sous_groupe=sous_groupe, on=last_day)
        new = typed[name]
        if new is None:
            new = old * (1 + taux / 100) if taux is not None else old
        new = money(Decimal(new))
        if new <= 0:
            plan.problems.append(f"{label} : un prix est positif ({euros(new)} demandé).")
        plan.prices.append(PriceLine(name, label, old, new))
    plan.windows = default_windows(annee)
    headcounts = antenne_headcounts()
    now = {site.antenne_id: site for site in programme.sites.all()}
    size = programme.taille_max_groupe
    for antenne in Antenne.objects.filter(kind=Antenne.Kind.ANTENNE).order_by("ordre", "nom"):
        effectif = headcounts.get(antenne.pk, 0)
        nb = default_group_count(effectif, size)
        justification = ""
        previous = now.get(antenne.pk)
        if previous is not None and previous.nb_groupes > nb and previous.justification:
            nb, justification = previous.nb_groupes, previous.justification
        plan.sites.append(SiteLine(antenne, effectif, nb, split_sizes(effectif, nb), justification))
    plan.intervenants = [str(i) for i in programme.intervenants.all()]
    return plan


def programme_renew(
    *,
    programme: Programme,
    by,
    taux: Decimal | None = None,
    prix_seance_groupe: Decimal | None = None,
    prix_seance_sous_groupe: Decimal | None = None,
    time_limit: float = 20.0,
) -> tuple[Programme, planner.PlanResult]:
    """Renew `programme` for the next year from its convention (staff), as `renewal_plan` previews it.

    Refused (French): a decision already taken on this programme (renewed twice), no convention or one not
    signed, an avenant still waiting for its signature, the next year's programme already there, a price
    not positive. Side effects, in one transaction: the avenant of renewal (established: to send and sign
    from the convention's page; its PDF), the next year's programme (same prestataire, convention,
    référent, method, base prices, VAT, volume, intervenants and their sites), its 3 windows, one site per
    antenne and its groups with their conseillers, the séances the planner proposes (none when it finds no
    plan: the result says why), and the decision (`Reconduction`). No email: the séances are proposals the
    responsable validates later. Returns the new programme and the planner's result.
    """
    with transaction.atomic():
        programme = Programme.objects.select_for_update(of=("self",)).select_related("convention").get(pk=programme.pk)
        plan = renewal_plan(
            programme=programme,
            taux=taux,
            prix_seance_groupe=prix_seance_groupe,
            prix_seance_sous_groupe=prix_seance_sous_groupe,
        )
        if plan.problems:
            raise Refused(" ".join(plan.problems))
        prices = {line.name: line.new for line in plan.prices if line.changed}
        avenant = avenant_create(
            convention=programme.convention,
            user=by,
            date_effet=plan.date_effet,
            objet=plan.objet,
            date_fin_prestation=plan.date_fin,
            **prices,
        )
        # the convention's base prices: its signed avenants apply by date (`seances.pricing`), this one too
        suivant = Programme.objects.create(
            structure=programme.structure,
            annee_debut=plan.annee,
            **{name: getattr(programme, name) for name in CARRIED_OVER},
        )
        Fenetre.objects.bulk_create(
            Fenetre(programme=suivant, numero=numero, libelle=libelle, debut=debut, fin=fin, mois_indicatifs=mois)
            for numero, libelle, debut, fin, mois in plan.windows
        )
        for intervenant in programme.intervenants.select_related("user").prefetch_related("antennes"):
            user = intervenant.user if intervenant.user is not None and intervenant.user.is_active else None
            copy = IntervenantProgramme.objects.create(
                programme=suivant,
                user=user,
                prenom=intervenant.prenom,
                nom=intervenant.nom,
                email=intervenant.email,
            )
            copy.antennes.set(intervenant.antennes.all())
        ProgrammeSite.objects.bulk_create(
            ProgrammeSite(
                programme=suivant, antenne=site.antenne, nb_groupes=site.nb_groupes, justification=site.justification
            )
            for site in plan.sites
        )
        groups_build(programme=suivant)
        result = programme_plan(programme=suivant, time_limit=time_limit)
        Reconduction.objects.create(
            programme=programme,
            decision=Reconduction.Decision.RECONDUIT,
            programme_suivant=suivant,
            avenant=avenant,
            taux=taux,
            decided_by=by,
        )
    return suivant, result


def _shift(value, delta: int):
    if value is None:
        return None
    try:
        return value.replace(year=value.year + delta)
    except ValueError:  # 29 February
        return value.replace(year=value.year + delta, day=28)


def programme_not_renew(*, programme: Programme, by, motif: str = "") -> Reconduction:
    """Decide not to renew `programme` (staff) and start the next call from the previous one.

    The draft AMI of the next year is `ami_create` from the programme's AMI (its text, criteria, calendar
    and deadline moved by the years between them); nothing is published nor sent. Refused (French): a
    decision already taken, no previous AMI, the draft's reference already used. Side effects, in one
    transaction: the draft AMI and the decision (`Reconduction`, who, when, why).
    """
    with transaction.atomic():
        programme = (
            Programme.objects.select_for_update(of=("self",))
            .select_related("convention__dossier__ami")
            .get(pk=programme.pk)
        )
        problem = decision_problem(programme)
        if problem:
            raise Refused(problem)
        source = programme.convention.dossier.ami if programme.convention else None
        source = source or AMI.objects.order_by("-annee", "-date_limite").first()
        if source is None:
            raise Refused("Aucun AMI précédent : créez le nouvel appel depuis la rédaction des AMI.")
        annee = programme.annee_debut + 1
        delta = annee - source.annee
        reference = (
            shift_years(source.reference, delta)
            if str(source.annee) in source.reference
            else f"{source.reference}-{annee}"
        )
        ami = ami_create(
            reference=reference,
            titre=shift_years(source.titre, delta),
            annee=annee,
            date_limite=_shift(source.date_limite, delta),
            date_publication=_shift(source.date_publication, delta),
            source=source,
            by=by,
        )
        return Reconduction.objects.create(
            programme=programme,
            decision=Reconduction.Decision.NON_RECONDUIT,
            ami=ami,
            motif=(motif or "").strip(),
            decided_by=by,
        )
