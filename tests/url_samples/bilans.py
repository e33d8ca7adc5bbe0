"""Samples for the bilans' URLs: the séances' sample programme with a remitted bilan, its comment,
a réunion with its minutes, and a ready PDF export of the remitted version."""

import datetime

from django.utils import timezone

from tests.url_samples import each, pk_of
from tests.url_samples.seances import programme

MINUTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bilan(world):
    if "bilan" not in world:
        from bilans.models import Bilan
        from bilans.services.export import export_request
        from bilans.services.opening import due_date
        from bilans.services.reunion import reunion_minutes_attach, reunion_set
        from bilans.services.review import comment_add
        from bilans.services.writing import bilan_remettre
        from mlhg_app.exports import export_run

        users = world["users"]
        prog = programme(world)
        # The « open » and « threshold » samples may have opened it already.
        b, _ = Bilan.objects.get_or_create(programme=prog, defaults={"echeance": due_date(prog)})
        b.thematiques = "La charge émotionnelle revient souvent."
        b.attention = "Prévoir un temps d'échange après un incident."
        b.preconisations = "Garder le même rythme."
        b.save()
        bilan_remettre(bilan=b, user=users["prestataire"])
        world["commentaire"] = comment_add(
            bilan=b, user=users["responsable"], section="attention", texte="Pouvez-vous préciser ?"
        )
        reunion_set(bilan=b, user=users["responsable"], when=timezone.now() + datetime.timedelta(days=10), lieu="Siège")
        b.refresh_from_db()
        reunion_minutes_attach(bilan=b, user=users["responsable"], data=MINUTES)
        export = export_request(bilan=b, user=users["responsable"])
        export_run(export_id=export.pk)
        world["export"] = export
        world["bilan"] = b
    return world["bilan"]


def commentaire(world):
    bilan(world)
    return world["commentaire"]


def export(world):
    bilan(world)
    return world["export"]


_bilan = pk_of(bilan)

SAMPLES = {
    **each(pk_of(programme), "bilans:open", "bilans:threshold"),
    **each(_bilan, "bilans:detail", "bilans:write", "bilans:remettre", "bilans:comment", "bilans:validate"),
    "bilans:reply": pk_of(commentaire),
    **each(_bilan, "bilans:reunion", "bilans:reunion_ics", "bilans:reunion_minutes", "bilans:export"),
    "bilans:chart": lambda w: {"pk": bilan(w).pk, "name": "themes"},
    **each(pk_of(export), "bilans:export_status", "bilans:export_download"),
    # Participant feedback (issue 20): the programme's aggregated figures.
    "bilans:feedback": pk_of(programme),
}
