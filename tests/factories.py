import datetime
from zoneinfo import ZoneInfo

import factory

from ami.models import AMI, Critere, Dossier, Membre, Prestataire, siret_is_valid
from mlhg_app.models import Antenne, User


class AntenneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Antenne
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"antenne-{n}")
    nom = factory.Sequence(lambda n: f"Antenne de test {n}")
    kind = Antenne.Kind.ANTENNE
    adresse = "1 rue de la République"
    code_postal = "31000"
    ville = "Toulouse"
    effectif_conseillers = 12


PASSWORD = "mot-de-passe-solide-42"  # every UserFactory user's
ROLES = [r.value for r in User.Role]  # the `users` fixture makes one user per role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    role = User.Role.CONSEILLER
    antenne = factory.SubFactory(AntenneFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# -- AMI ---------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


class AMIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AMI
        django_get_or_create = ("reference",)
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"ami-test-{n}")
    titre = factory.Sequence(lambda n: f"AMI de test {n}")
    annee = 2026
    status = AMI.Status.PUBLIE
    date_publication = datetime.date(2026, 4, 27)
    date_limite = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)

    @factory.post_generation
    def criteres(obj, create, extracted, **kwargs):
        if not create or obj.criteres.exists():
            return
        for ordre, (code, libelle, poids, mode) in enumerate(
            [
                ("methodologie", "Méthodologie", 40, Critere.Mode.NOTE),
                ("experience", "Expérience et qualifications", 30, Critere.Mode.NOTE),
                ("couverture", "Couverture des sites", 15, Critere.Mode.NOTE),
                ("prix", "Proposition financière", 15, Critere.Mode.CALCULE),
            ]
        ):
            Critere.objects.create(ami=obj, code=code, libelle=libelle, poids=poids, mode=mode, ordre=ordre)


def luhn_siret(n: int) -> str:
    """A valid 14-digit SIRET built from a sequence number."""
    body = f"{n:013d}"
    for last in range(10):
        candidate = body + str(last)
        if siret_is_valid(candidate):
            return candidate
    raise AssertionError("unreachable")


class PrestataireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prestataire

    raison_sociale = factory.Sequence(lambda n: f"Cabinet Horizon {n}")
    statut_juridique = "SARL"
    siret = factory.Sequence(lambda n: luhn_siret(1000 + n))
    adresse = "12 rue des Lois"
    code_postal = "31000"
    ville = "Toulouse"
    contact_nom = "Claire Delmas"


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    user = factory.SubFactory(UserFactory, role=User.Role.PRESTATAIRE, antenne=None)
    prestataire = factory.SubFactory(PrestataireFactory)
    email_verified_at = factory.LazyFunction(lambda: datetime.datetime(2026, 5, 1, 10, 0, tzinfo=PARIS))


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    ami = factory.SubFactory(AMIFactory)
    prestataire = factory.SubFactory(PrestataireFactory)
