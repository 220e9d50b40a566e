#!/usr/bin/env python
"""Benchmark of letter rendering (issue 8), on this machine, in one run:

1. baseline: WeasyPrint rendering a minimal page (in process, and through cares.base.pdf's child
   process with its time limit);
2. the median milliseconds per letter, English and Chinese (simplified, bilingual with its
   English copy): building the HTML from the database, then the PDF in a child process;
3. a batch of N letters (default 500, half English, half Chinese) rendered by real Celery
   workers (default 2 worker processes), spread as a Celery group of chunks, wall time from
   dispatch to the last PDF stored.

Everything runs in a throw-away folder (SQLite database unless --database-url names a
throw-away PostgreSQL database, private storage, and the filesystem broker unless
--broker-url names a Redis database to use, which is faster to poll):

    make bench-letters          (or: .venv/bin/python -m cares.program.demo.bench_letters)
    .venv/bin/python -m cares.program.demo.bench_letters --broker-url redis://127.0.0.1:6379/9

Fictional data only. Nothing outside the temporary folder (and the Redis database given) is
touched; the workers started here are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--chunk", type=int, default=None, help="letters per task")
    parser.add_argument("--samples", type=int, default=15, help="letters timed one by one")
    parser.add_argument("--broker-url", default="", help="e.g. redis://127.0.0.1:6379/9")
    parser.add_argument("--database-url", default="",
                        help="a throw-away PostgreSQL database (default: SQLite in the "
                             "temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    return parser.parse_args()


def environment(var_dir: Path, broker_url: str, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                          "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update({"CARES_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "cares.settings",
                "SECRET_KEY": "bench-only-" + os.urandom(8).hex(), "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(BASE_DIR), "EMAIL_URL": "consolemail://"})
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    # SQLite with two writing workers: wait for the lock, and take it when a write begins.
    env["DATABASE_URL"] = database_url or (
        f"sqlite:///{var_dir / 'bench.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE")
    return env


def median_ms(fn, samples: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def make_letters(count: int, languages: list[str]) -> list[int]:
    """``count`` enrolled members with a draft enrollment letter each (bulk, fictional)."""
    from cares.base.staff.models import Program, Role, RoleAssignment, StaffProfile, User
    from members.models import Episode, EpisodeStatus, Guardian, Member
    from notices.models import Letter

    Program.objects.get_or_create(name="Bench CARES Program", defaults={
        "phone": "617-555-0100", "address": "1 Bench Way, Boston, MA 02118"})
    user, _ = User.objects.get_or_create(email="bench.coordinator@example.org", defaults={
        "first_name": "Jordan", "last_name": "Sample"})
    manager, _ = StaffProfile.objects.get_or_create(user=user, defaults={
        "hire_date": date(2025, 1, 6), "phone": "617-555-0142"})
    RoleAssignment.objects.get_or_create(staff=manager, role=Role.CARE_COORDINATOR)
    start = Member.objects.count()
    members = Member.objects.bulk_create([Member(
        legal_first_name=f"Bench{start + i}", legal_last_name="Example",
        date_of_birth=date(2015, 6, 15), masshealth_id=f"{900000000000 + start + i:012d}",
        address_line1=f"{i + 1} Elm Street", city="Boston", postal_code="02118",
        primary_language=languages[i % len(languages)],
        preferred_written_language=languages[i % len(languages)],
        electronic_contact_available=True) for i in range(count)])
    members = list(Member.objects.filter(masshealth_id__in=[m.masshealth_id for m in members])
                   .order_by("pk"))
    episodes = Episode.objects.bulk_create([Episode(
        member=m, status=EpisodeStatus.ENROLLED, referral_date=date(2026, 3, 2),
        referral_source="pcp", effective_date=date(2026, 3, 2), primary_contact=manager)
        for m in members])
    Guardian.objects.bulk_create([Guardian(
        member=m, name=f"Parent of {m.legal_first_name}", relationship="mother",
        email=f"parent{m.pk}@family.example") for m in members])
    letters = Letter.objects.bulk_create([Letter(
        member=m, episode=e, kind="enrollment", language=m.primary_language)
        for m, e in zip(members, episodes, strict=True)])
    return [letter.pk for letter in letters]


def start_workers(env: dict[str, str], processes: int, var_dir: Path):
    log = (var_dir / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cares", "worker", "--pool=prefork",
         f"--concurrency={processes}", "-l", "warning", "-n", f"bench-{os.getpid()}@%h",
         "--without-mingle", "--without-gossip", "--without-heartbeat"],
        cwd=var_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return worker, log


def stop_workers(worker) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def main() -> int:
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="cares-bench-letters-"))
    env = environment(var_dir, args.broker_url, args.database_url)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cares.base import pdf
    from notices import rendering
    from notices.models import Letter, LetterTemplate
    from notices.services import template_approve
    from notices.tasks import CHUNK_SIZE, render_in_chunks

    for template in LetterTemplate.objects.filter(language="zh-Hans", approved_at__isnull=True):
        template_approve(template=template, translator="Benchmark (not a real approval)")
    chunk = args.chunk or CHUNK_SIZE
    figures: dict[str, object] = {"machine_cpus": os.cpu_count(),
                                  "subsetting": None, "chunk": chunk}
    try:
        # 1. Baseline: a minimal page.
        from weasyprint import HTML

        minimal = '<html lang="en"><title>x</title><p>x</p></html>'
        HTML(string=minimal).write_pdf()
        figures["minimal_inprocess_ms"], _ = median_ms(
            lambda: HTML(string=minimal).write_pdf(), args.samples)
        figures["subsetting"] = pdf.warm_up(rendering.STYLESHEETS)
        figures["minimal_child_ms"], _ = median_ms(
            lambda: pdf.render_html_to_pdf(minimal), args.samples)

        # 2. One letter at a time, English and Chinese.
        for language in ("en", "zh-Hans"):
            ids = make_letters(args.samples, [language])
            letters = iter(Letter.objects.filter(pk__in=ids).select_related(
                "member", "episode__primary_contact__user").order_by("pk"))

            def one(letters=letters):
                letter = next(letters)
                html = rendering.letter_html(letter, letter_date=date(2026, 3, 3)).html
                rendering.render_pdfs([html])

            figures[f"letter_{language}_ms"], _ = median_ms(one, args.samples)
        sample = Letter.objects.filter(language="zh-Hans").first()
        data = rendering.render_pdfs([rendering.letter_html(
            sample, letter_date=date(2026, 3, 3)).html])[0]
        figures["letter_zh_pages"] = rendering.page_count(data)
        figures["letter_zh_bytes"] = len(data)

        # 3. A batch through real workers.
        ids = make_letters(args.letters, ["en", "zh-Hans"])
        worker, log = start_workers(env, args.workers, var_dir)
        try:
            warm = make_letters(args.workers * 2, ["en"])
            render_in_chunks(warm, chunk_size=1).get(timeout=300)  # workers up and warm
            start = time.perf_counter()
            results = render_in_chunks(ids, chunk_size=chunk).get(timeout=3600)
            wall = time.perf_counter() - start
        finally:
            stop_workers(worker)
            log.close()
        rendered = sum(r["rendered"] for r in results)
        stored = Letter.objects.filter(pk__in=ids, document__isnull=False).count()
        figures.update({
            "batch_letters": args.letters, "batch_workers": args.workers,
            "batch_rendered": rendered, "batch_stored": stored,
            "batch_wall_s": round(wall, 2),
            "batch_letters_per_s": round(args.letters / wall, 1),
            "batch_ms_per_letter_wall": round(wall * 1000 / args.letters, 1),
            "broker": "redis" if args.broker_url.startswith("redis") else "filesystem",
            "database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
        })
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    print(f"\nLetter rendering benchmark ({figures['machine_cpus']} CPUs; font subsetting: "
          f"{figures['subsetting']}; {figures['database']}, {figures['broker']} broker; "
          f"chunk {chunk})")
    print(f"  minimal WeasyPrint page, in process      {figures['minimal_inprocess_ms']:8.1f} ms")
    print(f"  minimal page, cares.base.pdf child process    {figures['minimal_child_ms']:8.1f} ms")
    print(f"  English letter (1 page), median          {figures['letter_en_ms']:8.1f} ms")
    print(f"  Chinese letter (zh-Hans + English, {figures['letter_zh_pages']} p.)  "
          f"{figures['letter_zh-Hans_ms']:8.1f} ms")
    print(f"  batch: {figures['batch_letters']} letters (half Chinese), "
          f"{figures['batch_workers']} worker processes: {figures['batch_wall_s']} s wall, "
          f"{figures['batch_letters_per_s']} letters/s, "
          f"{figures['batch_ms_per_letter_wall']} ms per letter; "
          f"{figures['batch_stored']} PDFs stored")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0 if figures["batch_stored"] == figures["batch_letters"] else 1


if __name__ == "__main__":
    sys.exit(main())
