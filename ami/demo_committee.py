"""Demo: a second AMI whose committee is at work today, so that the evaluators' home has grids to fill.

« AMI complémentaire » (analyse de pratiques des chargés d'accueil), closed five days ago: two dossiers
received and declared recevable; Karim Benali has submitted his grids, Sophie Lacombe and Hélène Marty have
theirs to fill before the selection committee, a dated step of its calendar. Called by `ami.demo.load`, through
the services. Idempotent.
"""

import datetime

from ami.models import AMI
from ami.services.eligibility import dossier_set_eligibility
from ami.services.states import ami_set_state
from ami.services.submission import dossier_submit
from mlhg_app.models import User

REFERENCE = "ami-complementaire-accueil"
# Karim Benali's grids, per dossier (méthodologie, expérience, couverture), and his comments.
SUBMITTED_BY = "evaluateur@demo.ml31.org"
SUBMITTED = [(8, 7, 9), (7, 8, 6)]
SUBMITTED_COMMENTS = [
    (
        "Le groupe Balint convient bien aux chargés d'accueil, exposés aux situations de tension au guichet.",
        "Une praticienne très expérimentée ; son travail avec des équipes d'accueil est cité en référence.",
        "Tous les sites d'accueil sont couverts, avec des séances possibles en fin de journée.",
    ),
    (
        "Déroulé clair, mais la supervision collective est moins centrée sur le vécu de l'accueil.",
        "Deux superviseurs disponibles : la continuité est assurée en cas d'absence.",
        "Couverture prévue, mais les créneaux proposés ne tiennent pas compte des horaires d'ouverture.",
    ),
]


def load_committee(*, today: datetime.date, source: AMI, antennes) -> AMI | None:
    """The complementary AMI, its two recevable dossiers and one evaluator's grids (None if already there)."""
    # late: the demo's organisations and their dossiers' contents are ami.demo's, which calls this function
    from ami.demo import CANDIDATS, PARIS, _staff, ami_from, at, dossier_draft, grid_submit

    if AMI.objects.filter(reference=REFERENCE).exists():
        return None
    deadline = datetime.datetime.combine(today - datetime.timedelta(days=5), datetime.time(12, 0), tzinfo=PARIS)
    published = (deadline - datetime.timedelta(days=35)).replace(hour=9)
    committee = today + datetime.timedelta(days=10)
    ami = ami_from(
        source,
        reference=REFERENCE,
        titre="AMI complémentaire – analyse de pratiques des chargés d'accueil",
        published=published,
        deadline=deadline,
        jalons=[
            ("Date limite de réception des candidatures", f"{deadline:%d/%m/%Y}", deadline.date()),
            ("Analyse des candidatures et sélection", f"{committee:%d/%m/%Y}", committee),
        ],
    )
    evaluateurs = list(User.objects.filter(structure=source.structure, role=User.Role.EVALUATEUR).order_by("email"))
    ami.evaluateurs.add(*evaluateurs)
    dossiers = []
    for data in CANDIDATS[1:3]:  # Pyrène Psychologie du Travail, Coopérative Tisser Liens
        dossier, user = dossier_draft(ami, data, antennes, when=deadline - datetime.timedelta(days=9))
        with at(deadline - datetime.timedelta(days=2)):
            dossier_submit(dossier=dossier, user=user)
        dossiers.append(dossier)
    with at(deadline + datetime.timedelta(seconds=1)):  # the scheduled job, at the deadline
        ami_set_state(ami=ami, status=AMI.Status.CLOS)
    with at(deadline + datetime.timedelta(days=1)):
        for dossier in dossiers:
            dossier_set_eligibility(dossier=dossier, recevable=True, user=_staff())
    criteres = list(ami.criteres.filter(mode="note").order_by("ordre"))
    with at(deadline + datetime.timedelta(days=3)):
        karim = User.objects.get(email=SUBMITTED_BY)
        for dossier, scores, comments in zip(dossiers, SUBMITTED, SUBMITTED_COMMENTS, strict=True):
            grid_submit(dossier=dossier, evaluateur=karim, criteres=criteres, scores=scores, comments=comments)
    return ami
