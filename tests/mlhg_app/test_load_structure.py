"""`load_structure <file>`: one structure from its TOML file (identity, sites, reference AMI), idempotent,
and a bad file refused in French, naming the key and its line."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ami.models import AMI
from mlhg_app.models import Antenne, Structure
from mlhg_app.structure_file import MLHG_FILE, STRUCTURES_DIR

MLAP_FILE = STRUCTURES_DIR / "mlap.toml"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def bad_file(tmp_path, old: str, new: str) -> Path:
    path = tmp_path / "structure.toml"
    text = MLAP_FILE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_load_structure_creates_the_identity_and_sites_then_changes_nothing():
    first = run("load_structure", str(MLAP_FILE))
    second = run("load_structure", str(MLAP_FILE))

    assert first.splitlines() == [
        "- structure créée : Mission Locale Ariège-Pyrénées",
        "- site créé : Siège de Foix",
        "- site créé : Antenne de Pamiers",
        "- site créé : Antenne du Couserans",
        "- site créé : Antenne du Pays d'Olmes",
        *[line for line in first.splitlines() if line.startswith("- thème créé")],
        f"Référentiel de Mission Locale Ariège-Pyrénées chargé : {len(first.splitlines()) - 1} modification(s).",
    ]
    assert second == "Référentiel de Mission Locale Ariège-Pyrénées déjà à jour : aucune modification.\n"
    structure = Structure.objects.get(slug="mlap")
    assert (structure.slug, structure.nom_court, structure.siret, structure.ville) == (
        "mlap",
        "MLAP",
        "42918736500011",
        "Foix",
    )
    assert (structure.signataire_nom, structure.courriel_expediteur) == ("Agnès Rouzaud", "ne-pas-repondre@mlap.demo")
    assert [a.nom for a in Antenne.objects.filter(structure=structure).order_by("ordre")] == [
        "Siège de Foix",
        "Antenne de Pamiers",
        "Antenne du Couserans",
        "Antenne du Pays d'Olmes",
    ]
    assert not AMI.objects.filter(structure=structure).exists()  # its file names no AMI: the demo writes its call


@pytest.mark.django_db
def test_load_mlhg_is_load_structure_of_the_mlhg_file():
    alias = run("load_mlhg")
    assert run("load_structure", str(MLHG_FILE)) == (
        "Référentiel de Mission Locale Haute-Garonne déjà à jour : aucune modification.\n"
    )
    assert "- site créé : Siège social" in alias  # the structure itself: every test's (tests/conftest.py)
    mlhg = Structure.objects.get()
    assert (mlhg.slug, mlhg.nom_court, mlhg.adresse_siege, mlhg.code_postal, mlhg.ville) == (
        "mlhg",
        "MLHG",
        "6-8 boulevard Florence Arthaud",
        "31200",
        "Toulouse",
    )
    assert mlhg.courriel_contact == AMI.objects.get().contact_email == "mlhg@ml31.org"
    assert Antenne.objects.count() == 8


@pytest.mark.django_db
def test_load_structure_corrects_an_edited_identity():
    run("load_structure", str(MLAP_FILE))
    Structure.objects.filter(slug="mlap").update(nom_court="Autre", ville="Ailleurs")

    out = run("load_structure", str(MLAP_FILE))

    assert out.splitlines()[0] == "- structure corrigée : Mission Locale Ariège-Pyrénées"
    assert Structure.objects.values_list("nom_court", "ville").get(slug="mlap") == ("MLAP", "Foix")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'siret = "42918736500011"',
            'siret = "4291873650"',
            "clé « siret » de [structure] (ligne 8) : Le SIRET compte 14 chiffres.",
        ),
        ('nom_court = "MLAP"\n', "", "[structure] (ligne 4) : la clé « nom_court » manque."),
        (
            'slug = "mlap"',
            'slug = "mlap"\ncouleur = "bleu"',
            "clé « couleur » de [structure] (ligne 6) : clé inconnue.",
        ),
        (
            'code_postal = "09100"',
            'code_postal = "091000"',
            "clé « code_postal » de [[sites]] n° 2 (ligne 30) : "
            "Assurez-vous que cette valeur comporte au plus 5 caractères (actuellement 6).",
        ),
        ('kind = "antenne"', 'kind = "agence"', "clé « kind » de [[sites]] n° 2 (ligne 28) : La valeur"),
        (
            'courriel_contact = "contact@mlap.demo"',
            'courriel_contact = "contact"',
            "clé « courriel_contact » de [structure] (ligne 15) : Saisissez une adresse de courriel valide.",
        ),
        # the site's town (line 23) left unclosed
        (
            'ville = "Foix"\n\n[[sites]]',
            'ville = "Foix\n\n[[sites]]',
            "ce n'est pas du TOML valide à la ligne 23, colonne 14",
        ),
        ('kind = "siege"', 'kind = "antenne"', "[[sites]] : il faut exactement un site de type « siege »."),
        (
            '[[sites]]\ncode = "foix"',
            '[reference]\nami = "ami-inconnu"\n\n[[sites]]\ncode = "foix"',
            "clé « ami » de [reference] (ligne 18) : AMI de référence inconnu « ami-inconnu » (connus : ami-app-2026).",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_file_is_refused_naming_the_key_and_its_line_and_nothing_is_loaded(tmp_path, old, new, message):
    path = bad_file(tmp_path, old, new)

    with pytest.raises(CommandError) as refused:
        run("load_structure", str(path))

    assert str(refused.value).startswith(f"Rien n'a été chargé. {path} : ")
    assert message in str(refused.value)
    assert list(Structure.objects.values_list("slug", flat=True)) == ["mlhg"]  # every test's, nothing else
    assert not Antenne.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_refused_in_french(tmp_path):
    with pytest.raises(CommandError, match="Rien n'a été chargé. Fichier introuvable : .*absent.toml."):
        run("load_structure", str(tmp_path / "absent.toml"))
