"""The import of the whole staff from the HR export (XLSX or CSV), in two steps: a preview, then a write.

1. `people_import_upload` keeps the file (a `PeopleImport` row, tied to the staff member who gave it):
   nothing of the directory is written.
2. `people_import_plan` reads it and says, line by line, what would change: people created, updated
   (with the fields that change), unchanged, reactivated, deactivated (only when staff ask for the people
   of the MLHG missing from the file to be deactivated), and every error in French (line, column, what is
   wrong). The page shows it; nothing is written.
3. `people_import_confirm` reads the same file again and writes everything in one transaction, all or
   nothing, only if there is no error and the plan is still the one that was previewed.

A person is found by their email address, whatever its case: a re-import updates, never duplicates.
« fonction » gives the role through `FONCTIONS` (shown on the import page); an unknown one is an error.
A cell that holds a formula (`=HYPERLINK(…)`) is refused, never evaluated: the XLSX is read with
openpyxl without computing anything, and a text that starts like a formula is refused as well.
"""

import csv
import datetime
import hashlib
import io
import json
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from mlhg_app import retention
from mlhg_app.french import counted
from mlhg_app.models import Antenne, PeopleImport, User
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antenne_headcounts
from mlhg_app.services.people import headcount_warnings, person_deactivate
from mlhg_app.services.users import user_invite, user_update, user_update_check
from mlhg_app.spreadsheets import starts_a_formula, xlsx_bytes
from mlhg_app.structures import current_structure

MO = 1024 * 1024
MAX_FILE_SIZE = 2 * MO
# The MLHG has about 150 employees; a file of more lines is not its HR export.
MAX_ROWS = 2000
MAX_ZIP_UNCOMPRESSED = 50 * MO
MAX_ZIP_ENTRIES = 500
MAX_CELL = 254

# The columns, in the order of the template, with the spellings accepted in the header (compared without
# accents, case or punctuation).
COLUMNS = {
    "nom": ("Nom", {"nom", "nom de famille", "nom d usage"}),
    "prenom": ("Prénom", {"prenom"}),
    "courriel": ("Courriel", {"courriel", "email", "e mail", "mail", "adresse electronique", "adresse mail"}),
    "antenne": ("Antenne", {"antenne", "site", "antenne de rattachement", "site de rattachement"}),
    "fonction": ("Fonction", {"fonction", "poste", "emploi", "intitule du poste"}),
    "encadrant": ("Encadrant", {"encadrant", "encadrant oui non", "encadrement", "manager"}),
}

# « fonction » → role: the HR's job titles (compared without accents, case or punctuation).
FONCTIONS: list[tuple[str, list[str]]] = [
    (
        User.Role.CONSEILLER,
        [
            "Conseiller",
            "Conseillère",
            "Conseiller en insertion",
            "Conseillère en insertion",
            "Conseiller en insertion professionnelle",
            "Conseillère en insertion professionnelle",
            "Conseiller emploi",
            "Conseillère emploi",
            "Chargé d'accueil",
            "Chargée d'accueil",
            "Chef d'antenne",
            "Responsable d'antenne",
        ],
    ),
    (User.Role.RESPONSABLE, ["Responsable de secteur", "Responsable de secteur référent"]),
    (User.Role.EVALUATEUR, ["Évaluateur", "Évaluatrice", "Membre du comité de sélection"]),
    (
        User.Role.STAFF,
        [
            "Directeur",
            "Directrice",
            "Directeur adjoint",
            "Directrice adjointe",
            "Assistant de direction",
            "Assistante de direction",
            "Chargé des ressources humaines",
            "Chargée des ressources humaines",
            "Responsable administratif et financier",
            "Responsable administrative et financière",
            "Chargé des achats",
            "Chargée des achats",
            "Comptable",
        ],
    ),
]
# The roles the HR export speaks for: only these are deactivated when missing from the file (prestataires,
# intervenants and evaluators, who may come from outside, are never touched by the import).
STAFF_ROLES = {User.Role.STAFF, User.Role.RESPONSABLE, User.Role.CONSEILLER}
YES = {"oui", "o", "yes", "y", "1", "x", "vrai"}
NO = {"non", "n", "no", "0", "faux", ""}


def _key(text: str) -> str:
    """A header or a value compared without accents, case, punctuation or repeated spaces."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


FONCTION_ROLES = {_key(label): role for role, labels in FONCTIONS for label in labels}
HEADERS = {_key(alias): name for name, (_label, aliases) in COLUMNS.items() for alias in aliases}


@dataclass
class LineError:
    line: int | None
    column: str
    message: str

    def __str__(self):
        where = f"Ligne {self.line}" if self.line else "Fichier"
        return f"{where}{f', colonne « {self.column} »' if self.column else ''} : {self.message}"


@dataclass
class Change:
    """One person in the plan: `kind` is created, updated, unchanged, reactivated or deactivated."""

    kind: str
    email: str
    name: str
    line: int | None = None
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)
    groups_left: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # first_name, last_name, role, antenne (id), is_manager


@dataclass
class Plan:
    errors: list[LineError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    created = property(lambda self: self.of("created"))
    updated = property(lambda self: self.of("updated"))
    reactivated = property(lambda self: self.of("reactivated"))
    deactivated = property(lambda self: self.of("deactivated"))
    unchanged = property(lambda self: self.of("unchanged"))

    @property
    def writes(self) -> int:
        return sum(1 for c in self.changes if c.kind != "unchanged")

    def digest(self) -> str:
        """What the plan would write: the confirmation refuses a plan that changed since the preview."""
        payload = [(c.kind, c.email, c.values) for c in self.changes if c.kind != "unchanged"]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def summary(self) -> dict:
        """The plan as JSON (the result page of an applied import)."""
        return {
            "changes": [asdict(c) for c in self.changes if c.kind != "unchanged"],
            "unchanged": len(self.of("unchanged")),
            "warnings": self.warnings,
            "rows": self.rows,
        }


# -- reading the file ---------------------------------------------------------------------------------


def _is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _xlsx_rows(data: bytes):
    """The sheet's rows as (line number, [(text, is_formula)]): nothing is computed (a formula is kept as
    written and flagged). A ZIP that would decompress into too much is refused before it is opened."""
    from openpyxl import load_workbook  # late: heavy, and only needed for XLSX files

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Refused(NOT_A_SPREADSHEET, field="fichier") from None
    if "xl/workbook.xml" not in names:
        raise Refused(NOT_A_SPREADSHEET, field="fichier")
    if len(infos) > MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > MAX_ZIP_UNCOMPRESSED:
        raise Refused("Ce classeur est anormalement volumineux une fois décompressé : il est refusé.", field="fichier")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise Refused(NOT_A_SPREADSHEET, field="fichier") from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, [(_cell_text(c.value), getattr(c, "data_type", "") == "f") for c in row]
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """A CSV's text: UTF-8 (with or without the BOM French Excel writes), else Windows-1252 / Latin-1."""
    if b"\x00" in data[:4096]:
        raise Refused(NOT_A_SPREADSHEET, field="fichier")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes):
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    if first.count(delimiter) == 0:
        raise Refused(NOT_A_SPREADSHEET, field="fichier")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [(cell.strip(), False) for cell in row]
    except csv.Error:
        raise Refused(NOT_A_SPREADSHEET, field="fichier") from None


NOT_A_SPREADSHEET = (
    "Ce fichier n'est pas un tableau lisible : déposez l'export du personnel au format Excel (.xlsx) "
    "ou CSV (séparateur « ; » ou « , »)."
)
EXPECTED = "La première ligne doit porter les en-têtes : " + ", ".join(label for label, _a in COLUMNS.values()) + "."


def read_rows(data: bytes) -> tuple[dict[str, int], list[str], list[tuple[int, dict[str, tuple[str, bool]]]]]:
    """(column → index, ignored headers, data rows keyed by column): blank lines skipped; refused (Refused)
    when the file is empty, not a spreadsheet, lacks a column, or has more than MAX_ROWS lines."""
    if not data.strip():
        raise Refused("Le fichier est vide.", field="fichier")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Refused(
            "Ce fichier est au format Excel 97-2003 (.xls) : enregistrez-le au format .xlsx ou .csv, puis "
            "déposez-le à nouveau.",
            field="fichier",
        )
    rows = _xlsx_rows(data) if _is_xlsx(data) else _csv_rows(data)
    columns, ignored, out = None, [], []
    for number, cells in rows:
        if not any(text for text, _formula in cells):
            continue
        if columns is None:
            columns, ignored = _header(cells)
            continue
        if len(out) >= MAX_ROWS:
            raise Refused(
                f"Le fichier compte plus de {MAX_ROWS:_} lignes de personnes : l'import en accepte {MAX_ROWS:_} au "
                "plus (la MLHG compte environ 150 salariés). Vérifiez qu'il s'agit bien de l'export du "
                "personnel.".replace("_", "\u202f"),
                field="fichier",
            )
        padded = cells + [("", False)] * (max(columns.values()) + 1 - len(cells))
        out.append((number, {name: padded[index] for name, index in columns.items()}))
    if columns is None:
        raise Refused("Le fichier est vide.", field="fichier")
    if not out:
        raise Refused("Le fichier ne contient que la ligne des en-têtes : aucune personne à importer.", field="fichier")
    return columns, ignored, out


def _header(cells) -> tuple[dict[str, int], list[str]]:
    columns, ignored = {}, []
    for index, (text, _formula) in enumerate(cells):
        name = HEADERS.get(_key(text))
        if name is None:
            if text:
                ignored.append(text)
        elif name in columns:
            raise Refused(f"La colonne « {COLUMNS[name][0]} » figure deux fois dans la ligne des en-têtes.")
        else:
            columns[name] = index
    missing = [COLUMNS[name][0] for name in COLUMNS if name not in columns]
    if missing:
        found = ", ".join(f"« {text} »" for text, _f in cells if text) or "aucune"
        raise Refused(
            f"Colonne{'s' if len(missing) > 1 else ''} manquante{'s' if len(missing) > 1 else ''} : "
            f"{', '.join(f'« {m} »' for m in missing)}. Colonnes trouvées : {found}. {EXPECTED}",
            field="fichier",
        )
    return columns, ignored


# -- the plan -------------------------------------------------------------------------------------------


def _antenne_lookup() -> tuple[dict[str, Antenne], str]:
    lookup = {}
    antennes = list(Antenne.objects.all())
    for antenne in antennes:
        lookup[_key(antenne.nom)] = antenne
        lookup[_key(antenne.code)] = antenne
        lookup[_key(antenne.nom.removeprefix("Antenne "))] = antenne
        if antenne.kind == Antenne.Kind.SIEGE:
            lookup["siege"] = antenne
    return lookup, ", ".join(a.nom for a in antennes)


def _existing(emails: list[str]) -> dict[str, User]:
    found = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        qs = User.objects.annotate(email_ci=Lower("email")).filter(email_ci__in=chunk).select_related("antenne")
        found.update({user.email.lower(): user for user in qs})
    return found


ROLE_LABELS = dict(User.Role.choices)


def _shown(name: str, value) -> str:
    if name == "role":
        return str(ROLE_LABELS.get(value, value))
    if name == "is_manager":
        return "oui" if value else "non"
    if name == "is_active":
        return "actif" if value else "désactivé"
    return str(value) if value else "—"


FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "role": "rôle",
    "antenne": "antenne",
    "is_manager": "encadrant",
    "is_active": "compte",
}


def _parse_row(line, cells, antennes, antenne_names, seen) -> tuple[dict | None, list[LineError]]:
    errors = []

    def bad(column, message):
        errors.append(LineError(line, COLUMNS[column][0], message))

    for column, (text, is_formula) in cells.items():
        if is_formula or starts_a_formula(text):
            shown = text if len(text) <= 40 else text[:40] + "…"
            bad(column, f"la cellule contient une formule ({shown}) : l'import n'accepte que des valeurs saisies.")
        elif len(text) > MAX_CELL:
            bad(column, f"la valeur dépasse {MAX_CELL} caractères.")
    if errors:
        return None, errors
    nom, prenom = cells["nom"][0], cells["prenom"][0]
    email = cells["courriel"][0].lower()
    if not nom:
        bad("nom", "le nom est vide.")
    if not prenom:
        bad("prenom", "le prénom est vide.")
    if not email:
        bad("courriel", "l'adresse électronique est vide.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            bad("courriel", f"« {email} » n'est pas une adresse électronique valide.")
        else:
            if email in seen:
                bad("courriel", f"l'adresse {email} figure déjà à la ligne {seen[email]} : une personne par ligne.")
            else:
                seen[email] = line
    role = FONCTION_ROLES.get(_key(cells["fonction"][0]))
    if not cells["fonction"][0]:
        bad("fonction", "la fonction est vide.")
    elif role is None:
        bad(
            "fonction",
            f"fonction inconnue « {cells['fonction'][0]} » : elle ne correspond à aucun rôle de la table "
            "des fonctions (page d'import).",
        )
    antenne = None
    if cells["antenne"][0]:
        antenne = antennes.get(_key(cells["antenne"][0]))
        if antenne is None:
            bad("antenne", f"antenne inconnue « {cells['antenne'][0]} » : indiquez l'un des sites {antenne_names}.")
    elif role == User.Role.CONSEILLER:
        bad("antenne", "un conseiller doit être rattaché à un site.")
    manager = _key(cells["encadrant"][0])
    if manager not in YES | NO:
        bad("encadrant", f"« {cells['encadrant'][0]} » : indiquez « oui » ou « non ».")
    if errors:
        return None, errors
    values = {
        "last_name": nom,
        "first_name": prenom,
        "role": role,
        "antenne": antenne,
        "is_manager": manager in YES,
    }
    return {"email": email, **values}, []


def _counted(role, antenne_id, is_active, is_manager) -> int | None:
    """The site a person counts in for the headcount (mlhg_app/selectors.py), or None."""
    return antenne_id if role == User.Role.CONSEILLER and is_active and not is_manager else None


def people_import_plan(*, data: bytes, by: User, deactivate_missing: bool = False) -> Plan:
    """What importing `data` would do, written nowhere; every problem as a `LineError` of the plan
    (file-level problems too: a plan with an error cannot be confirmed)."""
    plan = Plan()
    try:
        _columns, plan.ignored_columns, rows = read_rows(data)
    except Refused as refusal:
        plan.errors.append(LineError(None, "", refusal.message))
        return plan
    plan.rows = len(rows)
    antennes, antenne_names = _antenne_lookup()
    seen: dict[str, int] = {}
    parsed = []
    for line, cells in rows:
        person, errors = _parse_row(line, cells, antennes, antenne_names, seen)
        plan.errors.extend(errors)
        if person is not None:
            parsed.append((line, person))
    existing = _existing([person["email"] for _line, person in parsed])
    headcounts = antenne_headcounts()
    for line, person in parsed:
        email = person.pop("email")
        user = existing.get(email)
        change = _plan_person(line=line, email=email, person=person, user=user, by=by, plan=plan)
        if change is None:
            continue
        plan.changes.append(change)
        if change.kind != "unchanged":
            before = _counted(user.role, user.antenne_id, user.is_active, user.is_manager) if user else None
            antenne = person["antenne"]
            after = _counted(person["role"], antenne.pk if antenne else None, True, person["is_manager"])
            _move_headcount(headcounts, before, after)
    if deactivate_missing:
        missing = (
            User.objects.in_structure()
            .filter(is_active=True, role__in=STAFF_ROLES, is_superuser=False)
            .exclude(pk=by.pk)
            .annotate(email_ci=Lower("email"))
            .exclude(email_ci__in=list(seen))
            .select_related("antenne")
            .order_by("last_name", "first_name")
        )
        for user in missing:
            plan.changes.append(
                Change(
                    kind="deactivated",
                    email=user.email,
                    name=user.get_full_name() or user.email,
                    fields=[("compte", "actif", "désactivé")],
                    groups_left=_groups_of(user),
                    values={"pk": user.pk},
                )
            )
            _move_headcount(headcounts, _counted(user.role, user.antenne_id, True, user.is_manager), None)
    if not plan.errors:
        plan.warnings = headcount_warnings(headcounts=headcounts)
    return plan


def _move_headcount(headcounts, before, after):
    if before == after:
        return
    if before is not None:
        headcounts[before] = headcounts.get(before, 0) - 1
    if after is not None:
        headcounts[after] = headcounts.get(after, 0) + 1


def _groups_of(user) -> list[str]:
    # late: seances depends on mlhg_app (bilans → seances → ami → mlhg_app), not the reverse
    from seances.services.programme import member_groups

    return member_groups(user)


def _plan_person(*, line, email, person, user, by, plan) -> Change | None:
    name = f"{person['first_name']} {person['last_name']}"
    values = {**person, "antenne": person["antenne"].pk if person["antenne"] else None}
    if user is None:
        try:
            user_update_check(
                user=User(email=email),
                by=by,
                role=person["role"],
                antenne=person["antenne"],
                is_manager=person["is_manager"],
            )
        except Refused as refusal:
            plan.errors.append(LineError(line, COLUMNS["fonction"][0], refusal.message))
            return None
        fields = [(FIELD_LABELS[k], "", _shown(k, person[k])) for k in ("role", "antenne", "is_manager")]
        return Change(kind="created", email=email, name=name, line=line, fields=fields, values=values)
    structure = current_structure()
    if structure is not None and user.structure_id not in (None, structure.pk):
        plan.errors.append(
            LineError(
                line,
                "courriel",
                f"{email} est le compte d'une personne d'une autre Mission Locale : l'import ne le modifie pas.",
            )
        )
        return None
    if user.role not in {*STAFF_ROLES, User.Role.EVALUATEUR} or user.is_superuser:
        plan.errors.append(
            LineError(
                line,
                "courriel",
                f"{email} est le compte d'un {_shown('role', user.role).lower()}"
                f"{' (administrateur technique)' if user.is_superuser else ''}, pas celui d'une personne du "
                "personnel de la MLHG : l'import ne le modifie pas.",
            )
        )
        return None
    fields = []
    for key in ("last_name", "first_name", "role", "antenne", "is_manager"):
        before = getattr(user, key)
        if before != person[key]:
            fields.append((FIELD_LABELS[key], _shown(key, before), _shown(key, person[key])))
    if not user.is_active:
        fields.append((FIELD_LABELS["is_active"], _shown("is_active", False), _shown("is_active", True)))
    if not fields:
        return Change(kind="unchanged", email=email, name=name, line=line, values=values)
    try:
        user_update_check(
            user=user, by=by, role=person["role"], antenne=person["antenne"], is_manager=person["is_manager"]
        )
    except Refused as refusal:
        if refusal.field == "role" or user.role != person["role"]:
            column = "fonction"
        else:
            column = "encadrant" if person["is_manager"] != user.is_manager else "antenne"
        plan.errors.append(LineError(line, COLUMNS[column][0], refusal.message))
        return None
    kind = "reactivated" if not user.is_active else "updated"
    return Change(kind=kind, email=email, name=name, line=line, fields=fields, values={**values, "pk": user.pk})


# -- the writes -----------------------------------------------------------------------------------------


def people_import_upload(*, by: User, fichier, deactivate_missing: bool = False) -> PeopleImport:
    """Keep the uploaded file until staff confirm (nothing of the directory is written).

    Refused: an empty file, one over MAX_FILE_SIZE. Side effects: one `PeopleImport` and its stored file.
    """
    if fichier.size == 0:
        raise Refused("Le fichier est vide.", field="fichier")
    if fichier.size > MAX_FILE_SIZE:
        raise Refused(
            f"Le fichier pèse {fichier.size / MO:.1f} Mo : l'import accepte {MAX_FILE_SIZE // MO} Mo au plus.".replace(
                ".", ","
            ),
            field="fichier",
        )
    data = fichier.read()
    name = (fichier.name or "import").rsplit("/", 1)[-1][:100]
    people_import = PeopleImport(
        filename=name, sha256=hashlib.sha256(data).hexdigest(), desactiver_absents=deactivate_missing, importe_par=by
    )
    people_import.fichier.save(f"personnel-{timezone.now():%Y%m%d-%H%M%S}.bin", ContentFile(data), save=False)
    people_import.save()
    return people_import


def people_import_data(people_import: PeopleImport) -> bytes:
    with people_import.fichier.open("rb") as stored:
        return stored.read()


def people_import_preview(*, people_import: PeopleImport) -> Plan:
    """The plan of a kept file, its digest remembered for the confirmation. Side effects: the digest saved."""
    plan = people_import_plan(
        data=people_import_data(people_import),
        by=people_import.importe_par,
        deactivate_missing=people_import.desactiver_absents,
    )
    if people_import.status == PeopleImport.Status.APERCU and plan.digest() != people_import.apercu_empreinte:
        people_import.apercu_empreinte = plan.digest()
        people_import.save(update_fields=["apercu_empreinte"])
    return plan


def people_import_confirm(*, people_import: PeopleImport, by: User) -> Plan:
    """Write the previewed import, all or nothing: people created (each invited after commit), updated,
    reactivated, deactivated (they leave their groups). Refused: an import already applied, a plan with
    errors, or one that is no longer the previewed one (the directory changed meanwhile).

    Side effects: the users written with their history; the import's result kept; after commit, the
    invitations of the people created.
    """
    with transaction.atomic():
        kept = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
        if kept.status != PeopleImport.Status.APERCU:
            raise Refused("Cet import a déjà été appliqué ou abandonné.")
        plan = people_import_plan(data=people_import_data(kept), by=by, deactivate_missing=kept.desactiver_absents)
        if plan.errors:
            raise Refused(
                f"L'import comporte {counted(len(plan.errors), 'erreur', 'erreurs')} : corrigez le fichier et déposez-le à nouveau."
            )
        if plan.digest() != kept.apercu_empreinte:
            raise Refused("L'annuaire a changé depuis l'aperçu : vérifiez l'aperçu mis à jour avant de confirmer.")
        antennes = {a.pk: a for a in Antenne.objects.all()}
        users = {
            u.pk: u for u in User.objects.filter(pk__in=[c.values["pk"] for c in plan.changes if "pk" in c.values])
        }
        for change in plan.changes:
            values = dict(change.values)
            if change.kind == "deactivated":
                change.groups_left = person_deactivate(user=users[values["pk"]], by=by)
                continue
            if change.kind == "unchanged":
                continue
            values["antenne"] = antennes.get(values["antenne"])
            if change.kind == "created":
                user_invite(email=change.email, **values)
            else:
                user_update(user=users[values.pop("pk")], by=by, is_active=True, **values)
        kept.status = PeopleImport.Status.APPLIQUE
        kept.applique_le = timezone.now()
        kept.resultat = plan.summary()
        kept.save(update_fields=["status", "applique_le", "resultat"])
    return plan


def register_retention() -> None:
    """The HR files kept for an import (and their rows) are deleted RETENTION_EXPORT_DAYS after they were
    dropped: they hold names and addresses; what an applied import changed stays in each person's history."""
    retention.register_short_lived(
        "mlhg_app.people_imports", PeopleImport, "importe_le", kind="imports", what="fichiers d'import du personnel"
    )


def people_import_template() -> bytes:
    """The XLSX template staff fill (or compare their HR export with): the six columns and two examples."""
    header = [label for label, _aliases in COLUMNS.values()]
    rows = [
        ["Roux", "Camille", "camille.roux@ml31.org", "Antenne Nord-Est", "Conseillère en insertion", "non"],
        ["Ribes", "Olivier", "olivier.ribes@ml31.org", "Antenne Muretain", "Chef d'antenne", "oui"],
    ]
    return xlsx_bytes(title="Personnel", header=header, rows=rows)
