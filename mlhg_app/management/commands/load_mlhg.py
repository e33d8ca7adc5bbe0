from django.core.management.base import BaseCommand
from django.db import transaction

from mlhg_app.app_modules import app_modules
from mlhg_app.structures import across_structures


class Command(BaseCommand):
    help = "Charge le référentiel de la MLHG issu de l'AMI : les 8 sites et l'AMI 2026 (idempotent)."

    # until the commands take --structure (issue 19, rls): they read and write across structures
    @across_structures
    def handle(self, *args, **options):
        changes = []
        with transaction.atomic():
            for module in app_modules("reference"):
                changes.extend(module.load())
        if not changes:
            self.stdout.write("Référentiel déjà à jour : aucune modification.")
            return
        for line in changes:
            self.stdout.write(f"- {line}")
        self.stdout.write(self.style.SUCCESS(f"Référentiel chargé : {len(changes)} modification(s)."))
