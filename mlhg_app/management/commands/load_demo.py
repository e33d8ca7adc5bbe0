from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from mlhg_app.app_modules import app_modules


class Command(BaseCommand):
    help = (
        "Charge un jeu de données de démonstration réaliste à la date du jour et affiche "
        "une ligne par compte : rôle<TAB>adresse<TAB>mot de passe. Refusé quand DEBUG est désactivé."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo est réservé au développement : DEBUG est désactivé, rien n'a été chargé.")
        call_command("load_mlhg", stdout=self.stderr)
        today = timezone.localdate()
        accounts: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for module in app_modules("demo"):
                accounts.extend(module.load(today=today) or [])
        seen = set()
        for role, email, password in accounts:
            if email in seen:
                continue
            seen.add(email)
            self.stdout.write(f"{role}\t{email}\t{password}")
