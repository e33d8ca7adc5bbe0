"""The sites of a structure, from its file's `[[sites]]` (the MLHG's: the seed's table, AMI §1)."""

from mlhg_app.models import Antenne
from mlhg_app.services.structures import sync_fields

SITE_FIELDS = ("nom", "kind", "adresse", "code_postal", "ville")


def load(*, structure, source) -> list[str]:
    """Create or correct the structure's sites, in the file's order. Edited unavailable days are kept
    (headcounts are counted from the directory); a site's `jours_indisponibles` in the file is only its
    first value."""
    changes = []
    for ordre, site in enumerate(source.sites):
        values = {name: site[name] for name in SITE_FIELDS} | {"ordre": ordre}
        antenne = Antenne.objects.filter(code=site["code"]).first()
        if antenne is None:
            Antenne.objects.create(code=site["code"], jours_indisponibles=site.get("jours_indisponibles", []), **values)
            changes.append(f"site créé : {values['nom']}")
        elif sync_fields(antenne, values):
            changes.append(f"site corrigé : {values['nom']}")
    return changes
