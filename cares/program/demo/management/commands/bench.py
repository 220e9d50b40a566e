"""``make bench``: seed N synthetic members in a scratch database and measure each workload of
issue 20 beside its floor, in the same run (see ``cares.program.demo.bench``): the dashboard,
the worklist and the member page (``bench_pages``), the nightly sweep (``bench_sweep``).

The scratch database is made by Django's test-database machinery from the configured one:
SQLite at ``var/bench/bench.sqlite3``, or ``<name>_bench`` on the PostgreSQL server of
``DATABASE_URL`` (``--scratch`` names another). It is created empty, migrated, and dropped at
the end (``--keep`` keeps it; ``--reuse`` measures a kept one again without seeding); the
configured database itself is never touched."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from cares.deadlines.models import Deadline
from cares.program.demo import bench, bench_pages, bench_sweep
from cares.program.demo.accounts import seed_demo_staff
from cares.program.demo.program import seed_demo_members
from members.models import Member

WORKLOADS = {
    "dashboard": bench_pages.measure_dashboard,
    "worklist": bench_pages.measure_worklist,
    "member": bench_pages.measure_member_page,
    "lists": bench_pages.measure_lists,
    "sweep": bench_sweep.measure_sweep,
}


class Command(BaseCommand):
    help = ("Seed N synthetic members in a scratch database and print, for the dashboard, the "
            "worklist, the member page and the nightly sweep, median milliseconds, query counts "
            "and peak memory beside a floor measured in the same run.")

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=7, help="timed runs per page")
        parser.add_argument("--sweep-runs", type=int, default=3,
                            help="timed nightly sweeps (one per following day)")
        parser.add_argument("--only", default="",
                            help=f"comma-separated workloads of: {', '.join(WORKLOADS)}")
        parser.add_argument("--scratch", default="",
                            help="the scratch database (SQLite path or PostgreSQL name)")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database")
        parser.add_argument("--reuse", action="store_true",
                            help="measure a kept scratch database again, without seeding")

    def handle(self, *args, members: int, runs: int, sweep_runs: int, only: str,
               scratch: str, keep: bool, reuse: bool, **options):
        if not settings.DEBUG:
            raise CommandError("The bench seeds demo data: run it with DEBUG=1 (make bench).")
        names = [w.strip() for w in only.split(",") if w.strip()] or list(WORKLOADS)
        unknown = [w for w in names if w not in WORKLOADS]
        if unknown:
            raise CommandError(f"--only: no workload {', '.join(unknown)} "
                               f"(choose from {', '.join(WORKLOADS)})")
        logging.getLogger("cares").setLevel(logging.WARNING)
        name = scratch or bench.default_scratch("bench")
        if reuse:
            self.connect(name)
            keep = True
        else:
            connection.settings_dict.setdefault("TEST", {})["NAME"] = name
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True,
                                                          serialize=False)
        self.stdout.write(f"Scratch database: {connection.vendor} "
                          f"{connection.settings_dict['NAME']}")
        try:
            today = timezone.localdate()
            if not reuse:
                self.seed(members, today)
            ctx = bench.Context(today=today, members=Member.objects.count(), runs=runs,
                                sweep_runs=sweep_runs)
            results = [m for w in names for m in WORKLOADS[w](ctx)]
            self.report(ctx.members, results)
        finally:
            if keep:
                self.stdout.write(f"Kept {connection.settings_dict['NAME']} "
                                  "(measure it again with --reuse --scratch NAME).")
            else:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    @staticmethod
    def connect(name: str) -> None:
        if connection.vendor == "sqlite" and not Path(name).exists():
            raise CommandError(f"--reuse: no scratch database {name}")
        connection.close()
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name
        if not Member.objects.exists():
            raise CommandError(f"--reuse: the scratch database {name} holds no members")

    def seed(self, n: int, today) -> None:
        start = time.perf_counter()
        seed_demo_staff()
        seed_demo_members(n, today=today, progress=lambda done, total: self.stderr.write(
            f"  seeded {done}/{total} members", ending="\r"))
        with connection.cursor() as cursor:  # statistics for the planner, as in production
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        seconds = time.perf_counter() - start
        self.stdout.write(f"\nSeeded {Member.objects.count()} members, "
                          f"{Deadline.objects.count()} stored deadlines in {seconds:.0f} s.")

    def report(self, n: int, results: list[bench.Measure]) -> None:
        self.stdout.write(f"\n{n} members, {connection.vendor}, {timezone.localdate()}; median "
                          "of timed runs; each floor measured in the same run "
                          "(cares/program/demo/bench*.py)\n")
        self.stdout.write(bench.table(results))
        path = settings.VAR_DIR / "bench" / f"results-{connection.vendor}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"members": n, "vendor": connection.vendor,
                                    "date": timezone.localdate().isoformat(),
                                    "results": [bench.as_dict(r) for r in results]},
                                   indent=2))
        self.stdout.write(f"\nWritten to {path}.")
