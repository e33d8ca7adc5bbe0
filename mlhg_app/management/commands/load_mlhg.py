from django.core.management import call_command
from django.core.management.base import BaseCommand

from mlhg_app import structure_file
from mlhg_app.structures import across_structures


class Command(BaseCommand):
    help = (
        "Charge le référentiel de la MLHG : son identité, le siège et les 7 antennes, l'AMI 2026 "
        "(idempotent ; load_structure mlhg_app/structures/mlhg.toml)."
    )

    # until the commands take --structure (issue 19, rls): they read and write across structures
    @across_structures
    def handle(self, *args, **options):
        call_command("load_structure", str(structure_file.MLHG_FILE), stdout=self.stdout, stderr=self.stderr)
