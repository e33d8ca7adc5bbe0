"""The MLHG's places, exactly as in the seed's table (AMI §1)."""

from mlhg_app.migrations._structure_mlhg import MLHG
from mlhg_app.models import Antenne, Structure

# MLHG's identity: the one its migrations gave the structure `mlhg` (seed §1; no SIRET in the seed).
SLUG = MLHG["slug"]
IDENTITY = {name: value for name, value in MLHG.items() if name != "slug"}

PLACES = [
    # code, nom, kind, adresse, code postal, ville
    ("siege", "Siège social", Antenne.Kind.SIEGE, "6-8 boulevard Florence Arthaud", "31200", "Toulouse"),
    ("nord-est", "Antenne Nord-Est", Antenne.Kind.ANTENNE, "14, Route de Fronton", "31140", "Aucamville"),
    ("nord-ouest", "Antenne Nord-Ouest", Antenne.Kind.ANTENNE, "21 Avenue d'Andromède", "31700", "Blagnac"),
    ("muretain", "Antenne Muretain", Antenne.Kind.ANTENNE, "18 Rue Adolphine Bonnet", "31600", "Muret"),
    (
        "lauragais",
        "Antenne Lauragais",
        Antenne.Kind.ANTENNE,
        "Rue du Village d'Entreprises, 25 Rue Pierre Gilles de Gennes – Bâtiment 10",
        "31670",
        "Labège",
    ),
    ("comminges", "Antenne Comminges", Antenne.Kind.ANTENNE, "7 Boulevard Pasteur", "31800", "Saint-Gaudens"),
    ("sud-garonne", "Antenne Sud Garonne", Antenne.Kind.ANTENNE, "32 Ter Place de la République", "31390", "Carbonne"),
    ("ouest", "Antenne Ouest", Antenne.Kind.ANTENNE, "6 Avenue Edouard Serres", "31770", "Colomiers"),
]


def sync_fields(obj, values: dict) -> bool:
    """Set the values that differ; return True when something changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def mlhg_structure() -> Structure:
    """The structure `mlhg`, created with MLHG's identity when missing (never overwritten)."""
    return Structure.objects.get_or_create(slug=SLUG, defaults=IDENTITY)[0]


def load(structure: Structure | None = None) -> list[str]:
    """Create or correct the 8 places. Edited unavailable days are kept (headcounts are counted from the directory)."""
    changes = []
    if structure is None:
        structure, created = Structure.objects.get_or_create(slug=SLUG, defaults=IDENTITY)
        if created:
            changes.append(f"structure créée : {structure.nom}")
    for ordre, (code, nom, kind, adresse, cp, ville) in enumerate(PLACES):
        values = {"nom": nom, "kind": kind, "adresse": adresse, "code_postal": cp, "ville": ville, "ordre": ordre}
        antenne = Antenne.objects.filter(structure=structure, code=code).first()
        if antenne is None:
            Antenne.objects.create(structure=structure, code=code, **values)
            changes.append(f"site créé : {nom}")
        elif sync_fields(antenne, values):
            changes.append(f"site corrigé : {nom}")
    return changes
