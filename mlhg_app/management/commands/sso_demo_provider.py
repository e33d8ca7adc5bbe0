import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mlhg_app.models import User
from mlhg_app.structures import across_structures

UNKNOWN = "inconnu@demo.ml31.org"


def demo_claims() -> list[tuple[str, dict]]:
    """(subject, claims) of the provider's predefined users: the demo's MLHG people, as Entra ID sends them
    (`email`, `preferred_username`, no `email_verified`), then a prestataire, an intervenant, the
    deactivated people and an address the directory does not know, to see each refusal."""
    order = [User.Role.STAFF, User.Role.EVALUATEUR, User.Role.RESPONSABLE]
    staff = User.objects.filter(role__in=order, is_active=True, email__endswith="@demo.ml31.org").order_by("email")
    people = sorted(staff, key=lambda person: order.index(person.role))
    conseillers = User.objects.filter(role=User.Role.CONSEILLER, is_active=True).order_by("antenne__ordre", "pk")
    people += list(conseillers.filter(email="manon.dupuy@demo.ml31.org")) + list(conseillers[:2])
    people += list(User.objects.filter(role__in=[User.Role.PRESTATAIRE, User.Role.INTERVENANT]).order_by("pk")[:2])
    people += list(User.objects.filter(is_active=False).order_by("pk")[:2])
    found = [
        (person.email, {"email": person.email, "preferred_username": person.email, "name": person.get_full_name()})
        for person in people
    ]
    return [*found, (UNKNOWN, {"email": UNKNOWN, "preferred_username": UNKNOWN, "name": "Personne inconnue"})]


class Command(BaseCommand):
    help = (
        "Démarre un fournisseur OpenID Connect local (oidc-provider-mock, requirements-dev.txt) dont la page de "
        "connexion propose les comptes de la démonstration : `make run-sso`. Refusé quand DEBUG est désactivé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=9400)

    # until the commands take --structure (issue 19, rls): they read and write across structures
    @across_structures
    def handle(self, *args, port, **options):
        if not settings.DEBUG:
            raise CommandError("sso_demo_provider est réservé au développement : DEBUG est désactivé.")
        # late: a development tool (requirements-dev.txt), never loaded by the application itself
        import werkzeug.serving
        from oidc_provider_mock import User as ProviderUser
        from oidc_provider_mock import app

        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on the loopback only
        users = [ProviderUser(sub=sub, claims=claims) for sub, claims in demo_claims()]
        for sub, _claims in demo_claims():
            self.stdout.write(f"compte proposé\t{sub}")
        self.stdout.write(f"Fournisseur OpenID Connect de démonstration sur http://127.0.0.1:{port}")
        werkzeug.serving.run_simple("127.0.0.1", port, app(user_claims=users), threaded=True)
