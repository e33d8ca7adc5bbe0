"""Demo: the provider's review of the 2026-2027 programme, a draft the administration began yesterday (issue 20):
three criteria assessed, the price criterion and the overall assessment still to write; not shared, so the
prestataire sees nothing of it. Built through the services (`revue_open`, `revue_write`). Idempotent."""

import datetime
from zoneinfo import ZoneInfo

from mlhg_app.demo import at
from mlhg_app.models import User
from seances.models import RevuePrestation
from seances.services.review import revue_open, revue_write

DRAFTED = datetime.time(16, 0)
ASSESSMENTS = {
    "methodologie": (
        "satisfaisant",
        "Le déroulé en codéveloppement est tenu d'une séance à l'autre ; les conseillers disent y trouver un cadre "
        "sûr. À suivre : la place laissée aux situations urgentes apportées en début de séance.",
    ),
    "experience": (
        "tres_satisfaisant",
        "Deux intervenants expérimentés, stables sur leurs sites, qui connaissent le travail en Mission Locale.",
    ),
    "couverture": (
        "satisfaisant",
        "Les sept sites ont eu leur première séance en septembre ou en octobre, comme l'AMI le demandait.",
    ),
}


def load_review(*, programme, today) -> RevuePrestation | None:
    """The draft review of `programme`, written the day before `today` by the administration."""
    if RevuePrestation.objects.filter(programme=programme).exists():
        return None
    staff = User.objects.filter(email="direction@demo.ml31.org").first()
    if staff is None:
        return None
    moment = datetime.datetime.combine(today - datetime.timedelta(days=1), DRAFTED, tzinfo=ZoneInfo("Europe/Paris"))
    with at(moment):
        revue = revue_open(programme=programme, by=staff)
        codes = set(revue.criteres.values_list("code", flat=True))
        criteres = {
            code: {"niveau": niveau, "texte": texte} for code, (niveau, texte) in ASSESSMENTS.items() if code in codes
        }
        revue_write(revue=revue, by=staff, appreciation_generale="", criteres=criteres)
    return revue
