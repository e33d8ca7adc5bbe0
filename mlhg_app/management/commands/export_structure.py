from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mlhg_app.models import Structure
from mlhg_app.structure_archive import export_filename, structure_export


class Command(BaseCommand):
    help = (
        "Exporte toutes les données d'une structure en une archive ZIP : ses lignes en JSON "
        "(donnees/<modèle>.json), ses fichiers (fichiers/…) et un sommaire (structure.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("structure", help="l'identifiant (slug) de la structure, par exemple mlhg")
        parser.add_argument("--sortie", help="le fichier ZIP à écrire (par défaut : structure-<slug>-<date>.zip)")

    def handle(self, *args, structure, sortie=None, **options):
        found = Structure.objects.filter(slug=structure).first()
        if found is None:
            raise CommandError(f"Aucune structure « {structure} ». Structures : {_known()}.")
        path = Path(sortie or export_filename(found))
        if path.exists():
            raise CommandError(f"{path} existe déjà : rien n'a été écrit (choisissez un autre --sortie).")
        with path.open("xb") as handle:
            manifest = structure_export(structure=found, handle=handle)
        rows = sum(c["lignes"] for c in manifest["contenu"].values())
        files = sum(c["fichiers"] for c in manifest["contenu"].values())
        self.stdout.write(
            self.style.SUCCESS(f"{found.nom} exportée dans {path} : {rows} ligne(s), {files} fichier(s).")
        )


def _known() -> str:
    return ", ".join(Structure.objects.order_by("slug").values_list("slug", flat=True)) or "aucune"
