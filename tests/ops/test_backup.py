"""Backups that restore (issue 19): `manage.py backup` and `manage.py restore`.

The round trip (seed, back up, drop, restore, then the compliance report and every document
hash match) runs on both CI legs: in place on the test database, PostgreSQL's schema dropped
and recreated, SQLite's tables dropped (the suite's SQLite test database lives in memory, which
the online backup API copies both ways). These tests commit (``transaction=True``): pg_dump
reads the database from outside the test's connection.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from cares.base.documents.models import Document
from cares.base.documents.services import document_store
from cares.base.ops.backup import GENERATED_NAME, name_hash, private_store
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2026, 12, 1)
SENTINEL = "Sentinelname"


def letter(member: Member, kind: str = "enrollment_letter") -> Document:
    content = (f"%PDF-1.7 {kind} for {member.legal_first_name} {member.legal_last_name}, "
               f"member {member.key}").encode()
    return document_store(member=member, kind=kind, title=f"Letter to {member.legal_last_name}",
                          content=content)


def store_hashes() -> dict[int, str]:
    """Every document's file, hashed as it is in the store now."""
    storage = private_store()
    hashes = {}
    for document in Document.objects.order_by("pk"):
        with storage.open(document.file.name, "rb") as handle:
            hashes[document.pk] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


def run_backup(tmp_path: Path) -> Path:
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out), stdout=io.StringIO())
    return out


def run_restore(directory: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("restore", str(directory), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def clear_store() -> None:
    storage = private_store()
    for document in Document.objects.all():
        storage.delete(document.file.name)


def manifest_of(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def sentinel_letter():
    member = MemberFactory(legal_first_name="Leo", legal_last_name=SENTINEL)
    return letter(member)


# --- Refusals: nothing touched ----------------------------------------------------------------

def refused_untouched(directory: Path, match: str, *args: str) -> None:
    """Restore (with ``args``, by default --yes) is refused and neither the database nor the
    store changed."""
    late = MemberFactory(legal_last_name="Addedafterbackup")
    before = store_hashes()
    with pytest.raises(CommandError, match=match):
        run_restore(directory, *(args or ("--yes",)))
    assert Member.objects.filter(pk=late.pk).exists()
    assert store_hashes() == before


def test_a_tampered_document_is_refused_and_nothing_is_restored(tmp_path, sentinel_letter):
    directory = run_backup(tmp_path)
    stored = directory / "store" / sentinel_letter.file.name
    stored.write_bytes(stored.read_bytes().replace(b"PDF", b"PDX"))
    refused_untouched(directory, f"does not match its SHA-256: store/{sentinel_letter.file.name}")


def test_a_tampered_database_dump_is_refused(tmp_path, sentinel_letter):
    directory = run_backup(tmp_path)
    dump = directory / manifest_of(directory)["database"]["file"]
    with open(dump, "ab") as handle:
        handle.write(b"\0")
    refused_untouched(directory, "does not match its SHA-256: database")


def test_an_extra_file_is_refused(tmp_path, sentinel_letter):
    directory = run_backup(tmp_path)
    (directory / "store" / "documents" / "planted.bin").write_bytes(b"%PDF planted")
    refused_untouched(directory, "not in the manifest: store/documents/planted.bin")


def test_a_missing_file_is_refused(tmp_path, sentinel_letter):
    directory = run_backup(tmp_path)
    (directory / "store" / sentinel_letter.file.name).unlink()
    refused_untouched(directory, f"missing: store/{sentinel_letter.file.name}")


def test_a_directory_without_manifest_is_refused(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"x")
    with pytest.raises(CommandError, match="no manifest.json"):
        run_restore(tmp_path, "--yes")


def test_a_database_that_is_not_empty_needs_yes(tmp_path, sentinel_letter):
    directory = run_backup(tmp_path)
    refused_untouched(directory, "not empty.*--yes", "--no-color")


def test_backup_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "--out", str(tmp_path), stdout=io.StringIO())


def test_backup_by_default_goes_to_a_timestamped_private_directory(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("backup", stdout=out)
    [directory] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"\d{8}T\d{6}Z", directory.name)
    assert f"to {directory}" in out.getvalue() and "PHI" in out.getvalue()
    assert directory.stat().st_mode & 0o077 == 0  # readable by the operator only
    assert all(p.stat().st_mode & 0o077 == 0 for p in directory.rglob("*") if p.is_file())


# --- The manifest -----------------------------------------------------------------------------

def test_the_manifest_lists_every_file_and_holds_no_phi(tmp_path, sentinel_letter):
    member = sentinel_letter.member
    # A file whose stored name is not a generated one (as if written by hand): hashed.
    odd_name = private_store().save(f"documents/2026/12/{SENTINEL} letter.pdf",
                                    io.BytesIO(b"%PDF hand-made"))
    odd = Document.objects.create(member=member, kind="letter", title="Hand-made",
                                  file=odd_name, size=14,
                                  sha256=hashlib.sha256(b"%PDF hand-made").hexdigest())
    directory = run_backup(tmp_path)
    text = (directory / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    for phi in (SENTINEL, "Leo", member.key, "Letter to", "Hand-made", odd_name):
        assert not phi or phi not in text
    db = connection.settings_dict
    for secret in (db.get("PASSWORD"), db.get("HOST"), str(db["NAME"])):
        assert not secret or secret not in text
    paths = [entry["path"] for entry in manifest["files"]]
    assert paths == sorted(p.relative_to(directory).as_posix()
                           for p in directory.rglob("*") if p.is_file()
                           and p.name != "manifest.json")
    for entry in manifest["files"]:
        data = (directory / entry["path"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    # (The suite's store is shared by its tests: other tests' files are backed up too.)
    store = [p for p in paths if p.startswith("store/")]
    assert f"store/{sentinel_letter.file.name}" in store
    assert all(GENERATED_NAME.fullmatch(p.removeprefix("store/")) for p in store)
    assert f"store-hashed/{name_hash(odd_name)}" in paths
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["migrations"]["documents"].startswith("0001_")
    assert manifest["created_at"] and "app_version" in manifest

    # The hashed file finds its way back to its name through the restored database.
    private_store().delete(odd_name)
    assert "Every document matches" in run_restore(directory, "--yes")
    assert store_hashes()[odd.pk] == odd.sha256


def test_a_restored_document_that_differs_from_its_record_is_reported(tmp_path,
                                                                      sentinel_letter):
    # The backup is faithful to a store that was already wrong: restore says so.
    with private_store().open(sentinel_letter.file.name, "wb") as handle:
        handle.write(b"%PDF altered before the backup")
    directory = run_backup(tmp_path)
    with pytest.raises(CommandError, match=f"document #{sentinel_letter.pk}: the file does not"):
        run_restore(directory, "--yes")


# --- The round trip ---------------------------------------------------------------------------

def seed_program() -> None:
    from cares.program.demo.program import seed_demo_members

    with override_settings(DEBUG=True):
        seed_demo_members(12, today=AS_OF)
    for member in Member.objects.order_by("pk")[:4]:
        letter(member)
        letter(member, kind="care_plan")


def compliance_report() -> str:
    out = io.StringIO()
    call_command("compliance_report", "--as-of", AS_OF.isoformat(), "--format", "json",
                 stdout=out)
    return out.getvalue()


def drop_database() -> None:
    """Everything in the test database gone, as after losing the machine."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert not connection.introspection.table_names()


def test_seed_back_up_drop_restore_and_everything_matches(tmp_path):
    seed_program()
    report = compliance_report()
    hashes = store_hashes()
    recorded = dict(Document.objects.values_list("pk", "sha256"))
    assert len(hashes) == 8 and hashes == recorded
    assert json.loads(report)["deadlines"]
    directory = run_backup(tmp_path)

    clear_store()
    drop_database()
    try:
        out = run_restore(directory)  # an empty database needs no --yes
    finally:
        if not connection.introspection.table_names():  # leave the suite a database
            call_command("migrate", verbosity=0)
    assert "Restored" in out and "checked 8 document(s)" in out
    assert "Every document matches its recorded SHA-256." in out
    assert compliance_report() == report
    assert store_hashes() == hashes
    assert dict(Document.objects.values_list("pk", "sha256")) == recorded


# --- PostgreSQL client tools ------------------------------------------------------------------

@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used only with PostgreSQL (the CI leg with DATABASE_URL)")


def test_backup_says_so_when_pg_dump_is_missing(tmp_path, postgresql_only, monkeypatch):
    monkeypatch.setattr("cares.base.ops.backup.shutil.which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        run_backup(tmp_path)


def test_backup_refuses_a_pg_dump_older_than_the_server(tmp_path, postgresql_only,
                                                        monkeypatch):
    monkeypatch.setattr("cares.base.ops.backup.pg_server_major", lambda alias: 99)
    with pytest.raises(CommandError, match="pg_dump is version .* PostgreSQL 99"):
        run_backup(tmp_path)
    assert not any((tmp_path / "backup").iterdir())


def test_the_password_goes_in_the_environment_never_on_the_command_line():
    from cares.base.ops.backup import pg_connection_args

    args, env = pg_connection_args({"NAME": "cares", "USER": "cares", "PASSWORD": "s3cret",
                                    "HOST": "db.example", "PORT": 5432,
                                    "OPTIONS": {"sslmode": "verify-full"}})
    assert "s3cret" not in " ".join(args)
    assert env["PGPASSWORD"] == "s3cret" and env["PGSSLMODE"] == "verify-full"
    assert args[-2:] == ["--dbname", "cares"] and "--no-password" in args
