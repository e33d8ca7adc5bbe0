"""A small programme for tests: the prestataire user's organisation, 3 windows, one group per antenne."""

import datetime
from decimal import Decimal

import pytest

from ami.models import Membre
from mlhg_app.models import Antenne
from seances.models import (
    Groupe,
    ProgrammeSite,
    Seance,
)
from tests.factories import (
    CompteRenduFactory,
    EmargementFactory,
    FenetreFactory,
    GroupeFactory,
    IntervenantProgrammeFactory,
    MembreFactory,
    PrestataireFactory,
    ProgrammeFactory,
    ProgrammeSiteFactory,
    SeanceFactory,
    ThemeFactory,
    UserFactory,
)

MORNING, AFTERNOON = datetime.time(9, 30), datetime.time(14, 0)  # the two half-days a séance starts at
SECRET = "Le jeune a parlé de son frère incarcéré à Seysses"  # a compte rendu's free text: never in a bilan


def clock_at(moment: datetime.datetime):
    """A test module's autouse fixture (`_now = clock_at(NOW)`): its clock stands still at `moment`."""

    @pytest.fixture(autouse=True)
    def _now(time_machine):
        time_machine.move_to(moment, tick=False)

    return _now


def build_programme(users, annee=2026):
    prestataire_user = users["prestataire"]
    membre = Membre.objects.filter(user=prestataire_user).first()
    prestataire = membre.prestataire if membre else None
    if prestataire is None:
        prestataire = PrestataireFactory()
        MembreFactory(user=prestataire_user, prestataire=prestataire, email_verified_at=None)
    programme = ProgrammeFactory(
        annee_debut=annee,
        prestataire=prestataire,
        responsable=users["responsable"],
        prix_seance_groupe=Decimal("480.00"),
        prix_seance_sous_groupe=Decimal("430.00"),
        taux_tva=Decimal("20.00"),
    )
    f1, _f2, _f3 = (
        FenetreFactory(programme=programme, numero=numero, libelle=libelle, debut=debut, fin=fin, mois_indicatifs=mois)
        for numero, libelle, debut, fin, mois in (
            (1, "septembre – décembre", datetime.date(annee, 9, 1), datetime.date(annee, 12, 19), [10, 11]),
            (2, "janvier – mars", datetime.date(annee + 1, 1, 5), datetime.date(annee + 1, 3, 31), [2, 3]),
            (3, "avril – juin", datetime.date(annee + 1, 4, 1), datetime.date(annee + 1, 6, 30), [6]),
        )
    )
    antennes = list(Antenne.objects.filter(kind=Antenne.Kind.ANTENNE))
    intervenant = IntervenantProgrammeFactory(
        programme=programme, user=users["intervenant"], prenom="Marc", nom="Olivier", antennes=antennes
    )
    conseiller = users["conseiller"]
    first = None
    for antenne in antennes:
        ProgrammeSiteFactory(programme=programme, antenne=antenne, nb_groupes=1)
        groupe = GroupeFactory(programme=programme, antenne=antenne, numero=1, nb_groupes_site=1)
        if antenne.pk == conseiller.antenne_id:
            groupe.membres.add(conseiller)
            first = groupe
    SeanceFactory(
        programme=programme,
        groupe=first,
        fenetre=f1,
        date=datetime.date(annee, 10, 13),
        intervenant=intervenant,
        status=Seance.Status.CONVOQUEE,
    )
    return programme


def add_seance(programme, *, date: datetime.date, fenetre: int = 2) -> Seance:
    """Another convened séance of the programme's first one's group, on `date`, in window `fenetre`."""
    first = programme.seances.order_by("date").first()
    return SeanceFactory(
        programme=programme,
        groupe=first.groupe,
        fenetre=programme.fenetres.get(numero=fenetre),
        date=date,
        intervenant=first.intervenant,
        status=Seance.Status.CONVOQUEE,
    )


def held(programme, groupe, themes, *, day, observations=SECRET, presents=0, fenetre=1):
    """A séance réalisée of `groupe` with its compte rendu (`themes`) and, with `presents`, an attendance sheet
    (`presents` of `presents + 1` new members)."""
    seance = make_seance(programme, groupe, day, fenetre=fenetre)
    CompteRenduFactory(
        seance=seance, methode="codev", observations=observations, themes=[ThemeFactory(libelle=t) for t in themes]
    )
    if presents:
        members = [UserFactory(first_name="Gaëlle", last_name=f"Esquirol{groupe.pk}x{i}") for i in range(presents + 1)]
        groupe.membres.add(*members)
        EmargementFactory(seance=seance, presents=members[:presents])
    return seance


def groupe_of(programme, code, numero=1):
    """The programme's group `numero` at the antenne `code`."""
    return Groupe.objects.get(programme=programme, antenne__code=code, numero=numero)


def split_site(programme, code):
    """The site in 2 sub-groups."""
    antenne = Antenne.objects.get(code=code)
    ProgrammeSite.objects.filter(programme=programme, antenne=antenne).update(nb_groupes=2)
    Groupe.objects.filter(programme=programme, antenne=antenne).update(nb_groupes_site=2)
    GroupeFactory(programme=programme, antenne=antenne, numero=2, nb_groupes_site=2)
    return groupe_of(programme, code, 1), groupe_of(programme, code, 2)


def make_seance(programme, groupe, day, status=Seance.Status.REALISEE, fenetre=1):
    """A séance of `groupe` on `day` at 9:30 with the programme's first intervenant (réalisée unless told)."""
    return SeanceFactory(
        programme=programme,
        groupe=groupe,
        fenetre=programme.fenetres.get(numero=fenetre),
        date=day,
        intervenant=programme.intervenants.first(),
        status=status,
    )
