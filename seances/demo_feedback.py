"""Demo of the participants' feedback (issue 20): window 1's held séances, answered through the service at
their dates; enough answers on some sites (their averages shown), too few on others (masked).

Called by the séances demo: `load_feedback(programme=..., today=...)`. Idempotent (a used link is refused)."""

import datetime
from zoneinfo import ZoneInfo

from mlhg_app.demo import at
from mlhg_app.refusals import Refused
from seances.feedback_tokens import feedback_token
from seances.models import Emargement, Seance
from seances.services.feedback import feedback_answer, feedback_invite

PARIS = ZoneInfo("Europe/Paris")
# Of each held séance's present conseillers, how many answer: by site order, most of them on three sites,
# two on the others (below k: those sites' figures stay masked).
MANY, FEW = 0.85, 2
REMARKS = ("Un vrai temps pour souffler.", "J'aurais aimé plus de temps pour le second cas.", "")


def load_feedback(*, programme, today) -> int:
    """Invite the present conseillers of window 1's held séances and record some answers; returns how many."""
    seances = (
        Seance.objects.filter(programme=programme, fenetre__numero=1, status=Seance.Status.REALISEE, date__lt=today)
        .select_related("groupe__antenne")
        .order_by("groupe__antenne__ordre", "groupe__numero")
    )
    answered = 0
    for rank, seance in enumerate(seances):
        emargement = Emargement.objects.filter(seance=seance).first()
        if emargement is None:
            continue
        with at(datetime.datetime.combine(seance.date, datetime.time(19, 0), tzinfo=PARIS)):
            feedback_invite(seance=seance)
        presents = list(emargement.presents.filter(role="conseiller").order_by("last_name", "first_name"))
        count = round(len(presents) * MANY) if rank % 2 == 0 else FEW
        for i, person in enumerate(presents[:count]):
            scores = {"libre": 5 - i % 2, "pratique": 4 - (rank + i) % 3 // 2, "recul": 3 + (i + rank) % 3}
            # answered over the days after the séance, at their own pace
            moment = datetime.datetime.combine(seance.date + datetime.timedelta(days=1 + i % 5), datetime.time(12, 0))
            with at(moment.replace(tzinfo=PARIS)):
                try:
                    feedback_answer(
                        user=person, token=feedback_token(person, seance), remarque=REMARKS[i % 3], **scores
                    )
                except Refused:  # already answered (the demo loaded twice)
                    continue
            answered += 1
    return answered
