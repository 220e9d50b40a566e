"""The embedded default database (SQLite in a file, as `make run` uses it: web, worker and beat
on one file). It is write-ahead logged, so pages keep reading while the worker or the nightly
sweep writes, and its backup is one file that opens on its own. The suite's own SQLite database
lives in memory, so these tests open a file with the configured options."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

from cares.base.ops import backup


@pytest.fixture
def live(tmp_path, django_db_blocker):
    """A database file opened with the configured options (``cares.settings``), not the
    suite's test database."""
    config = settings.DATABASES["default"]
    if not config["ENGINE"].endswith("sqlite3"):
        pytest.skip("the embedded default: the CI leg without DATABASE_URL")
    wrapper = DatabaseWrapper({**config, "NAME": str(tmp_path / "cares.sqlite3")}, "live")
    with django_db_blocker.unblock():
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE note (body TEXT)")
            cursor.execute("INSERT INTO note VALUES ('kept')")
        yield wrapper
        wrapper.close()


def test_a_page_reads_while_a_long_write_is_still_open(live):
    """A long write (the nightly sweep at program scale) outgrows its page cache; with a
    rollback journal it then locks every reader out until it commits."""
    writer = sqlite3.connect(live.settings_dict["NAME"], isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")  # spill to disk at once, as a big sweep does
    writer.execute("BEGIN IMMEDIATE")
    writer.executemany("INSERT INTO note VALUES (?)", [("x" * 500,)] * 2000)
    try:
        with live.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("SELECT body FROM note")
            assert cursor.fetchall() == [("kept",)]  # the last committed state, at once
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_the_backup_of_the_file_is_one_file_that_opens_read_only(live, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "connections", {"live": live})
    folder = tmp_path / "backup"
    folder.mkdir()
    dump = folder / "database.sqlite3"
    backup.dump_sqlite(dump, "live")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)  # restored from read-only media
    try:
        copy = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        assert copy.execute("SELECT body FROM note").fetchall() == [("kept",)]
        copy.close()
        assert sorted(p.name for p in folder.iterdir()) == ["database.sqlite3"]
    finally:
        folder.chmod(stat.S_IRWXU)
