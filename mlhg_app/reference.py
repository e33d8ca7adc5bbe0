"""The sites of a structure, from its file's `[[sites]]` (the MLHG's: the seed's table, AMI §1)."""

from mlhg_app.models import Antenne, Structure
from mlhg_app.services.structures import sync_fields
from mlhg_app.structure_file import MLHG_FILE, read_structure_file

SITE_FIELDS = ("nom", "kind", "adresse", "code_postal", "ville")


def mlhg_structure() -> Structure:
    """The structure `mlhg`, created with the identity of MLHG's file when missing (never overwritten here:
    `load_mlhg` corrects it)."""
    identity = read_structure_file(MLHG_FILE).identity
    return Structure.objects.get_or_create(slug=identity["slug"], defaults=identity)[0]


def load(*, structure=None, source=None) -> list[str]:
    """Create or correct the structure's sites, in the file's order (MLHG's file by default). Edited
    unavailable days are kept (headcounts are counted from the directory); a site's `jours_indisponibles`
    in the file is only its first value."""
    source = source or read_structure_file(MLHG_FILE)
    structure = structure or mlhg_structure()
    changes = []
    for ordre, site in enumerate(source.sites):
        values = {name: site[name] for name in SITE_FIELDS} | {"ordre": ordre}
        antenne = Antenne.objects.filter(structure=structure, code=site["code"]).first()
        if antenne is None:
            Antenne.objects.create(
                structure=structure,
                code=site["code"],
                jours_indisponibles=site.get("jours_indisponibles", []),
                **values,
            )
            changes.append(f"site créé : {values['nom']}")
        elif sync_fields(antenne, values):
            changes.append(f"site corrigé : {values['nom']}")
    return changes
