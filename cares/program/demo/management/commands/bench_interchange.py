"""``make bench``, the interchange (issue 20): for each size N, a synthetic caseload file of N
members (``cares.program.demo.bench_interchange``) imported into an empty scratch database,
then the compliance report beside its floor, the rule book over the file alone.

The scratch database is made as ``bench`` makes its own: migrated and empty, SQLite at
``var/bench/interchange.sqlite3`` or ``<name>_interchange`` on the PostgreSQL server of
``DATABASE_URL`` (``--scratch`` names another); each size gets a copy of it
(``<scratch>_n<N>``). The import runs in a child process (this command with ``--child-import``)
so that its peak resident memory is its own; its time is measured inside it, around
``import_caseload`` alone. Everything is dropped at the end unless ``--keep``."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from cares.base.ops.memory import peak_rss_mb
from cares.deadlines.report import write_compliance_report
from cares.program.demo import bench
from cares.program.demo.bench_interchange import plain_report_summary, synthetic_caseload
from cares.program.interchange.importer import import_caseload

IMPORT_GOAL_MS = 3.0  # per member (issue 20)
REPORT_GOAL = 1.5  # times the floor (issue 20)


class _Sink:
    """Where the timed report goes: counted, not kept."""

    def __init__(self):
        self.chars = 0

    def write(self, text: str) -> None:
        self.chars += len(text)


def use_database(name: str) -> None:
    connection.close()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name


def child_import(path: str) -> dict:
    """Import the file into the connected database: milliseconds and queries of
    ``import_caseload`` alone, and this process's peak resident memory."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = bench.QueryCounter()
    with override_settings(DEBUG=False), connection.execute_wrapper(queries):
        start = time.perf_counter()
        counts = import_caseload(data)
        ms = (time.perf_counter() - start) * 1000
    return {"ms": ms, "queries": queries.count, "peak_rss_mb": peak_rss_mb(),
            "members": counts.created.get("members", 0)}


def report_numbers(today: date) -> tuple[dict, int]:
    """The summary and the number of rows of the streamed report (read back once)."""
    out = io.StringIO()
    write_compliance_report(out, today)
    report = json.loads(out.getvalue())
    return report["summary"], len(report["deadlines"])


class Command(BaseCommand):
    help = ("Import a synthetic caseload of each size into a scratch database and print the "
            "import's milliseconds per member, queries and peak memory, and the compliance "
            "report beside its floor (the rule book over the file alone), measured in the "
            "same run.")

    def add_arguments(self, parser):
        parser.add_argument("--members", default="1000,5000",
                            help="comma-separated sizes (default 1000,5000)")
        parser.add_argument("--runs", type=int, default=3, help="timed reports per size")
        parser.add_argument("--scratch", default="",
                            help="the scratch database (SQLite path or PostgreSQL name)")
        parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
        parser.add_argument("--child-import", dest="child_file", default="",
                            help=argparse.SUPPRESS)

    def handle(self, *args, members: str, runs: int, scratch: str, keep: bool,
               child_file: str, **options):
        if child_file:
            use_database(scratch)
            self.stdout.write(json.dumps(child_import(child_file)))
            return
        try:
            sizes = [int(n) for n in members.split(",") if n.strip()]
        except ValueError as exc:
            raise CommandError(f"--members: not a list of numbers: {members!r}") from exc
        if not sizes or min(sizes) < 1:
            raise CommandError("--members: give at least one size of 1 or more")
        name = scratch or bench.default_scratch("interchange")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True,
                                                      serialize=False)
        template = connection.settings_dict["NAME"]
        self.stdout.write(f"Scratch database: {connection.vendor} {template}")
        today = timezone.localdate()
        results, figures = [], {}
        try:
            for n in sizes:
                measures, figures[n] = self.measure(n, today, template, runs, keep)
                results += measures
        finally:
            use_database(template)
            if not keep:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self.report(sizes, today, results, figures)

    def measure(self, n: int, today: date, template: str, runs: int,
                keep: bool) -> tuple[list[bench.Measure], dict]:
        data = synthetic_caseload(n, today)
        path = settings.VAR_DIR / "bench" / f"interchange-{n}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")
        use_database(template)
        suffix = f"n{n}"
        clone = connection.creation.get_test_db_clone_settings(suffix)["NAME"]
        connection.creation.clone_test_db(suffix, verbosity=0, autoclobber=True)
        try:
            imported = self.run_child(clone, path)
            use_database(clone)
            return self.measure_report(n, today, data, imported, runs)
        finally:
            use_database(template)
            if not keep:
                connection.creation.destroy_test_db(None, verbosity=0, suffix=suffix)

    def run_child(self, clone: str, path: Path) -> dict:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"),
                   "bench_interchange", "--child-import", str(path), "--scratch", clone]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(),  # noqa: S603 (our own command)
                              check=False)
        if done.returncode != 0:
            raise CommandError(f"the import failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def measure_report(self, n: int, today: date, data: dict, imported: dict,
                       runs: int) -> tuple[list[bench.Measure], dict]:
        sink = _Sink()
        ms, queries, _none = bench.timed(lambda: write_compliance_report(sink, today), runs)
        floor_ms, _q, (summary, rows) = bench.timed(lambda: plain_report_summary(data, today),
                                                    runs)
        same = report_numbers(today) == (summary, rows)
        per_member = imported["ms"] / n
        measures = [
            bench.Measure(f"import {n}", imported["ms"], imported["queries"],
                          IMPORT_GOAL_MS * n, 0, imported["members"] == n,
                          baseline=f"no floor: {per_member:.2f} ms/member against "
                          f"{IMPORT_GOAL_MS:g} ms/member", goal=1.0,
                          peak_rss_mb=imported["peak_rss_mb"]),
            bench.Measure(f"report {n}", ms, queries, floor_ms, 0, same,
                          baseline="the rule book over the file's dicts, no database",
                          goal=REPORT_GOAL),
        ]
        return measures, {"import_ms": imported["ms"], "import_ms_per_member": per_member,
                          "report_ms": ms, "floor_ms": floor_ms, "rows": rows,
                          "report_chars": sink.chars}

    def report(self, sizes: list[int], today: date, results: list[bench.Measure],
               figures: dict) -> None:
        self.stdout.write(f"\nInterchange, {connection.vendor}, {today}; import: one run in a "
                          "child process (its peak memory); report: median of timed runs, "
                          "its floor measured in the same run (cares/program/demo/"
                          "bench_interchange.py)\n")
        self.stdout.write(bench.table(results))
        linearity = {}
        for small, large in zip(sizes, sizes[1:], strict=False):
            factor = large / small
            linearity[f"{small}->{large}"] = {
                what: round(figures[large][key] / figures[small][key] / factor, 2)
                for what, key in (("import", "import_ms"), ("report", "report_ms"),
                                  ("floor", "floor_ms"))}
            self.stdout.write(f"\nLinearity {small} -> {large} members (time ratio / "
                              f"{factor:g}; 1.0 is linear): " + ", ".join(
                                  f"{k} {v:.2f}" for k, v in linearity[f"{small}->{large}"]
                                  .items()))
        path = settings.VAR_DIR / "bench" / f"interchange-{connection.vendor}.json"
        path.write_text(json.dumps({
            "sizes": sizes, "vendor": connection.vendor, "date": today.isoformat(),
            "results": [bench.as_dict(r) for r in results], "figures": figures,
            "linearity": linearity}, indent=2))
        self.stdout.write(f"\nWritten to {path}.")
