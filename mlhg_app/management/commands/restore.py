"""`python manage.py restore ARCHIVE` (`make restore FILE=…`): puts a backup back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mlhg_app.backups import BackupError, backup_restore
from mlhg_app.structures import across_structures


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (make backup) : la base de données et les fichiers déposés. "
        "Ce qui est remplacé est d'abord mis de côté (fichier SQLite, dossier des fichiers) ; dans un bucket S3, "
        "les fichiers de la sauvegarde remplacent ceux de même nom."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="L'archive .tar.gz écrite par make backup.")
        parser.add_argument("--database-url", default="", help="Base cible (par défaut : celle de DATABASE_URL).")
        parser.add_argument(
            "--media-root",
            type=Path,
            help="Dossier cible des fichiers (par défaut : le stockage configuré, MEDIA_ROOT ou le bucket S3).",
        )
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Ne pas demander de confirmation.")

    # until the commands take --structure (issue 19, rls): they read and write across structures
    @across_structures
    def handle(self, *args, archive, database_url, media_root, noinput, **options):
        if not noinput:
            answer = input(
                "La base de données et les fichiers déposés vont être remplacés par ceux de la sauvegarde. "
                "Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée : rien n'a été modifié.")
        try:
            summary = backup_restore(archive=archive, database_url=database_url, media_root=media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        count = summary["fichiers_media"]
        self.stdout.write(f"Sauvegarde restaurée ({summary['base']}, {count} fichier{'s' if count > 1 else ''}).")
        for path in summary["mis_de_cote"]:
            self.stdout.write(f"Mis de côté avant restauration : {path}")
        if left := summary["laisses_en_place"]:
            self.stdout.write(
                f"{left} fichier{'s' if left > 1 else ''} du stockage absent{'s' if left > 1 else ''} de la "
                f"sauvegarde laissé{'s' if left > 1 else ''} en place."
            )
