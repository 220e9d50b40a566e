"""``make bench``: seed N synthetic members in a scratch database and time the dashboard, the
worklist, the member page and the nightly sweep against hand-written SQL (see
``cares.program.demo.bench``).

The scratch database is made by Django's test-database machinery from the configured one:
SQLite at ``var/bench/bench.sqlite3``, or ``<name>_bench`` on the PostgreSQL server of
``DATABASE_URL``. It is created empty, migrated, and dropped at the end (``--keep`` keeps
it); the configured database itself is never touched."""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from cares.base.staff.models import StaffProfile
from cares.deadlines.models import Deadline
from cares.deadlines.services import refresh_deadlines
from cares.program.dashboards.periods import period_of
from cares.program.demo import bench
from cares.program.demo.accounts import demo_totp_device, seed_demo_staff
from cares.program.demo.program import seed_demo_members
from members.models import Member


def client_for(key: str) -> Client:
    """A test client signed in as the demo staff member ``key``, with both factors."""
    profile = StaffProfile.objects.select_related("user").get(key=key)
    client = Client(HTTP_HOST="localhost")
    client.force_login(profile.user)
    session = client.session  # signed in with both factors, as after a real sign-in
    session[DEVICE_ID_SESSION_KEY] = demo_totp_device(profile.user).persistent_id
    session.save()
    return client


def page(client: Client, url: str):
    """A timed page load that must succeed."""
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response
    return get


class Command(BaseCommand):
    help = ("Seed N synthetic members in a scratch database and print, for the dashboard, the "
            "worklist, the member page and the nightly sweep, median milliseconds and query "
            "counts beside a hand-written SQL baseline.")

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=7, help="timed runs per page")
        parser.add_argument("--sweep-runs", type=int, default=3, help="timed sweeps")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database")

    def handle(self, *args, members: int, runs: int, sweep_runs: int, keep: bool, **options):
        if not settings.DEBUG:
            raise CommandError("The bench seeds demo data: run it with DEBUG=1 (make bench).")
        logging.getLogger("cares").setLevel(logging.WARNING)
        db = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            folder = settings.VAR_DIR / "bench"
            folder.mkdir(parents=True, exist_ok=True)
            db.setdefault("TEST", {})["NAME"] = str(folder / "bench.sqlite3")
        else:  # beside the configured database, apart from the test suite's test_<name>
            db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True,
                                                      serialize=False)
        self.stdout.write(f"Scratch database: {connection.vendor} "
                          f"{connection.settings_dict['NAME']}")
        try:
            self.run(members, runs, sweep_runs)
        finally:
            if keep:
                self.stdout.write(f"Kept {connection.settings_dict['NAME']}.")
            else:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    def run(self, n: int, runs: int, sweep_runs: int) -> None:
        today = timezone.localdate()
        self.seed(n, today)
        director, coordinator = client_for("director"), client_for("coordinator")
        coordinator_id = StaffProfile.objects.get(key="coordinator").pk
        member_id = (Deadline.objects.filter(member__isnull=False).values("member")
                     .annotate(n=Count("pk")).order_by("-n", "member")[0]["member"])
        period = period_of("month", today)
        results = []

        ms, queries, _response = bench.timed(page(director, "/dashboard/"), runs)
        base_ms, base_q, numbers = bench.timed(
            lambda: bench.dashboard_baseline(period, today), runs)
        results.append(bench.Measure("dashboard", ms, queries, base_ms, base_q,
                                     numbers == bench.dashboard_numbers(period, today)))

        ms, queries, _response = bench.timed(page(coordinator, "/worklist/"), runs)
        base_ms, base_q, numbers = bench.timed(
            lambda: bench.worklist_baseline(coordinator_id, today), runs)
        same = tuple(numbers) == bench.worklist_numbers(
            StaffProfile.objects.get(pk=coordinator_id).user, today)
        results.append(bench.Measure("worklist", ms, queries, base_ms, base_q, same))

        ms, queries, _response = bench.timed(page(director, f"/members/{member_id}/"), runs)
        base_ms, base_q, numbers = bench.timed(lambda: bench.member_baseline(member_id), runs)
        stored = dict(Deadline.objects.filter(member_id=member_id).values_list("status")
                      .annotate(n=Count("pk")))
        results.append(bench.Measure("member page", ms, queries, base_ms, base_q,
                                     dict(numbers) == stored))
        results.append(self.sweep(today, runs, sweep_runs))
        self.report(n, results)

    def seed(self, n: int, today) -> None:
        start = time.perf_counter()
        seed_demo_staff()
        seed_demo_members(n, today=today, progress=lambda done, total: self.stderr.write(
            f"  seeded {done}/{total} members", ending="\r"))
        seconds = time.perf_counter() - start
        self.stdout.write(f"\nSeeded {Member.objects.count()} members, "
                          f"{Deadline.objects.count()} stored deadlines in {seconds:.0f} s.")

    def sweep(self, today, runs: int, sweep_runs: int) -> bench.Measure:
        ms, queries, totals = bench.timed(lambda: refresh_deadlines(as_of=today), sweep_runs)
        base_ms, base_q, numbers = bench.timed(bench.sweep_baseline, runs)
        stored = dict(Deadline.objects.values_list("status").annotate(n=Count("pk")))
        return bench.Measure("nightly sweep", ms, queries, base_ms, base_q,
                             dict(numbers) == stored and not any(totals.values()))

    def report(self, n: int, results: list[bench.Measure]) -> None:
        self.stdout.write(f"\n{n} members, {connection.vendor}; median of timed runs; baseline: "
                          "one hand-written SQL query (cares/program/demo/bench.py)\n")
        header = (f"{'target':<14}{'median ms':>11}{'queries':>9}{'baseline ms':>13}"
                  f"{'b. queries':>11}{'ratio':>8}  same numbers")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            same = {True: "yes", False: "NO", None: "-"}[r.same_numbers]
            self.stdout.write(f"{r.name:<14}{r.median_ms:>11.1f}{r.queries:>9}"
                              f"{r.baseline_ms:>13.1f}{r.baseline_queries:>11}"
                              f"{r.ratio:>7.1f}x  {same}")
        path = settings.VAR_DIR / "bench" / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"members": n, "vendor": connection.vendor,
                                    "date": timezone.localdate().isoformat(),
                                    "results": [{**vars(r), "ratio": round(r.ratio, 2)}
                                                for r in results]}, indent=2))
        self.stdout.write(f"\nWritten to {path}.")
