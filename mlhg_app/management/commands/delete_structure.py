from django.core.management.base import BaseCommand, CommandError

from mlhg_app.models import Structure
from mlhg_app.refusals import Refused
from mlhg_app.services.structures import structure_delete


class Command(BaseCommand):
    help = (
        "Supprime une structure et toutes ses données (lignes et fichiers), après confirmation. Refusé tant "
        "qu'elle a un AMI en cours ou un programme en cours, sauf --force. Exportez-la d'abord (export_structure)."
    )

    def add_arguments(self, parser):
        parser.add_argument("structure", help="l'identifiant (slug) de la structure à supprimer")
        parser.add_argument("--force", action="store_true", help="supprimer même avec un AMI ou un programme en cours")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="ne pas demander de confirmation"
        )

    def handle(self, *args, structure, force=False, interactive=True, **options):
        found = Structure.objects.filter(slug=structure).first()
        if found is None:
            raise CommandError(f"Aucune structure « {structure} » : rien n'a été supprimé.")
        if interactive:
            answer = input(
                f"Toutes les données de {found.nom} seront supprimées, sans retour possible.\n"
                f"Tapez son identifiant ({found.slug}) pour confirmer : "
            )
            if answer.strip() != found.slug:
                raise CommandError("Confirmation non reçue : rien n'a été supprimé.")
        try:
            done = structure_delete(structure=found, force=force)
        except Refused as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{found.nom} supprimée : {done['lignes']} ligne(s) et {done['fichiers']} fichier(s) effacés."
            )
        )
