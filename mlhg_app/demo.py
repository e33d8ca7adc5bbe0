"""Demo accounts: at least one per role, several conseillers per antenne, French names.

Accounts are made by the services (`user_create`, `users_create`), with the demo's password."""

import datetime
import unicodedata
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

from mlhg_app.app_modules import app_modules
from mlhg_app.models import Antenne, Structure, User
from mlhg_app.services.antennes import antenne_days_set
from mlhg_app.services.people import person_deactivate
from mlhg_app.services.users import user_create, users_create
from mlhg_app.structure_file import STRUCTURES_DIR
from mlhg_app.structures import current_structure, structure_scope

# The MLHG set up its sites and wrote the AMI 2026 a week before publishing it (27 April 2026): a new database's
# reference data are dated then, so that no history of the AMI starts after its publication.
REFERENCE_WRITTEN = datetime.datetime(2026, 4, 20, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))

# Only for the demo accounts: load_demo refuses to run with DEBUG off.
DEMO_PASSWORD = "demo-mlhg-2026"  # nosec B105

PEOPLE = [
    # role, email, first name, last name, antenne code, line manager
    (User.Role.STAFF, "direction@demo.ml31.org", "Murielle", "Avril", "siege", True),
    (User.Role.STAFF, "achats@demo.ml31.org", "Julien", "Fabre", "siege", False),
    (User.Role.EVALUATEUR, "evaluatrice@demo.ml31.org", "Sophie", "Lacombe", "siege", False),
    (User.Role.EVALUATEUR, "evaluateur@demo.ml31.org", "Karim", "Benali", "siege", False),
    (User.Role.EVALUATEUR, "evaluatrice.rh@demo.ml31.org", "Hélène", "Marty", "siege", False),
    (User.Role.RESPONSABLE, "responsable@demo.ml31.org", "Nathalie", "Cazals", "siege", True),
    # Another responsable de secteur, not the référent of the demo programme: she sees none of it.
    (User.Role.RESPONSABLE, "responsable.adjointe@demo.ml31.org", "Sandrine", "Pujol", "siege", True),
    (User.Role.PRESTATAIRE, "contact@horizons-supervision.demo", "Claire", "Delmas", None, False),
    (User.Role.INTERVENANT, "marc.olivier@horizons-supervision.demo", "Marc", "Olivier", None, False),
]

# Three named conseillers per antenne, then the site filled up to its real size (the headcount is counted
# from the directory: mlhg_app/selectors.py).
CONSEILLERS = {
    "nord-est": (18, [("Camille", "Roux"), ("Thomas", "Garcia"), ("Inès", "Bouzid")]),
    "nord-ouest": (14, [("Léa", "Martin"), ("Hugo", "Bernard"), ("Yasmina", "Haddad")]),
    "muretain": (20, [("Manon", "Dupuy"), ("Lucas", "Fournier"), ("Aïcha", "Diallo")]),
    "lauragais": (12, [("Chloé", "Vidal"), ("Antoine", "Mercier"), ("Fatou", "Ndiaye")]),
    "comminges": (9, [("Émilie", "Sarrail"), ("Pierre", "Castex"), ("Sarah", "Dupont")]),
    "sud-garonne": (10, [("Julie", "Lafforgue"), ("Mathieu", "Soulé"), ("Nadia", "Amrani")]),
    "ouest": (16, [("Pauline", "Gimenez"), ("Romain", "Blanc"), ("Laura", "Ferrand")]),
}
UNAVAILABLE_DAYS = {"comminges": [2], "lauragais": [4]}


PERSON_FIELDS = ("role", "email", "first_name", "last_name", "antenne", "is_manager")


def ensure_user(*row) -> tuple[User, bool]:
    """The account of `row` (role, email, first name, last name[, antenne[, line manager]]), made by
    `user_create` with the demo's password if missing: (user, created)."""
    person = dict(zip(PERSON_FIELDS, row, strict=False))
    user = User.objects.filter(email=person["email"]).first()
    if user is not None:
        return user, False
    return user_create(**person, password=DEMO_PASSWORD), True


def at(moment: datetime.datetime):
    """Travel to `moment`, the clock stopped: what the services record then is dated then, so that the demo's
    histories, receipts and journals tell their story in its real order and at its real dates."""
    import time_machine  # late: only the demo travels in time; importing mlhg_app.demo needs it not

    return time_machine.travel(moment, tick=False)


@contextmanager
def _working_for(structure: Structure):
    """One transaction in `structure`'s scope: the scope entered inside it too (the database setting is
    SET LOCAL), and around it so that what runs at commit (e-mails) is still the structure's."""
    with structure_scope(structure), transaction.atomic(), structure_scope(structure):
        yield


def demo_load_all(*, today, stdout=None) -> list[tuple[str, str, str]]:
    """The reference data of both structures (`load_mlhg` and the second one's file, dated
    `REFERENCE_WRITTEN`), then every app's demo module in MLHG's scope (`load`) and in the second
    structure's (`load_second`, for the apps that have one), one transaction each (`load_demo` and the
    bench): the (role, email, password) lines of the accounts."""
    with at(REFERENCE_WRITTEN):
        call_command("load_mlhg", stdout=stdout)
    accounts: list[tuple[str, str, str]] = []
    with _working_for(Structure.objects.get(slug="mlhg")):
        for module in app_modules("demo"):
            accounts.extend(module.load(today=today) or [])
    with at(REFERENCE_WRITTEN):
        call_command("load_structure", str(SECOND_FILE), stdout=stdout)
    with _working_for(Structure.objects.get(slug=SECOND_SLUG)):
        for module in app_modules("demo"):
            if hasattr(module, "load_second"):
                accounts.extend(module.load_second(today=today) or [])
    return accounts


# The second, smaller structure of the demo (issue 19): a fictitious Mission Locale with its siège and three
# antennes, its own staff, and its own call answered by one of MLHG's candidates (ami/demo.py).
SECOND_FILE = STRUCTURES_DIR / "mlap.toml"
SECOND_SLUG = "mlap"
SECOND_PEOPLE = [
    (User.Role.STAFF, "direction@mlap.demo", "Agnès", "Rouzaud", "foix", True),
    (User.Role.EVALUATEUR, "evaluateur@mlap.demo", "Pierre", "Sentenac", "foix", False),
    (User.Role.RESPONSABLE, "responsable@mlap.demo", "Laure", "Escaffre", "foix", True),
    (User.Role.CONSEILLER, "lucie.baby@mlap.demo", "Lucie", "Baby", "pamiers", False),
    (User.Role.CONSEILLER, "jordi.roques@mlap.demo", "Jordi", "Roques", "saint-girons", False),
    (User.Role.CONSEILLER, "sophie.galy@mlap.demo", "Sophie", "Galy", "lavelanet", False),
]


def load_second(*, today) -> list[tuple[str, str, str]]:
    """The second structure's accounts (in its scope; idempotent)."""
    sites = {a.code: a for a in Antenne.objects.filter(structure=current_structure())}
    accounts = []
    for role, email, first, last, site, manager in SECOND_PEOPLE:
        user, _ = ensure_user(role, email, first, last, sites[site], manager)
        accounts.append((user.role, user.email, DEMO_PASSWORD))
    return accounts


def load(*, today) -> list[tuple[str, str, str]]:
    """Create the demo accounts (idempotent) and return (role, email, password) lines."""
    sites = {a.code: a for a in Antenne.objects.filter(structure=current_structure())}
    accounts = []
    for role, email, first, last, site, manager in PEOPLE:
        user, _ = ensure_user(role, email, first, last, sites.get(site), manager)
        accounts.append((user.role, user.email, DEMO_PASSWORD))
    direction = User.objects.get(email="direction@demo.ml31.org")
    for code, (headcount, people) in CONSEILLERS.items():
        antenne = sites[code]
        days = UNAVAILABLE_DAYS.get(code, [])
        if sorted(antenne.jours_indisponibles or []) != days:
            # Staff set the days on the sites page: the site's history says who and when.
            antenne = antenne_days_set(antenne=antenne, by=direction, jours_indisponibles=days)
        for first, last in people:
            email = f"{_ascii(first)}.{_ascii(last)}@demo.ml31.org"
            user, _ = ensure_user(User.Role.CONSEILLER, email, first, last, antenne)
            accounts.append((user.role, user.email, DEMO_PASSWORD))
        _fill_site(antenne, headcount)
    listed = {email for _role, email, _password in accounts}
    accounts.extend(
        (User.Role.CONSEILLER, email, DEMO_PASSWORD)
        for email in User.objects.filter(role=User.Role.CONSEILLER, email__endswith="@demo.ml31.org")
        .order_by("antenne__ordre", "email")
        .values_list("email", flat=True)
        if email not in listed
    )
    # A site manager: marked as line manager, so never a member of an APP group.
    user, _ = ensure_user(
        User.Role.CONSEILLER, "chef.antenne.muret@demo.ml31.org", "Olivier", "Ribes", sites["muretain"], True
    )
    accounts.append((user.role, user.email, DEMO_PASSWORD))
    # A conseiller who left in the summer: deactivated (the directory shows it), never placed in a group.
    former, created = ensure_user(
        User.Role.CONSEILLER, "bruno.lafont@demo.ml31.org", "Bruno", "Lafont", sites["nord-ouest"]
    )
    if created:
        person_deactivate(user=former, by=direction)
    return accounts


PRENOMS = [
    "Adèle",
    "Bastien",
    "Céline",
    "Damien",
    "Elsa",
    "Florian",
    "Gaëlle",
    "Hakim",
    "Inès",
    "Jérémy",
    "Karine",
    "Loïc",
    "Maëlle",
    "Nicolas",
    "Océane",
    "Patrice",
    "Rachida",
    "Sébastien",
    "Tiphaine",
    "Yann",
    "Zoé",
    "Mehdi",
    "Agathe",
]
NOMS = [
    "Arnaud",
    "Bousquet",
    "Cabanes",
    "Delpech",
    "Escande",
    "Fauré",
    "Gasc",
    "Huc",
    "Izard",
    "Jammes",
    "Lacaze",
    "Mazères",
    "Nougaro",
    "Pujol",
    "Rouquette",
    "Sabatié",
    "Teulière",
    "Vergnes",
    "Azéma",
    "Bénazet",
    "Cassagne",
]


def _fill_site(antenne, headcount):
    """Conseillers up to the site's headcount (`users_create`: one password hash for all, the demo loads fast)."""
    existing = User.objects.filter(role=User.Role.CONSEILLER, antenne=antenne, is_manager=False, is_active=True).count()
    if existing >= headcount:
        return
    offset = antenne.ordre * 7
    people = []
    for index in range(existing, headcount):
        first = PRENOMS[(offset + index) % len(PRENOMS)]
        last = NOMS[(offset * 3 + index) % len(NOMS)]
        email = f"{_ascii(first)}.{_ascii(last)}.{antenne.code}{index}@demo.ml31.org"
        people.append(dict(zip(PERSON_FIELDS, (User.Role.CONSEILLER, email, first, last, antenne), strict=False)))
    users_create(people=people, password=DEMO_PASSWORD)


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower().replace(" ", "-")
