"""A second structure for the isolation tests (issue 19): its identity, its reference data, its scope."""

from mlhg_app.models import Structure
from mlhg_app.structures import structure_scope


def other_structure(slug="autre", **fields) -> Structure:
    """A second Mission Locale, without data."""
    return Structure.objects.create(
        **{
            "slug": slug,
            "nom": f"Mission Locale {slug.capitalize()}",
            "nom_court": slug.upper(),
            "siret": "12345678901234",
            "adresse_siege": "1 place de la Mairie",
            "code_postal": "09000",
            "ville": "Foix",
            "signataire_nom": "A. Martin",
            "signataire_qualite": "Directrice",
            "courriel_expediteur": f"ne-pas-repondre@{slug}.test",
            "courriel_contact": f"contact@{slug}.test",
            **fields,
        }
    )


def with_reference(structure: Structure) -> Structure:
    """The structure with the seed's places, AMI and themes loaded into it (the same texts as MLHG's)."""
    from ami import reference as ami_reference
    from mlhg_app import reference as places
    from mlhg_app.structure_file import MLHG_FILE, read_structure_file
    from seances import reference as themes

    source = read_structure_file(MLHG_FILE)
    with structure_scope(structure):
        for module in (places, ami_reference, themes):
            module.load(structure=structure, source=source)
    return structure
