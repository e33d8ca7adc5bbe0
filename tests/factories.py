import factory

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
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-solide-42")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
