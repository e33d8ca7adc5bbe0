"""A structure (Mission Locale) described in a TOML file, as `load_structure <file>` reads it.

    [structure]            # the Structure's identity (mlhg_app.models.Structure)
    slug = "mlhg"
    nom = "Mission Locale Haute-Garonne"
    …
    logo = "mlhg.svg"      # optional, a path relative to the file

    [[sites]]              # the siège and the antennes, in display order
    code = "siege"
    nom = "Siège social"
    kind = "siege"         # or "antenne"
    adresse = "…"
    code_postal = "31200"
    ville = "Toulouse"

    [reference]
    ami = "ami-app-2026"   # optional: the reference AMI to load (ami/reference.py AMIS)

The file is checked whole before anything is written; a bad file raises `StructureFileError`, whose
message is French and names the key and, when it can be found, the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from mlhg_app.app_modules import app_modules
from mlhg_app.models import Antenne, Structure

# The default structure of a deployment (the embedded default: `load_mlhg`, the identity of a database
# that has no structure yet).
STRUCTURES_DIR = Path(__file__).resolve().parent / "structures"
MLHG_FILE = STRUCTURES_DIR / "mlhg.toml"

IDENTITY_REQUIRED = (
    "slug",
    "nom",
    "nom_court",
    "siret",
    "adresse_siege",
    "code_postal",
    "ville",
    "signataire_nom",
    "signataire_qualite",
    "courriel_expediteur",
    "courriel_contact",
)
IDENTITY_OPTIONAL = ("domaine", "logo", "retention", "avis_k", "sso")
SITE_REQUIRED = ("code", "nom", "kind", "adresse", "code_postal", "ville")
SITE_OPTIONAL = ("jours_indisponibles",)
REFERENCE_KEYS = ("ami",)
TABLES = ("structure", "sites", "reference")


class StructureFileError(Exception):
    """A structure file that cannot be loaded; the message is for the person who wrote it."""


@dataclass(frozen=True)
class StructureFile:
    path: Path
    identity: dict
    logo: Path | None = None
    sites: list[dict] = field(default_factory=list)
    ami: str | None = None


def _line_of(text: str, key: str, table: str, index: int | None = None) -> int | None:
    """The line (1-based) of `key = …` inside `[table]` (or the `index`-th `[[table]]`), when it is written so."""
    header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
    any_header = re.compile(r"^\s*\[")
    assignment = re.compile(rf"^\s*{re.escape(key)}\s*=")
    inside, seen = False, -1
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            seen += 1
            inside = index is None or seen == index
            if inside and not key:
                return number
            continue
        if any_header.match(line):
            inside = False
        elif inside and assignment.match(line):
            return number
    return None


def _where(text: str, key: str, table: str, index: int | None = None) -> str:
    name = f"[{table}]" if index is None else f"[[{table}]] n° {index + 1}"
    line = _line_of(text, key, table, index)
    place = f"clé « {key} » de {name}" if key else name
    return f"{place} (ligne {line})" if line else place


def _toml(path: Path) -> tuple[str, dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StructureFileError(f"Fichier introuvable : {path}.") from None
    except UnicodeDecodeError:
        raise StructureFileError(f"{path} : le fichier n'est pas écrit en UTF-8.") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+), column (\d+)", str(error))
        where = f" à la ligne {found[1]}, colonne {found[2]}" if found else ""
        raise StructureFileError(f"{path} : ce n'est pas du TOML valide{where} ({error}).") from None


def _check_keys(path, text, data: dict, table: str, required, optional, index=None) -> None:
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise StructureFileError(f"{path} : {_where(text, unknown[0], table, index)} : clé inconnue.")
    missing = [key for key in required if key not in data]
    if missing:
        raise StructureFileError(f"{path} : {_where(text, '', table, index)} : la clé « {missing[0]} » manque.")


def _check_model(path, text, instance, table: str, index=None, exclude=()) -> None:
    """The model's own field rules (lengths, SIRET, addresses, choices), in their French words."""
    try:
        instance.clean_fields(exclude=list(exclude))
        instance.clean()
    except ValidationError as error:
        key, messages = next(iter(error.message_dict.items()))
        raise StructureFileError(f"{path} : {_where(text, key, table, index)} : {' '.join(messages)}") from None


def read_structure_file(path: str | Path) -> StructureFile:
    """The structure file at `path`, checked whole (StructureFileError otherwise)."""
    path = Path(path)
    text, data = _toml(path)
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise StructureFileError(f"{path} : {_where(text, unknown[0], '')} : table inconnue « {unknown[0]} ».")
    identity = data.get("structure")
    if not isinstance(identity, dict):
        raise StructureFileError(f"{path} : la table [structure] manque (l'identité de la structure).")
    _check_keys(path, text, identity, "structure", IDENTITY_REQUIRED, IDENTITY_OPTIONAL)
    identity = dict(identity)
    logo_name = identity.pop("logo", "")
    logo = None
    if logo_name:
        logo = (path.parent / logo_name).resolve()
        if not logo.is_file():
            raise StructureFileError(f"{path} : {_where(text, 'logo', 'structure')} : fichier introuvable ({logo}).")
    identity.setdefault("domaine", None)
    for key in ("retention", "sso"):
        identity.setdefault(key, {})
    _check_model(path, text, Structure(**identity), "structure", exclude=("logo",))

    sites = data.get("sites", [])
    if not isinstance(sites, list) or not sites:
        raise StructureFileError(f"{path} : aucun site ([[sites]]) : il faut au moins le siège.")
    seen_codes: set[str] = set()
    for index, site in enumerate(sites):
        _check_keys(path, text, site, "sites", SITE_REQUIRED, SITE_OPTIONAL, index)
        _check_model(path, text, Antenne(**site, ordre=index), "sites", index, exclude=("structure",))
        if site["code"] in seen_codes:
            raise StructureFileError(f"{path} : {_where(text, 'code', 'sites', index)} : code déjà employé.")
        seen_codes.add(site["code"])
    if sum(site["kind"] == Antenne.Kind.SIEGE for site in sites) != 1:
        raise StructureFileError(f"{path} : [[sites]] : il faut exactement un site de type « siege ».")

    reference = data.get("reference", {})
    _check_keys(path, text, reference, "reference", (), REFERENCE_KEYS)
    # Each app's reference module checks the keys it reads (ami: the reference AMI exists).
    for module in app_modules("reference"):
        problem = getattr(module, "check", lambda reference: None)(reference)
        if problem:
            key, message = problem
            raise StructureFileError(f"{path} : {_where(text, key, 'reference')} : {message}")
    ami = reference.get("ami")
    return StructureFile(path=path, identity=identity, logo=logo, sites=sites, ami=ami)
