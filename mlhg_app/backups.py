"""Backups of the whole platform: the database and the uploaded files, in one archive.

`backup_create` writes `mlhg-sauvegarde-<date>-<heure>.tar.gz` holding:
- `manifest.json`: format, date, database engine, number of files;
- the database: `base.sqlite3` (SQLite's online backup API: a consistent copy even
  while the application runs) or `base.pgdump` (`pg_dump --format=custom`);
- `media/`: every stored file (dossiers' files, letters, conventions, attendance scans,
  statements, exports), read through Django's storage: the folder MEDIA_ROOT, or the
  S3 bucket when S3_BUCKET is set (README « Plusieurs serveurs »).

`backup_restore` puts an archive back into a database and a storage (by default the
configured ones; a fresh database and folder in the tests). What it replaces is kept
aside first: the SQLite file and the media folder are renamed
`….avant-restauration-<date>`; PostgreSQL is restored with `pg_restore --clean`, so
take a backup first. A bucket cannot be renamed: the archive's files are written over
the objects of the same names (keep the bucket's versioning on to find the old ones) and
the objects the archive does not hold are left in place, counted. The PostgreSQL tools
read the password from the environment (PGPASSWORD), never from the command line.
"""

import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore only, arguments as a list, no shell
import tarfile
import tempfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
SQLITE_MEMBER = "base.sqlite3"
PG_MEMBER = "base.pgdump"


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, in French."""


def _engine(db: dict) -> str:
    engine = db["ENGINE"]
    if "sqlite" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Base de données non prise en charge par la sauvegarde : {engine}.")


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    return env


def _run(args: list[str], env: dict) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # nosec B603
    except FileNotFoundError:
        raise BackupError(
            f"Commande {args[0]} introuvable : installez le client PostgreSQL (paquet Debian postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{args[0]} a échoué : {result.stderr.strip()[:2000]}")


def _dump_database(target: Path) -> str:
    """Write the live database to `target`; returns the archive member's name."""
    db = connection.settings_dict
    if _engine(db) == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_MEMBER
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], _pg_env(db))
    return PG_MEMBER


def stored_names(storage: Storage, folder: str = "") -> list[str]:
    """The name of every file of `storage` under `folder` (the disk's folders or a bucket's prefixes), sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a media folder not yet made
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_names(storage, f"{folder}{sub}/")
    return sorted(names)


def backup_create(*, output_dir: Path | None = None, storage: Storage | None = None) -> Path:
    """Write an archive of the database and the stored files (the configured storage); returns its path."""
    output_dir = Path(output_dir or settings.BACKUP_DIR)
    storage = storage or default_storage
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"mlhg-sauvegarde-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "base"
        member = _dump_database(dump)
        files = stored_names(storage)
        manifest = {
            "format": FORMAT,
            "cree_le": timezone.now().isoformat(),
            "base": _engine(connection.settings_dict),
            "fichier_base": member,
            "fichiers_media": len(files),
        }
        partial = archive.with_suffix(".partiel")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            with tempfile.TemporaryFile() as buffer:
                buffer.write(data)
                buffer.seek(0)
                tar.addfile(info, buffer)
            tar.add(dump, arcname=member)
            for name in files:
                info = tarfile.TarInfo(f"media/{name}")
                info.size, info.mode = storage.size(name), 0o640
                info.mtime = int(storage.get_modified_time(name).timestamp())
                with storage.open(name, "rb") as handle:
                    tar.addfile(info, handle)
        partial.rename(archive)  # never a half-written archive under the final name
    os.chmod(archive, 0o600)
    return archive


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise BackupError("Cette archive n'est pas une sauvegarde de la plateforme (manifest.json absent).")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format')!r}.")
    return manifest


def _set_aside(path: Path, stamp: str) -> Path | None:
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return None
    aside = path.with_name(f"{path.name}.avant-restauration-{stamp}")
    path.rename(aside)
    return aside


def backup_restore(*, archive: Path, database_url: str = "", media_root: Path | None = None) -> dict:
    """Put an archive back: the database (the configured one, or `database_url`) and the stored files (the
    configured storage, or the folder `media_root`).

    Returns a summary: engine, number of files restored, what was set aside, and how many stored files the
    archive does not hold were left in place (a bucket).
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Archive introuvable : {archive}.")
    target = dj_database_url.parse(database_url) if database_url else dict(connection.settings_dict)
    storage = FileSystemStorage(location=media_root) if media_root else default_storage
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Archive illisible : {exc}.") from None
    with tar, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(tar)
        if manifest["base"] != _engine(target):
            raise BackupError(
                f"Cette sauvegarde vient d'une base {manifest['base']} : elle ne peut être restaurée que dans une "
                f"base du même type (la cible est {_engine(target)})."
            )
        try:
            tar.extractall(tmp, filter="data")  # refuses absolute paths, "..", links outside
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"Archive refusée : {exc}.") from None
        dump = Path(tmp) / manifest["fichier_base"]
        summary = {"base": manifest["base"], "mis_de_cote": []}
        if manifest["base"] == "sqlite":
            _restore_sqlite(dump, Path(target["NAME"]), stamp, summary)
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--dbname",
                    target["NAME"],
                    str(dump),
                ],
                _pg_env(target),
            )
        summary.update(_restore_files(Path(tmp) / "media", storage, stamp, summary["mis_de_cote"]))
    return summary


def _restore_files(restored: Path, storage: Storage, stamp: str, set_aside: list[str]) -> dict:
    """Write the archive's files into `storage` under their names: a folder is set aside first and made anew,
    a bucket's objects of the same names are replaced and the others left (counted)."""
    names = sorted(p.relative_to(restored).as_posix() for p in restored.rglob("*") if p.is_file())
    left = 0
    if isinstance(storage, FileSystemStorage):
        media_root = Path(storage.location)
        aside = _set_aside(media_root, stamp)
        if aside:
            set_aside.append(str(aside))
        media_root.mkdir(parents=True, exist_ok=True)
    else:
        left = len(set(stored_names(storage)) - set(names))
    for name in names:
        if storage.exists(name):
            storage.delete(name)
        with open(restored / name, "rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"Le fichier {name} n'a pas pu être restauré sous son nom (enregistré sous {saved}).")
    return {"fichiers_media": len(names), "laisses_en_place": left}


def _restore_sqlite(dump: Path, target: Path, stamp: str, summary: dict) -> None:
    connections.close_all()
    if target.exists():
        aside = target.with_name(f"{target.name}.avant-restauration-{stamp}")
        shutil.copy2(target, aside)
        summary["mis_de_cote"].append(str(aside))
    target.parent.mkdir(parents=True, exist_ok=True)
    source, destination = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()
