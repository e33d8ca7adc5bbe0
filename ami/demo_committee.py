"""Demo: a second AMI whose committee is at work today, so that the evaluators' home has grids to fill.

« AMI complémentaire » (analyse de pratiques des chargés d'accueil), closed five days ago: two dossiers
received and declared recevable; Karim Benali has submitted his grids, Sophie Lacombe and Hélène Marty have
theirs to fill before the selection committee, a dated step of its calendar. Called by `ami.demo.load`, through
the services. Idempotent.
"""

import datetime

from ami.models import AMI, Dossier, Jalon
from ami.services.eligibility import dossier_set_eligibility
from ami.services.states import ami_set_state
from ami.services.submission import dossier_submit
from mlhg_app.models import User

REFERENCE = "ami-complementaire-accueil"
# Karim Benali's grids, per dossier (méthodologie, expérience, couverture).
SUBMITTED = {"evaluateur@demo.ml31.org": [(8, 7, 9), (7, 8, 6)]}


def load_committee(*, today: datetime.date, source: AMI, antennes) -> AMI | None:
    """The complementary AMI, its two recevable dossiers and one evaluator's grids (None if already there)."""
    # late: the demo's organisations and their dossiers' contents are ami.demo's, which calls this function
    from ami.demo import CANDIDATS, PARIS, _fill, _organisation, copy_text, grid_submit

    if AMI.objects.filter(reference=REFERENCE).exists():
        return None
    deadline = datetime.datetime.combine(today - datetime.timedelta(days=5), datetime.time(12, 0), tzinfo=PARIS)
    published = deadline - datetime.timedelta(days=35)
    ami = AMI.objects.create(
        reference=REFERENCE,
        titre="AMI complémentaire – analyse de pratiques des chargés d'accueil",
        annee=today.year,
        date_publication=published.date(),
        date_limite=deadline,
        contact_nom=source.contact_nom,
        contact_telephone=source.contact_telephone,
        contact_email=source.contact_email,
    )
    copy_text(source, ami)
    for ordre, (libelle, date) in enumerate(
        [
            ("Date limite de réception des candidatures", deadline.date()),
            ("Analyse des candidatures et sélection", today + datetime.timedelta(days=10)),
        ]
    ):
        Jalon.objects.create(ami=ami, ordre=ordre, libelle=libelle, quand=f"{date:%d/%m/%Y}", date=date)
    evaluateurs = list(User.objects.filter(role=User.Role.EVALUATEUR).order_by("email"))
    ami.evaluateurs.add(*evaluateurs)
    ami_set_state(ami=ami, status=AMI.Status.PUBLIE, now=published)
    dossiers = []
    for data in CANDIDATS[1:3]:  # Pyrène Psychologie du Travail, Coopérative Tisser Liens
        prestataire, user = _organisation(data)
        dossier = Dossier.objects.create(ami=ami, prestataire=prestataire)
        _fill(dossier, data, antennes)
        dossier_submit(dossier=dossier, user=user, now=deadline - datetime.timedelta(days=2))
        dossiers.append(dossier)
    ami_set_state(ami=ami, status=AMI.Status.CLOS)
    staff = User.objects.get(email="direction@demo.ml31.org")
    for dossier in dossiers:
        dossier_set_eligibility(dossier=dossier, recevable=True, user=staff)
    criteres = list(ami.criteres.filter(mode="note").order_by("ordre"))
    for evaluateur in evaluateurs:
        for dossier, scores in zip(dossiers, SUBMITTED.get(evaluateur.email, []), strict=False):
            grid_submit(dossier=dossier, evaluateur=evaluateur, criteres=criteres, scores=scores)
    return ami
