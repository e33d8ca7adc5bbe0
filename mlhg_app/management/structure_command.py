"""The one way a management command works in a structure (issue 19): `--structure <slug>`, or the only one.

A command that reads or writes scoped data inherits `StructureCommand` instead of `BaseCommand`: its
`handle` then runs inside `structure_scope` (django-scopes and the database setting of the RLS
policies); `self.structure` is that structure. Without `--structure` the only structure is taken; with
none or several, the command stops with a French message naming the choices.
"""

from django.core.management.base import BaseCommand, CommandError

from mlhg_app.models import Structure
from mlhg_app.structures import structure_scope


def structure_for_command(slug: str | None) -> Structure:
    if slug:
        structure = Structure.objects.filter(slug=slug).first()
        if structure is None:
            known = ", ".join(Structure.objects.order_by("slug").values_list("slug", flat=True)) or "aucune"
            raise CommandError(f"Structure « {slug} » introuvable (structures : {known}).")
        return structure
    structures = list(Structure.objects.order_by("slug")[:2])
    if not structures:
        raise CommandError("Aucune structure enregistrée : chargez-en une d'abord (load_structure).")
    if len(structures) > 1:
        known = ", ".join(Structure.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"Plusieurs structures : précisez laquelle avec --structure ({known}).")
    return structures[0]


class StructureCommand(BaseCommand):
    """A command whose `handle` runs in one structure's scope (`--structure`, or the only structure)."""

    structure: Structure

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--structure",
            metavar="SLUG",
            help="La structure (Mission Locale) où travailler ; facultatif quand il n'y en a qu'une.",
        )
        return parser

    def execute(self, *args, **options):
        self.structure = structure_for_command(options.get("structure"))
        with structure_scope(self.structure):
            return super().execute(*args, **options)
