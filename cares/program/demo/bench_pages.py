"""``make bench``: the dashboard, the worklist and the member page, each through the whole
stack (the test client with a signed-in user, so middleware, sessions, permissions, templates
and audit writes count), beside its floor measured in the same run."""

from __future__ import annotations

from django.db.models import Count

from cares.base.access import VIEW_MEMBER, VIEW_WORKLIST
from cares.base.staff.models import StaffProfile
from cares.deadlines.models import Deadline
from cares.program.dashboards.periods import period_of
from cares.program.demo import bench, bench_must_do
from cares.program.demo.bench import Context, Measure, page
from members.models import Episode, EpisodeStatus


def measure_dashboard(ctx: Context) -> list[Measure]:
    """The director's dashboard beside one UNION ALL query giving the same numbers."""
    period = period_of("month", ctx.today)
    ms, queries, _response = bench.timed(page(ctx.client("director"), "/dashboard/"), ctx.runs)
    base_ms, base_q, numbers = bench.timed(
        lambda: bench.dashboard_baseline(period, ctx.today), ctx.runs)
    return [Measure("dashboard", ms, queries, base_ms, base_q,
                    numbers == bench.dashboard_numbers(period, ctx.today),
                    baseline="one SQL query, same numbers", goal=1.5)]


FLOOR_URL = "/accounts/session/"  # cares.base.sessions.session_view
FLOOR = f"signed-in page {FLOOR_URL}"


def measure_floor(client, runs: int) -> tuple[float, int]:
    """The floor of a page (issue 20): a signed-in page through the same middleware, sign-in
    and second-factor checks, that reads nothing else and renders a tiny template."""
    ms, queries, _response = bench.timed(page(client, FLOOR_URL), runs)
    return ms, queries


def must_do_row(name: str, client, url: str, permission: str, floor: tuple[float, int],
                runs: int) -> Measure:
    """What the page must do whatever it shows, beside the same floor (no goal: it is the
    least the page could cost; bench_must_do)."""
    ms, queries, replay = bench_must_do.measure(client, name, url, permission, runs)
    audited = len(replay.listed) + len(replay.events)
    rows = "1 audit row" if audited == 1 else f"{audited} audit rows"
    return Measure(f"{name.replace('-', ' ')}: must-do", ms, queries, *floor, None,
                   baseline=f"{FLOOR}; must-do: the permission, {rows}, "
                            f"the same {len(replay.body) // 1024} KB")


def measure_worklist(ctx: Context) -> list[Measure]:
    """A coordinator's worklist beside the floor page (goal: 2x), beside what it must do
    whatever it shows, and beside one query giving its counts."""
    coordinator = StaffProfile.objects.select_related("user").get(key="coordinator")
    client = ctx.client("coordinator")
    floor_ms, floor_q = measure_floor(client, ctx.runs)
    ms, queries, _response = bench.timed(page(client, "/worklist/"), ctx.runs)
    base_ms, base_q, numbers = bench.timed(
        lambda: bench.worklist_baseline(coordinator.pk, ctx.today), ctx.runs)
    same = tuple(numbers) == bench.worklist_numbers(coordinator.user, ctx.today)
    return [Measure("worklist", ms, queries, floor_ms, floor_q, same, baseline=FLOOR, goal=2),
            must_do_row("worklist", client, "/worklist/", VIEW_WORKLIST, (floor_ms, floor_q),
                        ctx.runs),
            Measure("worklist (SQL)", ms, queries, base_ms, base_q, same,
                    baseline="one SQL query, same numbers")]


def measure_member_page(ctx: Context) -> list[Measure]:
    """The member page of the member with the most deadlines beside the floor page (goal:
    2x), beside what it must do whatever it shows, and beside one query giving the member,
    their episode and deadlines by status."""
    member_id = (Deadline.objects.filter(member__isnull=False).values("member")
                 .annotate(n=Count("pk")).order_by("-n", "member")[0]["member"])
    client = ctx.client("director")
    floor_ms, floor_q = measure_floor(client, ctx.runs)
    ms, queries, _response = bench.timed(page(client, f"/members/{member_id}/"), ctx.runs)
    base_ms, base_q, numbers = bench.timed(lambda: bench.member_baseline(member_id), ctx.runs)
    stored = dict(Deadline.objects.filter(member_id=member_id).values_list("status")
                  .annotate(n=Count("pk")))
    same = dict(numbers) == stored
    return [Measure("member page", ms, queries, floor_ms, floor_q, same, baseline=FLOOR,
                    goal=2),
            must_do_row("member-page", client, f"/members/{member_id}/", VIEW_MEMBER,
                        (floor_ms, floor_q), ctx.runs),
            Measure("member page (SQL)", ms, queries, base_ms, base_q, same,
                    baseline="one SQL query, same numbers")]


def list_pages() -> list[tuple[str, str]]:
    """The director's pages that list or offer every staff member or many members: each
    (name, URL). Their floor is the signed-in page; there is no goal, the ratio shows the
    cost (README, Benchmarks)."""
    enrolled = Episode.objects.filter(status=EpisodeStatus.ENROLLED).order_by("pk") \
        .values_list("member_id", flat=True).first()
    referred = Episode.objects.filter(status=EpisodeStatus.REFERRED).order_by("pk") \
        .values_list("member_id", flat=True).first()
    pages = [("staff page", "/staff/"), ("referrals, everyone's", "/members/referrals/"),
             ("supervision log", "/coverage/supervision/"),
             ("backup coverage form", "/coverage/backup/add/"),
             ("medical training form", "/coverage/training/record/")]
    if enrolled:
        pages.append(("care team form", f"/members/{enrolled}/care-team/"))
    if referred:
        pages.append(("enrollment form", f"/members/{referred}/enroll/"))
    return pages


def measure_lists(ctx: Context) -> list[Measure]:
    """The lists and choices at program scale (hundreds of staff, tens of thousands of
    referrals) beside the floor page, measured in the same run."""
    client = ctx.client("director")
    floor_ms, floor_q = measure_floor(client, ctx.runs)
    results = []
    for name, url in list_pages():
        ms, queries, _response = bench.timed(page(client, url), ctx.runs)
        results.append(Measure(name, ms, queries, floor_ms, floor_q, None, baseline=FLOOR))
    return results
