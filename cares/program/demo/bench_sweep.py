"""``make bench``: the nightly sweep (``manage.py refresh_deadlines``, the scheduler's work) on
the days after the program was computed, and the full recomputation (``--all``), each run in a
process of its own so its peak memory is its own, beside the floor measured in the same run
(``bench.sweep_baseline``: one query that reads every row the rule book reads, once, and the
summary of the stored statuses)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from cares.deadlines.models import Deadline, MemberComputation
from cares.program.demo import bench
from cares.program.demo.bench import Context, Measure

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def scratch_url() -> str:
    """The scratch database as a DATABASE_URL, for the child processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def refresh(day: date, *extra: str) -> dict:
    """``manage.py refresh_deadlines --as-of DAY --stats`` in a child process."""
    env = {**os.environ, "DATABASE_URL": scratch_url(), "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, str(MANAGE), "refresh_deadlines", "--as-of",
                           day.isoformat(), "--stats", *extra], env=env, capture_output=True,
                          text=True, check=False, cwd=settings.BASE_DIR)
    if done.returncode:
        raise RuntimeError(f"refresh_deadlines --as-of {day} {' '.join(extra)} failed:\n"
                           f"{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_sweep(ctx: Context) -> list[Measure]:
    computed = MemberComputation.objects.aggregate(last=Max("computed_on"))["last"]
    first = max(ctx.today, computed or ctx.today)  # the nights after the last computation
    connection.close()  # the child processes write; SQLite wants the file to itself
    days = [first + timedelta(days=n) for n in range(1, ctx.sweep_runs + 1)]
    nights = [refresh(day) for day in days]
    full = refresh(days[-1], "--all")
    base_ms, base_q, numbers = bench.timed(bench.sweep_baseline, ctx.runs)
    stored = dict(Deadline.objects.values_list("status").annotate(n=Count("pk")))
    unchanged = not any(full["totals"].values())  # the sweep left what --all would give
    same = dict(numbers) == stored and unchanged
    return [
        Measure("nightly sweep", statistics.median(n["ms"] for n in nights),
                max(n["queries"] for n in nights), base_ms, base_q, same,
                baseline="the floor: one read of every input", goal=10,
                peak_rss_mb=max(n["peak_rss_mb"] for n in nights)),
        Measure("refresh_deadlines --all", full["ms"], full["queries"], base_ms, base_q,
                unchanged, baseline="the floor: one read of every input",
                peak_rss_mb=full["peak_rss_mb"]),
    ]
