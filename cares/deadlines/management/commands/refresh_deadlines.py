"""``manage.py refresh_deadlines [--all] [--as-of YYYY-MM-DD] [--stats]``: the nightly sweep by
hand, or (``--all``) the full recomputation of every stored deadline, which gives the same
rows. ``--stats`` prints one JSON line: milliseconds, queries and the peak memory of the
process (``make bench`` reads it)."""

import json
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cares.base.ops.memory import peak_rss_mb
from cares.deadlines.services import nightly_sweep, refresh_deadlines


class Command(BaseCommand):
    help = ("Run the nightly deadline sweep (what changed since the last computation, and open "
            "deadlines past due made overdue); --all recomputes every stored deadline.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="recompute every member and staff member in full")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--stats", action="store_true",
                            help="print milliseconds, queries and peak memory as JSON")

    def handle(self, *args, everything: bool, as_of: str | None, stats: bool, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of: not a date: {as_of!r} (use YYYY-MM-DD)") from exc
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            totals = refresh_deadlines(as_of=day) if everything else nightly_sweep(as_of=day)
            ms = (time.perf_counter() - start) * 1000
        if stats:
            peak = peak_rss_mb()
            self.stdout.write(json.dumps({"ms": round(ms, 1), "queries": len(queries),
                                          "peak_rss_mb": round(peak, 1), "totals": totals}))
            return
        self.stdout.write(("Full recomputation: " if everything else "Nightly sweep: ")
                          + ", ".join(f"{n} {what}" for what, n in totals.items()))
