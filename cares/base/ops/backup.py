"""Backups that restore (issue 19): the database and the private document store, sealed by a
manifest of SHA-256 sums.

A backup directory holds ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or
``database.sqlite3`` (SQLite, the online backup API), the document store under ``store/``,
and ``manifest.json``: every file with its size and SHA-256, the engine, the latest applied
migration of each app, when it was made and the application's version. No PHI in the manifest:
document files have random names (``document_store``); a file whose name is not one of those
is kept under ``store-hashed/`` by the SHA-256 of its name, and found again on restore through
the restored ``Document.file`` column.

The database is dumped first, then the store is copied: a document's file is written before its
row commits, so every document in the dump has its file in the copy (a file stored meanwhile is
copied too and is harmless). A restore checks every sum before it touches anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore, fixed argument lists, no shell
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from cares.base.documents.models import Document

MANIFEST = "manifest.json"
FORMAT = 1
DUMP_FILE = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
STORE = "store"
HASHED = "store-hashed"
# What ``document_store`` names a file (Django may add "_" and 7 characters on a clash).
GENERATED_NAME = re.compile(r"documents/\d{4}/\d{2}/[0-9a-f]{32}(?:_[A-Za-z0-9]{7})?\.bin")
CHUNK = 1024 * 1024
PG_SSL_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                  "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    directory: Path
    manifest: dict

    @property
    def documents(self) -> int:
        return sum(1 for f in self.manifest["files"] if f["path"].startswith(STORE))

    @property
    def total_bytes(self) -> int:
        return sum(f["size"] for f in self.manifest["files"])


@dataclass
class RestoreResult:
    engine: str
    files: int = 0
    documents_checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    unplaced: int = 0  # hashed-name files no restored document refers to
    pending_migrations: int = 0


# --- Shared ------------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_FILE:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def files_in(directory: Path) -> list[str]:
    """Every file under ``directory`` (but the manifest), as sorted POSIX relative paths."""
    found = []
    for root, _dirs, names in os.walk(directory):
        for name in names:
            relative = (Path(root) / name).relative_to(directory).as_posix()
            if relative != MANIFEST:
                found.append(relative)
    return sorted(found)


def private_store():
    return storages["private"]


def store_names(storage, prefix: str = "") -> list[str]:
    """Every file in the document store (through the storage API, so S3 works too)."""
    try:
        dirs, names = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    found = [f"{prefix}{name}" for name in names]
    for sub in dirs:
        found.extend(store_names(storage, f"{prefix}{sub}/"))
    return sorted(found)


# --- PostgreSQL client tools ------------------------------------------------------------------

def pg_tool(name: str) -> tuple[str, int]:
    """The path and major version of ``pg_dump`` or ``pg_restore``, or a clear refusal."""
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (or not on PATH): install the PostgreSQL "
                          "client tools of the server's major version, e.g. "
                          "apt install postgresql-client.")
    out = subprocess.run([path, "--version"], capture_output=True, text=True,  # noqa: S603
                         check=False).stdout
    found = re.search(r"\)\s+(\d+)", out) or re.search(r"(\d+)(?:\.\d+)?", out)
    if not found:
        raise BackupError(f"Cannot tell the version of {path} from {out.strip()!r}.")
    return path, int(found.group(1))


def pg_server_major(alias: str) -> int:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.pg_version // 10000


def pg_connection_args(db: dict) -> tuple[list[str], dict]:
    """Command-line options and environment for the configured database: the password only
    in ``PGPASSWORD``, never on the command line."""
    args = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for option, variable in PG_SSL_OPTIONS.items():
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return args, env


def run_tool(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise BackupError(f"{what} failed (exit {done.returncode}):\n{tail}")


# --- Backup -----------------------------------------------------------------------------------

def default_directory() -> Path:
    base = Path(getattr(settings, "BACKUP_DIR", "") or Path(settings.VAR_DIR) / "backups")
    return base / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def prepare_directory(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new directory.")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)  # a backup holds PHI


def dump_postgresql(path: Path, alias: str) -> dict:
    dump, dump_major = pg_tool("pg_dump")
    server_major = pg_server_major(alias)
    if dump_major < server_major:
        raise BackupError(f"pg_dump is version {dump_major} but the server runs PostgreSQL "
                          f"{server_major}: install pg_dump {server_major} or newer.")
    args, env = pg_connection_args(connections[alias].settings_dict)
    run_tool([dump, "--format=custom", "--file", str(path), *args], env, "pg_dump")
    return {"server_major": server_major, "pg_dump_major": dump_major}


def dump_sqlite(path: Path, alias: str) -> dict:
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)  # a consistent copy while others keep working
        # One self-contained file: the copy of a write-ahead-logged database would need -wal
        # and -shm files beside it to be opened, even read-only, at restore.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    return {"sqlite_version": sqlite3.sqlite_version}


def copy_store(directory: Path) -> None:
    storage = private_store()
    for name in store_names(storage):
        stored = (f"{STORE}/{name}" if GENERATED_NAME.fullmatch(name)
                  else f"{HASHED}/{name_hash(name)}")
        target = directory / stored
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        target.chmod(0o600)


def migration_state(alias: str) -> dict[str, str]:
    """The latest applied migration of each app."""
    latest: dict[str, str] = {}
    recorder = MigrationRecorder(connections[alias])
    for app, name in recorder.migration_qs.order_by("applied", "id").values_list("app", "name"):
        latest[app] = name
    return dict(sorted(latest.items()))


def app_version() -> str | None:
    configured = getattr(settings, "APP_VERSION", None)
    if configured:
        return str(configured)
    try:
        return metadata.version("cares-kids")
    except metadata.PackageNotFoundError:
        return None


def backup(out: Path | str | None = None, *, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a backup to ``out`` (a new or empty directory; by default a timestamped one under
    ``VAR_DIR/backups``) and return what was written."""
    engine = engine_of(alias)
    directory = Path(out) if out else default_directory()
    created_at = datetime.now(UTC)
    prepare_directory(directory)
    dump_path = directory / DUMP_FILE[engine]
    details = (dump_postgresql if engine == "postgresql" else dump_sqlite)(dump_path, alias)
    dump_path.chmod(0o600)
    copy_store(directory)
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(timespec="seconds"),
        "app_version": app_version(),
        "database": {"engine": engine, "file": DUMP_FILE[engine], **details},
        "migrations": migration_state(alias),
        "files": [{"path": name, "size": (directory / name).stat().st_size,
                   "sha256": sha256_of(directory / name)} for name in files_in(directory)],
    }
    manifest_path = directory / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    manifest_path.chmod(0o600)
    return BackupResult(directory=directory, manifest=manifest)


# --- Verify -----------------------------------------------------------------------------------

def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} has no {MANIFEST}: not a CARES Kids backup.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        entries = manifest["files"]
        engine = manifest["database"]["engine"]
        database_file = manifest["database"]["file"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is not a readable manifest ({exc}).") from exc
    if manifest.get("format") != FORMAT or engine not in DUMP_FILE:
        raise BackupError(f"{path}: unknown manifest format or engine.")
    for entry in entries:
        parts = PurePosixPath(entry["path"]).parts
        if PurePosixPath(entry["path"]).is_absolute() or ".." in parts or not parts:
            raise BackupError(f"{path} names a file outside the backup: {entry['path']!r}.")
    if database_file not in {entry["path"] for entry in entries}:
        raise BackupError(f"{path} does not list the database file {database_file}.")
    return manifest


def verify(directory: Path | str) -> dict:
    """The manifest, once every file matches it (no file missing, none extra, every size and
    SHA-256 equal); otherwise a refusal naming the files."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    present = set(files_in(directory))
    problems = [f"missing: {name}" for name in sorted(set(listed) - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        path, entry = directory / name, listed[name]
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            problems.append(f"does not match its SHA-256: {name}")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BackupError(f"The backup in {directory} does not match its manifest; nothing was "
                          f"restored:\n  {shown}{more}")
    return manifest


# --- Restore ----------------------------------------------------------------------------------

def database_is_empty(alias: str) -> bool:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore_postgresql(path: Path, manifest: dict, alias: str) -> None:
    restore_tool, _major = pg_tool("pg_restore")
    connection = connections[alias]
    args, env = pg_connection_args(connection.settings_dict)
    connection.close()  # hold no lock on what pg_restore drops
    run_tool([restore_tool, "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--exit-on-error", "--single-transaction", *args, str(path)], env, "pg_restore")


def restore_sqlite(path: Path, alias: str) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Cannot restore SQLite inside a transaction.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)  # replaces every page of the live database
    finally:
        source.close()


def restore_store(directory: Path, manifest: dict, result: RestoreResult) -> None:
    storage = private_store()
    entries = [e["path"] for e in manifest["files"] if e["path"].split("/")[0] in (STORE, HASHED)]
    by_hash = {}
    if any(p.startswith(f"{HASHED}/") for p in entries):
        names = Document.objects.exclude(file="").values_list("file", flat=True)
        by_hash = {name_hash(name): name for name in names}
    for stored in entries:
        top, _, rest = stored.partition("/")
        name = rest if top == STORE else by_hash.get(rest)
        if name is None:
            result.unplaced += 1
            continue
        if storage.exists(name):
            storage.delete(name)
        with open(directory / stored, "rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The document store saved {name} as {saved}.")
        result.files += 1


def check_documents(result: RestoreResult) -> None:
    """Every restored document's file against its ``Document.sha256``."""
    storage = private_store()
    for pk, name, expected in Document.objects.order_by("pk").values_list("pk", "file",
                                                                          "sha256"):
        result.documents_checked += 1
        digest = hashlib.sha256()
        try:
            with storage.open(name, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except (FileNotFoundError, ValueError):
            result.mismatches.append(f"document #{pk}: its file is missing")
            continue
        if digest.hexdigest() != expected:
            result.mismatches.append(f"document #{pk}: the file does not match its SHA-256")


def pending_migrations(alias: str) -> int:
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def restore(directory: Path | str, *, replace: bool = False,
            alias: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Restore a backup into the configured database and document store. Refused, with
    nothing touched, if any file fails the manifest, the engine differs, the client tools are
    missing, or the database is not empty and ``replace`` is not given."""
    directory = Path(directory)
    manifest = verify(directory)
    engine = engine_of(alias)
    if manifest["database"]["engine"] != engine:
        raise BackupError(f"This backup is of a {manifest['database']['engine']} database; "
                          f"the configured database is {engine}.")
    if engine == "postgresql":
        _tool, major = pg_tool("pg_restore")
        needed = manifest["database"].get("pg_dump_major", 0)
        if major < needed:
            raise BackupError(f"pg_restore is version {major} but the dump was written by "
                              f"pg_dump {needed}: install pg_restore {needed} or newer.")
    if not replace and not database_is_empty(alias):
        raise BackupError("The database is not empty: restoring replaces everything in it. "
                          "Stop the web server and workers, then pass --yes.")
    dump = directory / manifest["database"]["file"]
    if engine == "postgresql":
        restore_postgresql(dump, manifest, alias)
    else:
        restore_sqlite(dump, alias)
    result = RestoreResult(engine=engine)
    restore_store(directory, manifest, result)
    check_documents(result)
    result.pending_migrations = pending_migrations(alias)
    return result
