"""Every root row belongs to a structure (issue 19): the migrations put existing rows in `mlhg`, names and
numbers are unique per structure, and a row is never put in some structure by guess."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_scopes import ScopeError

from mlhg_app.models import Antenne, Structure, User
from tests.factories import AMIFactory, AntenneFactory, ProgrammeFactory, UserFactory
from tests.structures import other_structure

BEFORE = [("mlhg_app", "0006_structure"), ("ami", "0009_avenant_prolongation"), ("seances", "0009_invoice")]


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


@pytest.mark.django_db
def test_a_providers_invoice_numbers_run_across_the_structures_it_invoices(structure):
    """A provider's invoices are numbered without a gap across its clients: in structure B, its next number
    follows its last one in A (read across structures; it sees nothing else of A)."""
    import datetime
    from decimal import Decimal

    from mlhg_app.structures import structure_scope
    from seances.models import Facture
    from seances.services.invoice import invoice_next_number
    from tests.factories import PrestataireFactory, ReleveFactory

    prestataire = PrestataireFactory()
    other = other_structure()
    with structure_scope(structure):
        releve = ReleveFactory(programme=ProgrammeFactory(prestataire=prestataire))
        Facture.objects.create(
            releve=releve, prestataire=prestataire, prefixe="FA-2026-", rang=1, numero="FA-2026-0001",
            date_emission=datetime.date(2026, 10, 1), echeance=datetime.date(2026, 10, 31), conditions_paiement="30 j",
            total_ht=Decimal("1"), total_tva=Decimal("0"), total_ttc=Decimal("1"), fichier="f.pdf", xml="<x/>",
            emise_par=releve.emis_par,
        )  # fmt: skip
    with structure_scope(other):
        assert not Facture.objects.exists()
        assert invoice_next_number(prestataire, "FA-2026-").endswith("0002")
