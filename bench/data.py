"""The synthetic data set of the benchmark, at a given scale (1 = 1×, 10 = 10×).

At scale 10: about 30 AMIs, 300 submitted dossiers (one AMI, with eligibility and the
evaluators' grids), 1,000 conseillers, 40 groups on the demo programme, 2,000 séances,
10,000 outgoing messages. On top of the demo data (every role has an account).
Used by `python -m bench` and by `tests/test_bench_queries.py` (with small sizes).
"""

import datetime
import os
from dataclasses import dataclass
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from mlhg_app.demo import demo_load_all

PARIS = datetime.timezone(datetime.timedelta(hours=2))
BENCH_AMI = "ami-bench"
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)
AFTER = DEADLINE + datetime.timedelta(days=3)


@dataclass
class Sizes:
    amis: int = 3
    dossiers: int = 30
    graded: int = 30
    conseillers: int = 100
    groupes: int = 4
    seances: int = 200
    messages: int = 1000

    @classmethod
    def at(cls, scale: int) -> "Sizes":
        base = cls()
        return cls(**{k: v * scale for k, v in base.__dict__.items()})


def load_demo(today=None):
    """The reference data and every app's demo module (what `load_demo` does, without its DEBUG guard)."""
    with open(os.devnull, "w") as quiet:
        demo_load_all(today=today or timezone.localdate(), stdout=quiet)


def build(sizes: Sizes, *, demo: bool = True) -> dict:
    """Load the demo then add the volumes of `sizes`; return the objects the pages need."""
    if demo:
        load_demo()
    _amis(sizes.amis)
    bench_ami = _dossiers(sizes.dossiers, sizes.graded)
    _conseillers(sizes.conseillers)
    _groupes_and_seances(sizes.groupes, sizes.seances)
    _comptes_rendus()
    _messages(sizes.messages)
    return {"bench_ami": bench_ami}


def _amis(n):
    from ami.models import AMI
    from tests.factories import AMIFactory

    for i in range(max(0, n - AMI.objects.count())):
        AMIFactory(reference=f"ami-synthetique-{i:03d}", titre=f"AMI synthétique {i:03d}")


def _dossiers(n, graded):
    import time_machine

    from ami.services.eligibility import dossier_set_eligibility
    from mlhg_app.models import User
    from tests.committee import grade
    from tests.factories import AMIFactory

    ami = AMIFactory(reference=BENCH_AMI, titre="AMI du banc d'essai", date_limite=DEADLINE)
    evaluators = list(User.objects.filter(role=User.Role.EVALUATEUR).order_by("email")[:2])
    ami.evaluateurs.add(*evaluators)
    staff = User.objects.filter(role=User.Role.STAFF).order_by("email").first()
    if ami.status != ami.Status.PUBLIE:
        _reopen(ami)
    start = ami.dossiers.count()
    new = []
    # The receipts (a PDF and an email per version) are measured apart: not sent while building.
    with mock.patch("ami.services.submission._queue_receipt"):
        _submit_all(ami, start, n, new)
    with time_machine.travel(AFTER, tick=False):
        for index, dossier in enumerate(new, start=start):
            dossier_set_eligibility(dossier=dossier, recevable=True, user=staff)
            if index < graded:
                for k, evaluator in enumerate(evaluators):
                    grade(evaluator, dossier, [(index + k) % 10 + 1, 6, 8])
    ami.refresh_from_db()  # « en analyse » since the first eligibility (ami_set_state)
    return ami


def _reopen(ami):
    """The benchmark grows its synthetic AMI between two measures: back to « publié » to take more dossiers.

    Bench data only, never a path of the product (whose AMIs change status through `ami_set_state`)."""
    ami.status = ami.Status.PUBLIE  # bench only: the synthetic AMI grows between two measures
    ami._change_reason = "Banc d'essai : AMI synthétique rouvert pour de nouveaux dossiers"
    ami.save(update_fields=["status"])


def _submit_all(ami, start, n, new):
    from ami.services.submission import dossier_submit
    from tests.dossiers import complete_dossier, member
    from tests.factories import PrestataireFactory

    for i in range(start, n):
        prestataire = PrestataireFactory(raison_sociale=f"Candidat synthétique {i:03d}")
        user = member(prestataire, f"candidat{i:03d}@bench.example")
        dossier = complete_dossier(ami=ami, prestataire=prestataire)
        dossier_submit(dossier=dossier, user=user, now=DEADLINE - datetime.timedelta(hours=1))
        new.append(dossier)


def _conseillers(n):
    from mlhg_app.models import Antenne, User

    antennes = list(Antenne.objects.filter(kind=Antenne.Kind.ANTENNE).order_by("ordre"))
    existing = User.objects.filter(email__endswith="@bench.ml31.org").count()
    password = make_password("bench-mlhg")
    User.objects.bulk_create(
        [
            User(
                email=f"conseiller{i:04d}@bench.ml31.org",
                first_name=f"Prénom{i:04d}",
                last_name=f"Nom{i:04d}",
                role=User.Role.CONSEILLER,
                antenne=antennes[i % len(antennes)],
                structure_id=antennes[i % len(antennes)].structure_id,
                password=password,
            )
            for i in range(existing, n)
        ]
    )


def bench_conseiller():
    """The conseiller whose « mes séances » grows with the data: a member of every synthetic group."""
    from mlhg_app.models import User

    return User.objects.filter(email__endswith="@bench.ml31.org").order_by("email").first()


def _groupes_and_seances(n_groupes, n_seances):
    """`n_groupes` more groups on the demo programme (three séances each, one per window), the rest of
    the `n_seances` on synthetic past programmes (same shape); the bench conseiller is in all of them."""
    from mlhg_app.models import Antenne
    from seances.models import Fenetre, Groupe, IntervenantProgramme, Programme, ProgrammeSite, Seance

    demo = Programme.objects.order_by("pk").first()
    conseiller = bench_conseiller()
    antennes = list(Antenne.objects.filter(kind=Antenne.Kind.ANTENNE).order_by("ordre"))
    created = [Seance.objects.filter(groupe__membres=conseiller).count()]

    def fill(programme, count, status=Seance.Status.PROPOSEE):
        fenetres = list(programme.fenetres.order_by("numero"))
        intervenant = programme.intervenants.order_by("pk").first()
        groupes = []
        start = programme.groupes.filter(numero__gte=10).count()
        for i in range(start, start + max(0, count)):
            antenne = antennes[i % len(antennes)]
            groupes.append(Groupe(programme=programme, antenne=antenne, numero=10 + i, nb_groupes_site=1))
        groupes = Groupe.objects.bulk_create(groupes)
        through = Groupe.membres.through
        through.objects.bulk_create([through(groupe_id=g.pk, user_id=conseiller.pk) for g in groupes])
        seances = []
        for g_index, groupe in enumerate(groupes):
            for fenetre in fenetres:
                if created[0] >= n_seances:
                    break
                day = fenetre.debut + datetime.timedelta(
                    days=(g_index * 3) % max(1, (fenetre.fin - fenetre.debut).days)
                )
                seances.append(
                    Seance(
                        programme=programme,
                        groupe=groupe,
                        fenetre=fenetre,
                        date=day,
                        heure_debut=datetime.time(9, 30) if g_index % 2 else datetime.time(14, 0),
                        intervenant=intervenant,
                        status=status,
                    )
                )
                created[0] += 1
        Seance.objects.bulk_create(seances)

    if demo is not None:
        # Created held (with their compte rendu and sheet, `_comptes_rendus`): no change of state to make.
        fill(demo, n_groupes - demo.groupes.filter(numero__gte=10).count(), status=Seance.Status.REALISEE)
    year = 2000 + Programme.objects.filter(annee_debut__lt=2020).count()
    per_programme = 40
    while created[0] < n_seances and demo is not None:
        programme = Programme.objects.create(
            structure_id=demo.structure_id,
            annee_debut=year,
            prestataire=demo.prestataire,
            responsable=demo.responsable,
            prix_seance_groupe=demo.prix_seance_groupe,
            prix_seance_sous_groupe=demo.prix_seance_sous_groupe,
            taux_tva=demo.taux_tva,
        )
        for numero, (debut, fin) in enumerate(
            [((9, 1), (12, 18)), ((1, 4), (3, 31)), ((4, 1), (6, 30))],
            start=1,
        ):
            y = year if numero == 1 else year + 1
            Fenetre.objects.create(
                programme=programme,
                numero=numero,
                libelle=f"fenêtre {numero}",
                debut=datetime.date(y, *debut),
                fin=datetime.date(y, *fin),
                mois_indicatifs=[],
            )
        source = demo.intervenants.order_by("pk").first()
        IntervenantProgramme.objects.create(
            programme=programme, user=source.user, prenom=source.prenom, nom=source.nom, email=source.email
        )
        for antenne in antennes:
            ProgrammeSite.objects.create(programme=programme, antenne=antenne, nb_groupes=1)
        fill(programme, per_programme)
        year += 1


THEMES = ["Charge émotionnelle", "Partenariats", "Posture professionnelle", "Santé mentale des jeunes"]


def _comptes_rendus():
    """Every synthetic séance of the demo programme (created réalisée) gets a compte rendu (themes) and a sheet."""
    from seances.models import CompteRendu, Emargement, Groupe, Programme, Seance, Theme

    demo = Programme.objects.filter(annee_debut=2026).first()
    if demo is None:
        return
    seances = list(Seance.objects.filter(programme=demo, groupe__numero__gte=10, compte_rendu__isnull=True))
    author = demo.intervenants.order_by("pk").first().user
    themes = [Theme.objects.get_or_create(structure_id=demo.structure_id, libelle=label)[0] for label in THEMES]
    comptes = CompteRendu.objects.bulk_create(
        [CompteRendu(seance=s, methode="codev", observations="Synthétique.", written_by=author) for s in seances]
    )
    through = CompteRendu.themes.through
    through.objects.bulk_create(
        [through(compterendu_id=c.pk, theme_id=t.pk) for i, c in enumerate(comptes) for t in themes[: 1 + i % 4]]
    )
    sheets = Emargement.objects.bulk_create([Emargement(seance=s, recorded_by=author) for s in seances])
    groupes = {s.pk: s.groupe_id for s in seances}
    members = {}
    for groupe_id, user_id in Groupe.membres.through.objects.filter(groupe_id__in=set(groupes.values())).values_list(
        "groupe_id", "user_id"
    ):
        members.setdefault(groupe_id, []).append(user_id)
    presents = Emargement.presents.through
    presents.objects.bulk_create(
        [presents(emargement_id=e.pk, user_id=u) for e in sheets for u in members.get(groupes[e.seance_id], [])]
    )


def _messages(n):
    from mlhg_app.models import OutgoingMessage, default_structure

    structure = default_structure()
    existing = OutgoingMessage.objects.filter(kind="bench").count()
    OutgoingMessage.objects.bulk_create(
        [
            OutgoingMessage(
                structure=structure,
                kind="bench",
                object_type="seance",
                object_id=str(i),
                recipient=f"conseiller{i % 1000:04d}@bench.ml31.org",
                subject=f"Message synthétique {i}",
            )
            for i in range(existing, n)
        ],
        batch_size=1000,
    )
