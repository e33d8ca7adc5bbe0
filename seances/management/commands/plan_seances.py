from django.core.management.base import CommandError

from mlhg_app.management.structure_command import StructureCommand
from seances.calendar_rules import date_long_fr, time_fr
from seances.models import Groupe, IntervenantProgramme, Programme
from seances.services.planning import programme_plan


class Command(StructureCommand):
    help = (
        "Place les séances sans date d'un programme (dates, horaires, intervenants) avec le solveur CP-SAT ; "
        "les séances déjà placées sont conservées. Le programme est cherché dans la structure --structure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, required=True, help="Identifiant du programme.")
        parser.add_argument("--dry-run", action="store_true", help="Affiche le plan sans rien enregistrer.")
        parser.add_argument("--time-limit", type=float, default=20.0, help="Temps de calcul maximal (s).")

    def handle(self, *args, **options):
        programme = Programme.objects.filter(pk=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Programme {options['programme']} introuvable.")
        dry_run = options["dry_run"]
        result = programme_plan(programme=programme, dry_run=dry_run, time_limit=options["time_limit"])
        if not result.ok:
            self.stderr.write(f"Aucun plan possible pour le {programme} :")
            for reason in result.reasons:
                self.stderr.write(f"- {reason}")
            raise CommandError("Planification impossible : rien n'a été enregistré.", returncode=1)

        if result.placed == 0:
            self.stdout.write(f"Toutes les séances sont planifiées : rien à placer, {result.kept} conservée(s).")
            return
        groupes = {g.pk: g for g in Groupe.objects.filter(programme=programme).select_related("antenne")}
        intervenants = {i.pk: i for i in IntervenantProgramme.objects.filter(programme=programme)}
        for a in result.assignments:
            line = f"{date_long_fr(a.date)} à {time_fr(a.start)} – {groupes[a.group_key]} – {intervenants[a.intervenant_key]}"
            self.stdout.write(line + (" (conservée)" if a.fixed else ""))
        proven = "optimal" if result.optimal else "non prouvé optimal"
        self.stdout.write(f"Objectif : {result.objective} ({proven}), calculé en {result.wall_time:.1f} s.")
        counts = f"{result.placed} séance(s) à proposer, {result.kept} conservée(s)"
        if dry_run:
            self.stdout.write(f"Simulation : {counts}, rien n'a été enregistré.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Plan enregistré : {counts}."))
