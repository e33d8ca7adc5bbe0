"""Every root row belongs to a structure (issue 19): the migrations put existing rows in `mlhg`, names and
numbers are unique per structure, and a row is never put in some structure by guess."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_scopes import ScopeError

from mlhg_app.models import Antenne, Structure, User
from tests.factories import AMIFactory, AntenneFactory, ProgrammeFactory, UserFactory

BEFORE = [("mlhg_app", "0006_structure"), ("ami", "0009_avenant_prolongation"), ("seances", "0009_invoice")]


def other_structure(slug="autre"):
    return Structure.objects.create(
        slug=slug,
        nom=f"Mission Locale {slug}",
        nom_court=slug.upper(),
        siret="12345678901234",
        adresse_siege="1 place de la Mairie",
        code_postal="09000",
        ville="Foix",
        signataire_nom="A. Martin",
        signataire_qualite="Directrice",
        courriel_expediteur=f"ne-pas-repondre@{slug}.test",
        courriel_contact=f"contact@{slug}.test",
    )


@pytest.fixture
def every_migration_back():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_structures_go_to_mlhg_created_with_its_identity(every_migration_back):
    Structure.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    site = old.get_model("mlhg_app", "Antenne").objects.create(
        code="muretain", nom="Antenne Muretain", adresse="18 Rue Adolphine Bonnet", code_postal="31600", ville="Muret"
    )
    OldUser = old.get_model("mlhg_app", "User")
    OldUser.objects.create(email="conseil@ml31.org", role="conseiller", antenne_id=site.pk)
    OldUser.objects.create(email="presta@exemple.fr", role="prestataire")
    OldUser.objects.create(email="tech@ml31.org", role="staff", is_superuser=True)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    mlhg = Structure.objects.get()
    assert (mlhg.slug, mlhg.nom, mlhg.adresse_siege, mlhg.code_postal, mlhg.ville) == (
        "mlhg",
        "Mission Locale Haute-Garonne",
        "6-8 boulevard Florence Arthaud",
        "31200",
        "Toulouse",
    )
    assert Antenne.objects.get().structure == mlhg
    assert dict(User.objects.values_list("email", "structure__slug")) == {
        "conseil@ml31.org": "mlhg",
        "presta@exemple.fr": None,  # prestataire-side accounts are shared
        "tech@ml31.org": None,  # a technical superuser belongs to none
    }


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_no_structure_from_its_migrations(every_migration_back):
    Structure.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert not Structure.objects.exists()


@pytest.mark.django_db
def test_codes_references_and_years_are_unique_per_structure(structure):
    other = other_structure()
    AntenneFactory(structure=structure, code="muretain", nom="Antenne Muretain")
    AntenneFactory(structure=other, code="muretain", nom="Antenne Muretain")
    AMIFactory(structure=structure, reference="ami-2026")
    AMIFactory(structure=other, reference="ami-2026")
    ProgrammeFactory(structure=structure, annee_debut=2026)
    ProgrammeFactory(structure=other, annee_debut=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        Antenne.objects.create(
            structure=other, code="muretain", nom="Autre nom", adresse="x", code_postal="09000", ville="Foix"
        )


@pytest.mark.django_db
def test_a_row_takes_the_only_structure_but_never_guesses_among_several(structure):
    assert UserFactory(role="staff", antenne=None).structure == structure
    assert UserFactory(role="prestataire", antenne=None).structure is None
    other_structure()
    with pytest.raises(ScopeError):
        Antenne.objects.create(code="x", nom="X", adresse="x", code_postal="09000", ville="Foix")
