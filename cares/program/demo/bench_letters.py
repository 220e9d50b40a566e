#!/usr/bin/env python
"""Benchmark of letter rendering (issues 8 and 20), on this machine, in one run:

1. the floor: WeasyPrint rendering a minimal page through cares.base.pdf's child process with
   its time limit (and, for reference, in process);
2. the median milliseconds per letter, English and Chinese (simplified, bilingual with its
   English copy): building the HTML from the database, then the PDF in a child process,
   measured in the same rounds as the floor; their ratios to the floor and Chinese / English
   (goal: at most 2), the peak RSS of the rendering child processes and the PDF sizes;
3. a batch of N letters (default 500, half English, half Chinese; 0: none) rendered by real
   Celery workers (default 2 worker processes), spread as a Celery group of chunks, wall time
   from dispatch to the last PDF stored.

The figures are printed and written to var/bench/letters-<vendor>.json (sqlite, or postgresql
with --database-url).

Everything runs in a throw-away folder (SQLite database unless --database-url names a
throw-away PostgreSQL database, private storage, and the filesystem broker unless
--broker-url names a Redis database to use, which is faster to poll):

    make bench-letters          (or: .venv/bin/python -m cares.program.demo.bench_letters)
    .venv/bin/python -m cares.program.demo.bench_letters --broker-url redis://127.0.0.1:6379/9
    make bench-letters LETTERS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cares_letters

This module makes the throw-away environment, sets Django up in it and runs the measuring
command (``manage.py bench_letters``, which refuses to run anywhere else). Fictional data only.
Nothing outside the temporary folder (and the Redis and PostgreSQL databases given) is touched
but the JSON file of figures; the workers started here are stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import django
from django.core.management import CommandError, call_command

BASE_DIR = Path(__file__).resolve().parents[3]  # the project folder (manage.py)
SCRATCH_FLAG = "CARES_BENCH_LETTERS_SCRATCH"  # set only in the throw-away environment


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=500, help="batch size (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--chunk", type=int, default=None, help="letters per task")
    parser.add_argument("--samples", type=int, default=15, help="letters timed one by one")
    parser.add_argument("--broker-url", default="", help="e.g. redis://127.0.0.1:6379/9")
    parser.add_argument("--database-url", default="",
                        help="a throw-away PostgreSQL database (default: SQLite in the "
                             "temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--out-dir", default="", help="where letters-<vendor>.json goes "
                        "(default: var/bench of the project, or of CARES_VAR_DIR)")
    return parser.parse_args()


def environment(var_dir: Path, broker_url: str, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                          "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update({"CARES_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "cares.settings",
                "SECRET_KEY": "bench-only-" + os.urandom(8).hex(), "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(BASE_DIR), "EMAIL_URL": "consolemail://", SCRATCH_FLAG: "1"})
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    # SQLite with two writing workers: wait for the lock, and take it when a write begins.
    env["DATABASE_URL"] = database_url or (
        f"sqlite:///{var_dir / 'bench.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE")
    return env


def main() -> int:
    args = parse_args()
    out_dir = args.out_dir or str(Path(os.environ.get("CARES_VAR_DIR") or BASE_DIR / "var")
                                  / "bench")
    var_dir = Path(tempfile.mkdtemp(prefix="cares-bench-letters-"))
    env = environment(var_dir, args.broker_url, args.database_url)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    try:
        django.setup()
        call_command("migrate", verbosity=0)
        call_command("bench_letters", letters=args.letters, workers=args.workers,
                     chunk=args.chunk, samples=args.samples, as_json=args.json,
                     out_dir=out_dir)
    except CommandError as exc:  # not every letter of the batch was stored
        print(exc, file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
