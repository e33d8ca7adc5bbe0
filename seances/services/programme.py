"""Setting up the programme year: from the convention, windows, sites and their sub-groups, members."""

import datetime

from django.db import transaction
from django.utils import timezone

from ami.models import Convention
from mlhg_app.french import counted
from mlhg_app.jobs import enqueue
from mlhg_app.models import Antenne, User
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antenne_headcount, antenne_headcounts
from seances import selectors
from seances.group_sizes import default_group_count
from seances.models import Fenetre, Groupe, IntervenantProgramme, Programme, ProgrammeSite, Seance
from seances.tasks import notify_member_moved

METHODES = {"codeveloppement": "codeveloppement", "balint": "balint", "supervision": "supervision", "autre": "gease"}


def default_windows(year: int) -> list[tuple[int, str, datetime.date, datetime.date, list[int]]]:
    """The three windows outside summer (seed §5.3), with their indicative months."""
    return [
        (1, "septembre – décembre", datetime.date(year, 9, 1), datetime.date(year, 12, 31), [10, 11]),
        (2, "janvier – mars", datetime.date(year + 1, 1, 1), datetime.date(year + 1, 3, 31), [2, 3]),
        (3, "avril – juin", datetime.date(year + 1, 4, 1), datetime.date(year + 1, 6, 30), [6]),
    ]


def programme_create_from_convention(*, convention: Convention, responsable: User | None = None) -> Programme:
    """The year's programme from the convention: prestataire, prices, method, intervenants, windows, sites.

    Side effects: the programme, its 3 windows, its intervenants (from the
    retained dossier's team), one `ProgrammeSite` per antenne with the default
    number of groups, and the groups with the antenne's conseillers.
    """
    dossier = convention.dossier
    version = dossier.versions.order_by("-numero").first()
    financier = version.contenu["financier"]
    year = convention.date_debut.year
    with transaction.atomic():
        structure = dossier.ami.structure
        if Programme.objects.filter(structure=structure, annee_debut=year).exists():
            raise Refused(f"Le programme {year}-{year + 1} existe déjà.")
        programme = Programme.objects.create(
            structure=structure,
            annee_debut=year,
            prestataire=dossier.prestataire,
            convention=convention,
            responsable=responsable
            or User.objects.filter(structure=structure, role=User.Role.RESPONSABLE, is_active=True).first(),
            methode=METHODES.get(version.contenu["methodologie"]["approche"], "autre"),
            prix_seance_groupe=financier["prix_seance_groupe"],
            prix_seance_sous_groupe=financier["prix_seance_sous_groupe"] or financier["prix_seance_groupe"],
            regime_tva=financier["regime_tva"] or "assujetti",
            taux_tva=financier["taux_tva"] or None,
            mention_exoneration=financier["mention_exoneration"],
            minimum_par_site=dossier.ami.seances_par_site,
            taille_max_groupe=dossier.ami.taille_max_groupe,
            duree_minutes=dossier.ami.duree_seance_heures * 60,
        )
        for numero, libelle, debut, fin, mois in default_windows(year):
            Fenetre.objects.create(
                programme=programme, numero=numero, libelle=libelle, debut=debut, fin=fin, mois_indicatifs=mois
            )
        antennes_by_name = {a.nom: a for a in Antenne.objects.filter(kind=Antenne.Kind.ANTENNE)}
        for person in version.contenu["equipe"]:
            account = User.objects.filter(
                role=User.Role.INTERVENANT, first_name=person["prenom"], last_name=person["nom"]
            ).first()
            intervenant = IntervenantProgramme.objects.create(
                programme=programme,
                user=account,
                prenom=person["prenom"],
                nom=person["nom"],
                email=account.email if account else "",
            )
            intervenant.antennes.set([antennes_by_name[n] for n in person["antennes"] if n in antennes_by_name])
        headcounts = antenne_headcounts()
        for antenne in antennes_by_name.values():
            ProgrammeSite.objects.create(
                programme=programme,
                antenne=antenne,
                nb_groupes=default_group_count(headcounts.get(antenne.pk, 0), programme.taille_max_groupe),
            )
        groups_build(programme=programme)
    return programme


def site_set_groups(*, site: ProgrammeSite, nb_groupes: int, justification: str = "") -> ProgrammeSite:
    """Choose the number of groups of a site: at least the default; more needs a justification.

    Side effects: the site's groups rebuilt and its conseillers rebalanced.
    """
    site_groups_check(site=site, nb_groupes=nb_groupes)
    default = default_group_count(antenne_headcount(site.antenne), site.programme.taille_max_groupe)
    if nb_groupes > default and not justification.strip():
        raise Refused(
            f"{site.antenne.nom} : justifiez le choix de {nb_groupes} sous-groupes (le nombre par défaut est {default})."
        )
    with transaction.atomic():
        site.nb_groupes = nb_groupes
        site.justification = justification.strip() if nb_groupes > default else ""
        site.save()
        groups_build(programme=site.programme, antennes=[site.antenne])
    return site


def site_groups_check(*, site: ProgrammeSite, nb_groupes: int, effectif: int | None = None) -> None:
    """Refuse fewer groups than the site's headcount (`effectif`, by default the site's) needs."""
    effectif = antenne_headcount(site.antenne) if effectif is None else effectif
    default = default_group_count(effectif, site.programme.taille_max_groupe)
    if nb_groupes < default:
        raise Refused(
            f"{site.antenne.nom} : {effectif} conseillers demandent au moins "
            f"{counted(default, 'groupe', 'groupes')} de {site.programme.taille_max_groupe} personnes au plus."
        )


def _current_year(today: datetime.date | None) -> int:
    """The start year of the programme year (September to August) that `today` (default: today) is in."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def antenne_headcount_check(*, antenne: Antenne, effectif: int, today: datetime.date | None = None) -> None:
    """Refuse a site's new headcount (its active conseillers once the directory has changed) that the groups
    planned for it, in programme years not yet over, cannot hold (groups of `taille_max_groupe` at most).
    The people pages show it as a warning to act upon (mlhg_app/services/people.py)."""
    sites = ProgrammeSite.objects.filter(antenne=antenne, programme__annee_debut__gte=_current_year(today))
    for site in sites.select_related("programme", "antenne"):
        try:
            site_groups_check(site=site, nb_groupes=site.nb_groupes, effectif=effectif)
        except Refused as refusal:
            raise Refused(
                f"{refusal} Le {site.programme} en prévoit {site.nb_groupes} : augmentez le nombre de "
                "groupes du site dans le programme."
            ) from None


def groups_build(*, programme: Programme, antennes=None) -> None:
    """Create the groups of each site (1..n) and balance its conseillers across them (round robin).

    A group that already has séances is kept; its members are rebalanced too.
    """
    sites = programme.sites.select_related("antenne")
    if antennes is not None:
        sites = sites.filter(antenne__in=antennes)
    for site in sites:
        n = site.nb_groupes
        groupes = []
        for numero in range(1, n + 1):
            groupe, _ = Groupe.objects.update_or_create(
                programme=programme, antenne=site.antenne, numero=numero, defaults={"nb_groupes_site": n}
            )
            groupes.append(groupe)
        extra = Groupe.objects.filter(programme=programme, antenne=site.antenne, numero__gt=n)
        if Seance.objects.filter(groupe__in=extra).exists():
            raise Refused(
                f"{site.antenne.nom} : des séances existent déjà pour un sous-groupe à supprimer ; annulez-les d'abord."
            )
        extra.delete()
        members = list(selectors.eligible_members(site.antenne))
        for groupe in groupes:
            groupe.membres.clear()
        for index, user in enumerate(members):
            groupes[index % n].membres.add(user)


def groupe_member_check(*, groupe: Groupe, user: User) -> None:
    """Refuse (Refused) a member the group may not have, as the person is or is about to be saved:
    a line manager (séances hors présence hiérarchique), or anyone but a conseiller of the group's site."""
    if user.is_line_manager:
        raise Refused(
            f"{user.get_full_name() or user.email} est encadrant hiérarchique : il ne peut pas être membre d'un "
            "groupe d'APP (séances hors présence hiérarchique, AMI §5.1)."
        )
    if user.role != User.Role.CONSEILLER or user.antenne_id != groupe.antenne_id:
        raise Refused(f"{user} n'est pas conseiller de l'{groupe.antenne.nom}.")


def member_change_check(*, user: User, today: datetime.date | None = None) -> None:
    """Refuse a change of a person (role, site, manager flag) that would break a membership: checked
    against every group he belongs to in a programme year not yet over; the message names the groups."""
    groupes = Groupe.objects.filter(
        membres__pk=user.pk, programme__annee_debut__gte=_current_year(today)
    ).select_related("programme", "antenne")
    reason, broken = None, []
    for groupe in groupes:
        try:
            groupe_member_check(groupe=groupe, user=user)
        except Refused as refusal:
            reason = reason or str(refusal)
            broken.append(f"{groupe} ({groupe.programme})")
    if broken:
        which = "ce groupe" if len(broken) == 1 else "ces groupes"
        raise Refused(f"{reason} Membre de : {', '.join(broken)}. Retirez-le d'abord de {which}.")


def groupe_size_check(*, groupe: Groupe, user: User) -> None:
    """Refuse a member a full group cannot take (`taille_max_groupe`, 17 in the AMI 2026): the message offers
    the split that makes room (one sub-group more than the site has)."""
    limit = groupe.programme.taille_max_groupe
    count = groupe.membres.exclude(pk=user.pk).count()
    if count >= limit:
        raise Refused(
            f"Ce groupe compte déjà {count} membres ({limit} au plus par groupe ou sous-groupe) : "
            f"passez le site à {groupe.nb_groupes_site + 1} sous-groupes pour y ajouter "
            f"{user.get_full_name() or user.email}."
        )


def groupe_add_member(*, groupe: Groupe, user: User) -> Groupe:
    """Add a conseiller to a group; a line manager is refused (séances hors présence hiérarchique), and so is
    a 18th member (groups of `taille_max_groupe` at most)."""
    groupe_member_check(groupe=groupe, user=user)
    with transaction.atomic():
        groupe = Groupe.objects.select_for_update().select_related("programme").get(pk=groupe.pk)
        groupe_size_check(groupe=groupe, user=user)
        for other in Groupe.objects.filter(programme=groupe.programme, membres=user).exclude(pk=groupe.pk):
            other.membres.remove(user)
            _queue_member_moved(other.pk, user.pk, joined=False)
        if not groupe.membres.filter(pk=user.pk).exists():
            groupe.membres.add(user)
            _queue_member_moved(groupe.pk, user.pk, joined=True)
    return groupe


def groupe_remove_member(*, groupe: Groupe, user: User) -> Groupe:
    with transaction.atomic():
        if groupe.membres.filter(pk=user.pk).exists():
            groupe.membres.remove(user)
            _queue_member_moved(groupe.pk, user.pk, joined=False)
    return groupe


def _current_groups(user: User, today: datetime.date | None = None):
    return (
        Groupe.objects.filter(membres__pk=user.pk, programme__annee_debut__gte=_current_year(today))
        .select_related("programme", "antenne")
        .order_by("programme__annee_debut", "antenne__ordre", "numero")
    )


def member_groups(user: User, today: datetime.date | None = None) -> list[str]:
    """The person's groups in programme years not yet over, in French (« … (Programme 2026-2027) »)."""
    return [f"{groupe} ({groupe.programme})" for groupe in _current_groups(user, today)]


def member_leave_groups(user: User, today: datetime.date | None = None) -> list[str]:
    """A person who leaves the MLHG (account deactivated) leaves their groups of programme years not yet
    over; their convocations still to come are withdrawn (after commit). Returns the groups left, in French.

    Registered in `mlhg_app.departures` (seances/apps.py). Side effects: the memberships removed."""
    groupes = list(_current_groups(user, today))
    for groupe in groupes:
        groupe_remove_member(groupe=groupe, user=user)
    return [f"{groupe} ({groupe.programme})" for groupe in groupes]


def _queue_member_moved(groupe_id: int, user_id: int, *, joined: bool):
    """After commit: the group's convoked séances still to come are sent to (or withdrawn from) the person."""
    transaction.on_commit(lambda: enqueue(notify_member_moved, groupe_id=groupe_id, user_id=user_id, joined=joined))
