"""The measuring half of ``make bench-letters`` (``cares.program.demo.bench_letters`` makes the
throw-away environment and runs this in it; run alone, it refuses): a minimal WeasyPrint page
as the baseline, the median milliseconds per letter in English and Chinese, and a batch of
letters rendered by real Celery workers."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cares.base import pdf
from cares.base.staff.models import Program, Role, RoleAssignment, StaffProfile, User
from cares.program.demo.bench_letters import SCRATCH_FLAG
from members.models import Episode, EpisodeStatus, Guardian, Member
from notices import rendering
from notices.models import Letter, LetterTemplate
from notices.services import template_approve
from notices.tasks import CHUNK_SIZE, render_in_chunks

MINIMAL = '<html lang="en"><title>x</title><p>x</p></html>'


def median_ms(fn, samples: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def make_letters(count: int, languages: list[str]) -> list[int]:
    """``count`` enrolled members with a draft enrollment letter each (bulk, fictional)."""
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


def start_workers(processes: int):
    log = (settings.VAR_DIR / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cares", "worker", "--pool=prefork",
         f"--concurrency={processes}", "-Q", "celery,pdf", "-l", "warning",
         "-n", f"bench-{os.getpid()}@%h",
         "--without-mingle", "--without-gossip", "--without-heartbeat"],
        cwd=settings.VAR_DIR, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    return worker, log


def stop_workers(worker) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def minimal_page(samples: int) -> dict[str, object]:
    """1. Baseline: a minimal page, in process and in the time-limited child process."""
    html = pdf.weasy().HTML
    html(string=MINIMAL).write_pdf()
    inprocess, _ = median_ms(lambda: html(string=MINIMAL).write_pdf(), samples)
    subsetting = pdf.warm_up(rendering.STYLESHEETS)
    child, _ = median_ms(lambda: pdf.render_html_to_pdf(MINIMAL), samples)
    return {"minimal_inprocess_ms": inprocess, "subsetting": subsetting,
            "minimal_child_ms": child}


def one_by_one(samples: int) -> dict[str, object]:
    """2. One letter at a time, English and Chinese: HTML from the database, then the PDF."""
    figures: dict[str, object] = {}
    for language in ("en", "zh-Hans"):
        ids = make_letters(samples, [language])
        letters = iter(Letter.objects.filter(pk__in=ids).select_related(
            "member", "episode__primary_contact__user").order_by("pk"))

        def one(letters=letters):
            letter = next(letters)
            html = rendering.letter_html(letter, letter_date=date(2026, 3, 3)).html
            rendering.render_pdfs([html])

        figures[f"letter_{language}_ms"], _ = median_ms(one, samples)
    sample = Letter.objects.filter(language="zh-Hans").first()
    data = rendering.render_pdfs([rendering.letter_html(
        sample, letter_date=date(2026, 3, 3)).html])[0]
    figures.update({"letter_zh_pages": pdf.page_count(data), "letter_zh_bytes": len(data)})
    return figures


def batch(count: int, workers: int, chunk: int) -> dict[str, object]:
    """3. A batch through real workers, wall time from dispatch to the last PDF stored."""
    ids = make_letters(count, ["en", "zh-Hans"])
    worker, log = start_workers(workers)
    try:
        warm = make_letters(workers * 2, ["en"])
        render_in_chunks(warm, chunk_size=1).get(timeout=300)  # workers up and warm
        start = time.perf_counter()
        results = render_in_chunks(ids, chunk_size=chunk).get(timeout=3600)
        wall = time.perf_counter() - start
    finally:
        stop_workers(worker)
        log.close()
    return {
        "batch_letters": count, "batch_workers": workers,
        "batch_rendered": sum(r["rendered"] for r in results),
        "batch_stored": Letter.objects.filter(pk__in=ids, document__isnull=False).count(),
        "batch_wall_s": round(wall, 2), "batch_letters_per_s": round(count / wall, 1),
        "batch_ms_per_letter_wall": round(wall * 1000 / count, 1),
    }


class Command(BaseCommand):
    help = ("Time letter rendering (run by `make bench-letters` in a throw-away environment; "
            "refuses to run anywhere else).")

    def add_arguments(self, parser):
        parser.add_argument("--letters", type=int, default=500)
        parser.add_argument("--workers", type=int, default=2, help="worker processes")
        parser.add_argument("--chunk", type=int, default=None, help="letters per task")
        parser.add_argument("--samples", type=int, default=15, help="letters timed one by one")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="print the figures as JSON too")

    def handle(self, *args, letters: int, workers: int, chunk: int | None, samples: int,
               as_json: bool, **options):
        if os.environ.get(SCRATCH_FLAG) != "1":
            raise CommandError("It writes letters: run it through make bench-letters.")
        for template in LetterTemplate.objects.filter(language="zh-Hans",
                                                      approved_at__isnull=True):
            template_approve(template=template, translator="Benchmark (not a real approval)")
        chunk = chunk or CHUNK_SIZE
        database = settings.DATABASES["default"]["ENGINE"]
        figures: dict[str, object] = {
            "machine_cpus": os.cpu_count(), "chunk": chunk,
            "broker": "redis" if settings.CELERY_BROKER_URL.startswith("redis")
            else "filesystem",
            "database": "postgresql" if "postgresql" in database else "sqlite"}
        figures.update(minimal_page(samples))
        figures.update(one_by_one(samples))
        figures.update(batch(letters, workers, chunk))
        self.report(figures, as_json)
        if figures["batch_stored"] != figures["batch_letters"]:
            raise CommandError(f"{figures['batch_stored']} of {letters} PDFs stored.")

    def report(self, figures: dict, as_json: bool) -> None:
        f = figures
        self.stdout.write(
            f"\nLetter rendering benchmark ({f['machine_cpus']} CPUs; font subsetting: "
            f"{f['subsetting']}; {f['database']}, {f['broker']} broker; chunk {f['chunk']})")
        self.stdout.write(
            f"  minimal WeasyPrint page, in process      {f['minimal_inprocess_ms']:8.1f} ms")
        self.stdout.write(
            f"  minimal page, cares.base.pdf child process    {f['minimal_child_ms']:8.1f} ms")
        self.stdout.write(
            f"  English letter (1 page), median          {f['letter_en_ms']:8.1f} ms")
        self.stdout.write(f"  Chinese letter (zh-Hans + English, {f['letter_zh_pages']} p.)  "
                          f"{f['letter_zh-Hans_ms']:8.1f} ms")
        self.stdout.write(
            f"  batch: {f['batch_letters']} letters (half Chinese), "
            f"{f['batch_workers']} worker processes: {f['batch_wall_s']} s wall, "
            f"{f['batch_letters_per_s']} letters/s, {f['batch_ms_per_letter_wall']} ms per "
            f"letter; {f['batch_stored']} PDFs stored")
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2))
