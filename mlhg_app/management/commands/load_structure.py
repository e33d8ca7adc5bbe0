from django.core.management.base import BaseCommand, CommandError

from mlhg_app.services.structures import structure_load
from mlhg_app.structure_file import StructureFileError, read_structure_file


class Command(BaseCommand):
    help = (
        "Charge une structure (Mission Locale) depuis son fichier TOML : son identité, son siège et ses "
        "antennes, l'AMI de référence qu'il nomme (idempotent). Exemple : mlhg_app/structures/mlhg.toml."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="le fichier TOML de la structure")

    def handle(self, *args, fichier, **options):
        try:
            source = read_structure_file(fichier)
        except StructureFileError as error:
            raise CommandError(f"Rien n'a été chargé. {error}") from None
        structure, changes = structure_load(source=source)
        if not changes:
            self.stdout.write(f"Référentiel de {structure.nom} déjà à jour : aucune modification.")
            return
        for line in changes:
            self.stdout.write(f"- {line}")
        self.stdout.write(
            self.style.SUCCESS(f"Référentiel de {structure.nom} chargé : {len(changes)} modification(s).")
        )
