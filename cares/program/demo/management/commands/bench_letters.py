"""The measuring half of ``make bench-letters`` (``cares.program.demo.bench_letters`` makes the
throw-away environment and runs this in it; run alone, it refuses): the floor (a minimal
WeasyPrint page through ``cares.base.pdf``'s child process) and the median milliseconds per
letter in English and Chinese, measured in the same rounds (floor, English, Chinese, again and
again, so a busy machine slows all three alike), their ratios (issue 20: Chinese / English at
most 2) and the peak RSS of the rendering child processes; then a batch of letters rendered by
real Celery workers. The figures go to ``var/bench/letters-<vendor>.json`` too."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from cares.base import pdf
from cares.base.staff.models import Program, Role, RoleAssignment, StaffProfile, User
from cares.program.demo.bench_letters import SCRATCH_FLAG
from members.models import Episode, EpisodeStatus, Guardian, Member
from notices import rendering
from notices.models import Letter, LetterTemplate
from notices.services import template_approve
from notices.tasks import CHUNK_SIZE, render_in_chunks

MINIMAL = '<html lang="en"><title>x</title><p>x</p></html>'
LANGUAGES = ("en", "zh-Hans")  # the Chinese letter: simplified Chinese and its English copy
GOAL_ZH_EN = 2.0  # issue 20: the Chinese letter at most twice the English one


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
    """The minimal page in process (WeasyPrint alone), and the warm-up of the letter fonts."""
    html = pdf.weasy().HTML
    html(string=MINIMAL).write_pdf()
    inprocess, _ = median_ms(lambda: html(string=MINIMAL).write_pdf(), samples)
    return {"minimal_inprocess_ms": inprocess,
            "subsetting": pdf.warm_up(rendering.STYLESHEETS)}


def _timed_letter(letter: Letter) -> tuple[float, bytes]:
    """HTML from the database, then the PDF in a child process (as a worker does)."""
    start = time.perf_counter()
    html = rendering.letter_html(letter, letter_date=date(2026, 3, 3)).html
    data = rendering.render_pdfs([html])[0]
    return (time.perf_counter() - start) * 1000, data


def floor_and_letters(samples: int) -> dict[str, object]:
    """Rounds of: the floor (minimal page, child process), an English letter, a Chinese one;
    the median of each, the peak RSS of their child processes, the size of their PDFs."""
    letters = {}
    for language in LANGUAGES:
        ids = make_letters(samples, [language])
        letters[language] = list(Letter.objects.filter(pk__in=ids).select_related(
            "member", "episode__primary_contact__user").order_by("pk"))
    times: dict[str, list[float]] = {key: [] for key in ("floor", *LANGUAGES)}
    rss: dict[str, float] = dict.fromkeys(times, 0.0)
    pdfs: dict[str, bytes] = {}
    for index in range(samples):
        start = time.perf_counter()
        pdf.render_html_to_pdf(MINIMAL)
        times["floor"].append((time.perf_counter() - start) * 1000)
        rss["floor"] = max(rss["floor"], pdf.last_child_peak_rss_mb() or 0.0)
        for language in LANGUAGES:
            ms, pdfs[language] = _timed_letter(letters[language][index])
            times[language].append(ms)
            rss[language] = max(rss[language], pdf.last_child_peak_rss_mb() or 0.0)
    floor, en, zh = (statistics.median(times[key]) for key in ("floor", *LANGUAGES))
    figures: dict[str, object] = {
        "minimal_child_ms": floor, "floor_ms": floor, "letter_en_ms": en,
        "letter_zh-Hans_ms": zh, "ratio_en_floor": en / floor, "ratio_zh_floor": zh / floor,
        "ratio_zh_en": zh / en, "goal_zh_en": GOAL_ZH_EN, "goal_met": zh / en <= GOAL_ZH_EN,
        "peak_rss_mb_floor": rss["floor"], "peak_rss_mb_en": rss["en"],
        "peak_rss_mb_zh": rss["zh-Hans"]}
    for key, language in (("en", "en"), ("zh", "zh-Hans")):
        figures[f"letter_{key}_pages"] = pdf.page_count(pdfs[language])
        figures[f"letter_{key}_bytes"] = len(pdfs[language])
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


def _row(label: str, ms: float, ratio: float, rss_mb: float, size: int | None = None) -> str:
    pdf_size = f"{size / 1024:6.0f} KB" if size is not None else ""
    return f"  {label:48}{ms:8.1f}{ratio:8.1f}x{rss_mb:7.0f} MB{pdf_size}"


class Command(BaseCommand):
    help = ("Time letter rendering (run by `make bench-letters` in a throw-away environment; "
            "refuses to run anywhere else).")

    def add_arguments(self, parser):
        parser.add_argument("--letters", type=int, default=500, help="batch size (0: none)")
        parser.add_argument("--workers", type=int, default=2, help="worker processes")
        parser.add_argument("--chunk", type=int, default=None, help="letters per task")
        parser.add_argument("--samples", type=int, default=15, help="letters timed one by one")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="print the figures as JSON too")
        parser.add_argument("--out-dir", default="",
                            help="where letters-<vendor>.json goes (default: var/bench)")

    def handle(self, *args, letters: int, workers: int, chunk: int | None, samples: int,
               as_json: bool, out_dir: str, **options):
        if os.environ.get(SCRATCH_FLAG) != "1":
            raise CommandError("It writes letters: run it through make bench-letters.")
        for template in LetterTemplate.objects.filter(language="zh-Hans",
                                                      approved_at__isnull=True):
            template_approve(template=template, translator="Benchmark (not a real approval)")
        chunk = chunk or CHUNK_SIZE
        figures: dict[str, object] = {
            "date": timezone.localdate().isoformat(), "machine_cpus": os.cpu_count(),
            "chunk": chunk, "database": connection.vendor,
            "broker": "redis" if settings.CELERY_BROKER_URL.startswith("redis")
            else "filesystem"}
        figures.update(minimal_page(samples))
        figures.update(floor_and_letters(samples))
        if letters:
            figures.update(batch(letters, workers, chunk))
        self.report(figures, as_json)
        self.write_json(figures, Path(out_dir) if out_dir else settings.VAR_DIR / "bench")
        if letters and figures["batch_stored"] != figures["batch_letters"]:
            raise CommandError(f"{figures['batch_stored']} of {letters} PDFs stored.")

    def write_json(self, figures: dict, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"letters-{figures['database']}.json"
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"  figures written to {path}")

    def report(self, figures: dict, as_json: bool) -> None:
        f = figures
        line = self.stdout.write
        line(f"\nLetter rendering benchmark, {f['date']} ({f['machine_cpus']} CPUs; font "
             f"subsetting: {f['subsetting']}; {f['database']}, {f['broker']} broker; "
             f"chunk {f['chunk']}); medians of rounds floor, English, Chinese")
        line(f"  {'':48}{'ms':>8}{'floor':>9}{'peak RSS':>10}{'PDF':>9}")
        line(f"  {'minimal WeasyPrint page, in process':48}{f['minimal_inprocess_ms']:8.1f}")
        line(_row("floor: minimal page, cares.base.pdf child", f["floor_ms"], 1.0,
                  f["peak_rss_mb_floor"]))
        line(_row(f"English letter ({f['letter_en_pages']} p.)", f["letter_en_ms"],
                  f["ratio_en_floor"], f["peak_rss_mb_en"], f["letter_en_bytes"]))
        line(_row(f"Chinese letter (zh-Hans + English, {f['letter_zh_pages']} p.)",
                  f["letter_zh-Hans_ms"], f["ratio_zh_floor"], f["peak_rss_mb_zh"],
                  f["letter_zh_bytes"]))
        line(f"  Chinese / English: {f['ratio_zh_en']:.2f}x (goal <= {f['goal_zh_en']:g}x: "
             f"{'met' if f['goal_met'] else 'NOT met'})")
        if "batch_letters" in f:
            line(f"  batch: {f['batch_letters']} letters (half Chinese), "
                 f"{f['batch_workers']} worker processes: {f['batch_wall_s']} s wall, "
                 f"{f['batch_letters_per_s']} letters/s, {f['batch_ms_per_letter_wall']} ms "
                 f"per letter; {f['batch_stored']} PDFs stored")
        if as_json:
            line(json.dumps(figures, indent=2))
