"""`make backup` / `make restore`: an archive restored into a fresh database and media folder holds everything.

On the embedded SQLite by default; on PostgreSQL (pg_dump / pg_restore) when DATABASE_URL
designates one, as in CI (tests/real_services.py).
"""

import datetime
import hashlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ami.models import Dossier, Fichier
from seances.models import Emargement, Seance
from seances.services.attendance import attendance_record
from tests.dossiers import complete_dossier
from tests.factories import AMIFactory
from tests.seances_world import add_seance, build_programme

PARIS = ZoneInfo("Europe/Paris")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _rows(database: dict, sql: str) -> list[tuple]:
    """Rows read from the restored database with its own driver, outside Django."""
    if database["engine"] == "sqlite":
        with sqlite3.connect(database["path"]) as db:
            return sorted(db.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(database["dsn"]) as db:
        return sorted(db.execute(sql).fetchall())


def _world(users):
    """Two dossiers with their files, a programme with two séances and an attendance scan."""
    dossiers = [complete_dossier(ami=AMIFactory(reference=f"ami-sauvegarde-{i}")) for i in (1, 2)]
    programme = build_programme(users)
    seance = programme.seances.get()
    add_seance(programme, date=datetime.date(2027, 2, 10))
    with time_machine.travel(datetime.datetime(2026, 10, 13, 14, tzinfo=PARIS), tick=False):
        attendance_record(seance=seance, user=users["intervenant"], presents=[users["conseiller"]], sheet=(PNG, "png"))
    return dossiers


def test_a_backup_restored_into_a_fresh_database_has_every_dossier_file_and_seance(
    users, fresh_database, settings, tmp_path
):
    _world(users)
    assert not connection.in_atomic_block  # committed: pg_dump reads it from its own connection
    dossiers = sorted(Dossier.objects.values_list("id", "prestataire__raison_sociale"))
    fichiers = sorted(Fichier.objects.values_list("fichier", "sha256"))
    seances = sorted((pk, date.isoformat()) for pk, date in Seance.objects.values_list("id", "date"))
    scan = Emargement.objects.get().feuille_signee.name
    assert len(dossiers) == 2 and len(fichiers) >= 2 and len(seances) == 2

    archive = Path(call_command("backup", output_dir=tmp_path / "sauvegardes", stdout=io.StringIO()))
    assert archive.name.startswith("mlhg-sauvegarde-") and archive.suffixes[-2:] == [".tar", ".gz"]

    media = tmp_path / "media-restaure"
    out = io.StringIO()
    call_command("restore", archive, database_url=fresh_database["url"], media_root=media, noinput=True, stdout=out)
    assert out.getvalue().startswith(f"Sauvegarde restaurée ({fresh_database['engine']}, ")

    assert (
        _rows(
            fresh_database,
            "SELECT d.id, p.raison_sociale FROM ami_dossier d JOIN ami_prestataire p ON p.id = d.prestataire_id",
        )
        == dossiers
    )
    assert _rows(fresh_database, "SELECT fichier, sha256 FROM ami_fichier") == fichiers
    restored_seances = _rows(fresh_database, "SELECT id, date FROM seances_seance")
    assert [(pk, str(date)) for pk, date in restored_seances] == seances
    for name, sha256 in fichiers:
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha256, name
    assert (media / scan).read_bytes() == PNG


def test_restore_sets_aside_what_it_replaces(users, fresh_database, tmp_path):
    _world(users)
    archive = call_command("backup", output_dir=tmp_path, stdout=io.StringIO())
    media = tmp_path / "media-existant"
    media.mkdir()
    (media / "ancien.txt").write_text("avant")
    out = io.StringIO()
    call_command("restore", archive, database_url=fresh_database["url"], media_root=media, noinput=True, stdout=out)
    aside = [line for line in out.getvalue().splitlines() if line.startswith("Mis de côté avant restauration : ")]
    folder = Path(next(line for line in aside if "media-existant" in line).split(" : ", 1)[1])
    assert (folder / "ancien.txt").read_text() == "avant"
    assert not (media / "ancien.txt").exists()


@pytest.mark.django_db
def test_restore_refuses_what_is_not_one_of_our_backups_with_a_french_message(tmp_path):
    not_tar = tmp_path / "pas-une-archive.tar.gz"
    not_tar.write_bytes(b"bonjour")
    with pytest.raises(CommandError, match="^Archive illisible"):
        call_command("restore", not_tar, media_root=tmp_path / "m", noinput=True)

    other = tmp_path / "autre.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("notes.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"n'est pas une sauvegarde de la plateforme \(manifest.json absent\)"):
        call_command("restore", other, media_root=tmp_path / "m", noinput=True)

    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as tar:
        manifest = json.dumps({"format": 1, "base": "sqlite", "fichier_base": "base.sqlite3"}).encode()
        for name, data in (("manifest.json", manifest), ("../../evasion.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="^Archive refusée"):
        call_command("restore", hostile, database_url="sqlite:///" + str(tmp_path / "cible.sqlite3"), noinput=True)
    assert not (tmp_path.parent / "evasion.txt").exists()


@pytest.mark.django_db
def test_restore_asks_for_confirmation_and_cancels_on_anything_but_oui(tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Restauration annulée : rien n'a été modifié."):
        call_command("restore", tmp_path / "x.tar.gz")
