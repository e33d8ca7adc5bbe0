"""`python manage.py backup` (`make backup`): the database and the media folder in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mlhg_app.backups import BackupError, backup_create
from mlhg_app.structures import across_structures


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés dans une archive .tar.gz (voir mlhg_app/backups.py)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, help="Dossier de l'archive (par défaut BACKUP_DIR, var/backups)."
        )

    # until the commands take --structure (issue 19, rls): they read and write across structures
    @across_structures
    def handle(self, *args, output_dir=None, **options):
        try:
            archive = backup_create(output_dir=output_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Sauvegarde écrite : {archive}")
        return str(archive)
