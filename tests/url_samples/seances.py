"""Samples for the séances' URLs: the demo-like programme with one séance of the conseiller's group."""


def programme(world):
    if "programme" not in world:
        from tests.seances_world import build_programme

        world["programme"] = build_programme(world["users"])
        world["seance"] = world["programme"].seances.get()
    return world["programme"]


def seance(world):
    """The conseiller's group's convoked séance (the planner may add others before it)."""
    programme(world)
    return world["seance"]


def feed_token(world):
    """A live feed of the conseiller: the feed answers 404 for an unknown token, 200 for a valid one."""
    if "feed" not in world:
        from seances.services.calendar_feeds import user_feed_get_or_create

        programme(world)
        world["feed"] = user_feed_get_or_create(user=world["users"]["conseiller"])
    return world["feed"].token


SAMPLES = {
    "seances:board": lambda w: {"pk": programme(w).pk},
    "seances:sites": lambda w: {"pk": programme(w).pk},
    "seances:plan": lambda w: {"pk": programme(w).pk},
    "seances:validate_all": lambda w: {"pk": programme(w).pk},
    "seances:seance_validate": lambda w: {"pk": seance(w).pk},
    "seances:seance_request_change": lambda w: {"pk": seance(w).pk},
    "seances:seance_move": lambda w: {"pk": seance(w).pk},
    "seances:seance_replan": lambda w: {"pk": seance(w).pk},
    "seances:seance_ics": lambda w: {"pk": seance(w).pk},
    "seances:feed": lambda w: {"token": feed_token(w)},
    "seances:attendance_pdf": lambda w: {"pk": realised(w).pk},
    "seances:attendance": lambda w: {"pk": realised(w).pk},
    "seances:compte_rendu": lambda w: {"pk": realised(w).pk},
    "seances:cancel": lambda w: {"pk": seance(w).pk},
    "seances:billable": lambda w: {"pk": seance(w).pk},
    "seances:statements": lambda w: {"pk": programme(w).pk},
    "seances:statement_pdf": lambda w: {"pk": statement(w).pk},
    "seances:statement_paid": lambda w: {"pk": statement(w).pk},
    "seances:dashboard": lambda w: {"pk": programme(w).pk},
    "seances:dashboard_chart": lambda w: {"pk": programme(w).pk, "name": "seances"},
    # Renewal into the next year (issue 20)
    "seances:renewal": lambda w: {"pk": programme(w).pk},
    "seances:not_renew": lambda w: {"pk": programme(w).pk},
    # The provider's review (issue 20)
    "seances:revue_open": lambda w: {"pk": programme(w).pk},
    "seances:revue": lambda w: {"pk": revue(w).pk},
    "seances:revue_edit": lambda w: {"pk": revue(w).pk},
    "seances:revue_share": lambda w: {"pk": revue(w).pk},
    "seances:revue_answer": lambda w: {"pk": revue(w).pk},
    "seances:revue_close": lambda w: {"pk": revue(w).pk},
    "seances:revue_pdf": lambda w: {"pk": revue(w).pk},
}


def revue(world):
    """The programme's provider review, a draft opened by staff (staff only until it is shared)."""
    if "revue" not in world:
        from seances.services.review import revue_open

        world["revue"] = revue_open(programme=programme(world), by=world["users"]["staff"])
    return world["revue"]


def realised(world):
    """A held séance (in the past, réalisée) of another group than the conseiller's, facilitated by the
    intervenant user; whether or not the planner already filled that group's first window."""
    if "realised" not in world:
        import datetime

        from seances.models import Seance
        from tests.factories import SeanceFactory

        prog = programme(world)
        first = seance(world)
        groupe = prog.groupes.exclude(pk=first.groupe_id).first()
        fenetre = prog.fenetres.get(numero=1)
        held = Seance.objects.filter(groupe=groupe, fenetre=fenetre).exclude(status__in=["annulee", "reportee"]).first()
        values = {
            "date": datetime.date(2026, 10, 20),
            "heure_debut": datetime.time(9, 30),
            "intervenant": first.intervenant,
        }
        if held is None:
            held = SeanceFactory(programme=prog, groupe=groupe, fenetre=fenetre, status="realisee", **values)
        else:
            Seance.objects.filter(pk=held.pk).update(status="realisee", **values)
            held.refresh_from_db()
        world["realised"] = held
    return world["realised"]


def statement(world):
    """A billing statement of the programme."""
    if "statement" not in world:
        import datetime

        from tests.factories import ReleveFactory

        world["statement"] = ReleveFactory(
            programme=programme(world),
            numero="REL-2026-001",
            sequence=1,
            periode_fin=datetime.date(2026, 12, 31),
            emis_par=world["users"]["staff"],
        )
    return world["statement"]


def feedback_token(world):
    """The conseiller's live feedback link: present at a held séance of its group, invited through the service."""
    if "feedback_token" not in world:
        import datetime

        from seances.feedback_tokens import feedback_token as token_for
        from seances.models import Emargement, Seance
        from seances.services.feedback import feedback_invite
        from tests.factories import SeanceFactory

        prog = programme(world)
        conseiller = world["users"]["conseiller"]
        groupe = prog.groupes.filter(membres=conseiller).first()
        fenetre = prog.fenetres.get(numero=3)
        seance = (
            Seance.objects.filter(groupe=groupe, fenetre=fenetre).exclude(status__in=["annulee", "reportee"]).first()
        )
        if seance is None:
            seance = SeanceFactory(
                programme=prog, groupe=groupe, fenetre=fenetre, intervenant=seance_intervenant(world)
            )
        Seance.objects.filter(pk=seance.pk).update(
            status="realisee", date=datetime.date.today() - datetime.timedelta(days=1)
        )
        seance.refresh_from_db()
        emargement, _ = Emargement.objects.get_or_create(
            seance=seance, defaults={"recorded_by": world["users"]["staff"]}
        )
        emargement.presents.add(conseiller)
        feedback_invite(seance=seance)
        world["feedback_token"] = token_for(conseiller, seance)
    return world["feedback_token"]


def seance_intervenant(world):
    return seance(world).intervenant


SAMPLES["seances:feedback"] = lambda w: {"token": feedback_token(w)}


SAMPLES.update(
    {
        # The statement as an invoice (issue 20)
        "seances:invoice": lambda w: {"pk": statement(w).pk},
        "seances:invoice_upload": lambda w: {"pk": statement(w).pk},
        "seances:invoice_pdf": lambda w: {"pk": statement(w).pk},
    }
)


def invoiced(world):
    """A statement with its invoice, generated by the prestataire through the service (a real Factur-X)."""
    if "invoiced" not in world:
        import datetime

        from seances.services.billing import statement_create
        from seances.services.invoice import invoice_generate
        from tests.factories import SeanceFactory

        prog = programme(world)
        held_on = datetime.date(2027, 1, 12)
        groupe = prog.groupes.exclude(membres=world["users"]["conseiller"]).order_by("pk").first()
        SeanceFactory(
            programme=prog,
            groupe=groupe,
            fenetre=prog.fenetres.get(numero=2),
            date=held_on,
            intervenant=seance_intervenant(world),
            status="realisee",
        )
        releve = statement_create(programme=prog, debut=held_on, fin=held_on, user=world["users"]["staff"])
        invoice_generate(releve=releve, user=world["users"]["prestataire"], prefixe="FA-", numero_tva="FR40303265045")
        world["invoiced"] = releve
    return world["invoiced"]


SAMPLES["seances:invoice_pdf"] = lambda w: {"pk": invoiced(w).pk}
SAMPLES.update(
    {
        # Participation certificates (issue 20)
        "seances:my_certificate": lambda w: {"pk": programme(w).pk},
        "seances:certificates_issue": lambda w: {"pk": programme(w).pk},
    }
)
