from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mlhg_app.demo import demo_load_all
from mlhg_app.structures import across_structures


class Command(BaseCommand):
    help = (
        "Charge un jeu de données de démonstration réaliste à la date du jour et affiche "
        "une ligne par compte : rôle<TAB>adresse<TAB>mot de passe. Refusé quand DEBUG est désactivé."
    )

    # until the commands take --structure (issue 19, rls): they read and write across structures
    @across_structures
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo est réservé au développement : DEBUG est désactivé, rien n'a été chargé.")
        accounts = demo_load_all(today=timezone.localdate(), stdout=self.stderr)
        seen = set()
        for role, email, password in accounts:
            if email in seen:
                continue
            seen.add(email)
            self.stdout.write(f"{role}\t{email}\t{password}")
