"""``make bench``: how the pages and the nightly sweep do on a large program.

Each target is measured through the whole stack (the test client with a signed-in user, so
middleware, sessions, permissions, templates and audit writes count) and set beside a
**baseline measured in the same run**: one hand-written SQL query that produces the same
numbers. The ratio says what the application costs on top of the bare database work.

- Dashboard: the per-rule table of the period, the monthly trend, the overdue list by rule
  and age, caseloads by coordinator and lifecycle state, and the letters, in one UNION ALL.
- Worklist: the coordinator's counts (overdue, within 7 and 30 days, referrals waiting,
  birthdays, releases), one SELECT of scalar subqueries.
- Member page: the member, their current episode and their deadlines by status.
- Nightly sweep: the rule book is not written twice (interchange.md: "there is one
  implementation of the rules"), so its baseline is the floor: one query that reads every
  row the sweep reads, once, and the same summary of statuses from the stored rows.

Each baseline's numbers are compared with the application's; the report says whether they
agree.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from cares.base.staff.models import StaffProfile
from cares.deadlines.statuses import AGES
from cares.program.dashboards import selectors, worklist
from cares.program.dashboards.periods import Period
from cares.program.dashboards.worklist import (
    BIRTHDAYS,
    MONTH_DAYS,
    RELEASE_DAYS,
    SOON_DAYS,
    born_between,
)
from cares.program.demo.accounts import demo_totp_device
from members.models import Episode


@dataclass
class Measure:
    """One workload beside its floor, measured in the same run. ``goal``: the largest ratio
    the program accepts (issue 20), None when there is none; ``peak_rss_mb``: the peak
    resident memory of the process that ran the workload, when it ran in its own."""

    name: str
    median_ms: float
    queries: int
    baseline_ms: float
    baseline_queries: int
    same_numbers: bool | None
    baseline: str = "one SQL query"
    goal: float | None = None
    peak_rss_mb: float | None = None

    @property
    def ratio(self) -> float:
        return self.median_ms / self.baseline_ms if self.baseline_ms else float("inf")

    @property
    def within_goal(self) -> bool | None:
        return None if self.goal is None else self.ratio <= self.goal


@dataclass
class Context:
    """What every workload of ``make bench`` is given."""

    today: date
    members: int
    runs: int = 7
    sweep_runs: int = 3
    clients: dict = field(default_factory=dict)

    def client(self, key: str) -> Client:
        """A client signed in as the demo staff member ``key`` (made once per run)."""
        if key not in self.clients:
            self.clients[key] = client_for(key)
        return self.clients[key]


def default_scratch(name: str) -> str:
    """A scratch database beside the configured one, never the test suite's test_<name>:
    var/bench/<name>.sqlite3 on SQLite, <database>_<name> on PostgreSQL."""
    if connection.vendor == "sqlite":
        folder = settings.VAR_DIR / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / f"{name}.sqlite3")
    return f"{settings.DATABASES['default']['NAME']}_{name}"


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


def table(results: list[Measure]) -> str:
    """The printed table: each workload beside its floor, the ratio and the goal."""
    header = (f"{'workload':<24}{'median ms':>11}{'queries':>9}{'floor ms':>10}"
              f"{'f. queries':>11}{'ratio':>8}{'goal':>7}{'peak MB':>9}  same  floor")
    lines = [header, "-" * len(header)]
    for r in results:
        same = {True: "yes", False: "NO", None: "-"}[r.same_numbers]
        goal = "-" if r.goal is None else f"{r.goal:g}x"
        if r.within_goal is False:
            goal += "!"
        rss = "-" if r.peak_rss_mb is None else f"{r.peak_rss_mb:.0f}"
        lines.append(f"{r.name:<24}{r.median_ms:>11.1f}{r.queries:>9}{r.baseline_ms:>10.1f}"
                     f"{r.baseline_queries:>11}{r.ratio:>7.1f}x{goal:>7}{rss:>9}  {same:<4}  "
                     f"{r.baseline}")
    return "\n".join(lines)


def as_dict(r: Measure) -> dict:
    return {**vars(r), "ratio": round(r.ratio, 2), "within_goal": r.within_goal}


class QueryCounter:
    """Counts the statements run (``connection.execute_wrapper``) without the query log that
    Django's debug cursor keeps, which costs time in proportion to the queries measured."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, int, object]:
    """Median milliseconds over ``runs`` calls after one warm-up, the queries of the last
    call, and its result. Measured as production runs: ``DEBUG`` off (the bench needs it on to
    seed; with it, every query is logged and templates keep debugging information)."""
    with override_settings(DEBUG=False):
        result = fn()
        times = []
        for _ in range(runs):
            queries = QueryCounter()
            with connection.execute_wrapper(queries):
                start = time.perf_counter()
                result = fn()
                times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), queries.count, result


def sql(query: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _month_expr(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})"  # %% : the query has parameters


OVERDUE_SQL = "(d.status = 'overdue' OR (d.status = 'open' AND d.due < %s))"
STATUS_SQL = "CASE WHEN d.status = 'open' AND d.due < %s THEN 'overdue' ELSE d.status END"
LATEST_STATUS_SQL = ("(SELECT e.status FROM members_episode e WHERE e.member_id = {member} "
                     "ORDER BY e.referral_date DESC, e.id DESC LIMIT 1)")


def _age_sql() -> tuple[str, list]:
    cases, params = [], []
    for age, (_lo, hi) in AGES.items():
        if hi is None:
            cases.append(f"ELSE '{age}'")
        else:
            cases.append(f"WHEN d.due >= %s THEN '{age}'")
            params.append(hi)
    return "CASE " + " ".join(cases) + " END", params


def dashboard_baseline(period: Period, today: date) -> Counter:
    """The dashboard's numbers, long format: (section, key, sub) -> n. One query."""
    age_case, age_days = _age_sql()
    month = _month_expr("d.due")
    months = period.months()
    query = f"""
        SELECT 'rule', d.rule, {STATUS_SQL}, COUNT(*) FROM deadlines_deadline d
         WHERE d.due >= %s AND d.due <= %s GROUP BY 2, 3
        UNION ALL
        SELECT 'month', {month}, {STATUS_SQL}, COUNT(*) FROM deadlines_deadline d
         WHERE d.due >= %s AND d.due <= %s GROUP BY 2, 3
        UNION ALL
        SELECT 'overdue', d.rule, {age_case}, COUNT(*) FROM deadlines_deadline d
         WHERE {OVERDUE_SQL} GROUP BY 2, 3
        UNION ALL
        SELECT 'caseload', CAST(t.staff_id AS TEXT), t.state, COUNT(*) FROM (
            SELECT c.staff_id, {LATEST_STATUS_SQL.format(member="c.member_id")} AS state
              FROM members_careteammember c
              JOIN staff_roleassignment r ON r.staff_id = c.staff_id AND r.is_backup = %s
                   AND r.role IN ('care_coordinator', 'senior_care_manager')
              JOIN staff_staffprofile s ON s.id = c.staff_id AND s.active = %s
             WHERE c.until IS NULL GROUP BY c.id, c.staff_id, c.member_id) t
         GROUP BY 2, 3
        UNION ALL
        SELECT 'letters', l.kind, 'waiting', COUNT(DISTINCT l.member_id) FROM notices_letter l
         WHERE l.sent_on IS NULL AND l.status <> 'withdrawn' GROUP BY 2
        UNION ALL
        SELECT 'letters', l.kind, 'sent', COUNT(DISTINCT l.member_id) FROM notices_letter l
         WHERE l.sent_on >= %s AND l.sent_on <= %s GROUP BY 2
    """  # noqa: S608 (constants only; values are parameters)
    params = [today, period.start, period.end, today, months[0], period.end,
              *[today - timedelta(days=d) for d in age_days], today, False, True,
              period.start, period.end]
    return Counter({(a, str(b), str(c)): n for a, b, c, n in sql(query, params) if n})


def dashboard_numbers(period: Period, today: date) -> Counter:
    """The same numbers, from the selectors the dashboard page calls."""
    out = Counter()
    rules, _total = selectors.compliance_by_rule(period, today)
    for row in rules:
        for status in ("met", "late", "overdue", "open", "excepted"):
            out[("rule", row.rule, status)] = getattr(row.counts, status)
    for row in selectors.trend_by_month(period, today):
        for status in ("met", "late", "overdue", "open", "excepted"):
            out[("month", f"{row.month:%Y-%m}", status)] = getattr(row.counts, status)
    overdue = selectors.overdue_by_rule(today)
    for row in overdue:
        for age, n in row.by_age.items():
            out[("overdue", row.rule, age)] = n
    for row in selectors.caseloads(today):
        for state, n in row.by_state.items():
            out[("caseload", str(row.staff.pk), state)] = n
    for row in selectors.letters_summary(period, overdue):
        out[("letters", row.kind, "waiting")] = row.waiting
        out[("letters", row.kind, "sent")] = row.sent
    return Counter({k: n for k, n in out.items() if n})


def worklist_baseline(staff_id: int, today: date) -> tuple:
    """The worklist's counts for one coordinator, one query."""
    mine = ("SELECT c.member_id FROM members_careteammember c "
            "WHERE c.staff_id = %s AND c.until IS NULL")
    closed = tuple(Episode.CLOSED)
    closed_in = ", ".join(["%s"] * len(closed))
    ranges = [born_between(age, today, today + timedelta(days=days))
              for age, days in BIRTHDAYS.items()]
    births = " OR ".join("(m.date_of_birth >= %s AND m.date_of_birth <= %s)" for _ in ranges)
    latest = LATEST_STATUS_SQL.format(member="{m}")
    query = f"""
        SELECT
          (SELECT COUNT(*) FROM deadlines_deadline d
            WHERE (d.member_id IN ({mine}) OR d.staff_id = %s) AND {OVERDUE_SQL}),
          (SELECT COUNT(*) FROM deadlines_deadline d
            WHERE (d.member_id IN ({mine}) OR d.staff_id = %s) AND d.status = 'open'
              AND d.due >= %s AND d.due <= %s),
          (SELECT COUNT(*) FROM deadlines_deadline d
            WHERE (d.member_id IN ({mine}) OR d.staff_id = %s) AND d.status = 'open'
              AND d.due > %s AND d.due <= %s),
          (SELECT COUNT(*) FROM members_servicereferral r
            WHERE r.member_id IN ({mine}) AND r.scheduled_on <= %s AND r.exception_reason = ''
              AND NOT EXISTS (SELECT 1 FROM members_referralfollowup f
                               WHERE f.referral_id = r.id)
              AND {latest.format(m="r.member_id")} NOT IN ({closed_in})),
          (SELECT COUNT(*) FROM members_member m
            WHERE m.id IN ({mine}) AND ({births})
              AND {latest.format(m="m.id")} NOT IN ({closed_in})),
          (SELECT COUNT(*) FROM members_releaseofinformation o
            WHERE o.member_id IN ({mine}) AND o.revoked_on IS NULL AND o.signed_on <= %s
              AND o.expires_on >= %s AND o.expires_on <= %s)
    """  # noqa: S608 (constants only; values are parameters)
    params = [staff_id, staff_id, today,
              staff_id, staff_id, today, today + timedelta(days=SOON_DAYS),
              staff_id, staff_id, today + timedelta(days=SOON_DAYS),
              today + timedelta(days=MONTH_DAYS),
              staff_id, today, *closed,
              staff_id, *[d for r in ranges for d in r], *closed,
              staff_id, today, today, today + timedelta(days=RELEASE_DAYS)]
    return sql(query, params)[0]


def worklist_numbers(user, today: date) -> tuple:
    """The same numbers, from the selectors the worklist page calls."""
    counts = worklist.section_counts(user, today)
    return (counts["overdue"], counts["week"], counts["month"],
            len(worklist.referrals_waiting(user, today, limit=None)),
            len(worklist.birthdays_soon(user, today, limit=None)),
            len(worklist.releases_expiring(user, today, limit=None)))


def member_baseline(member_id: int) -> Counter:
    """The member, their current episode and their deadlines by status: one query."""
    rows = sql(f"""
        SELECT m.legal_last_name, {LATEST_STATUS_SQL.format(member="m.id")}, d.status, COUNT(*)
          FROM members_member m LEFT JOIN deadlines_deadline d ON d.member_id = m.id
         WHERE m.id = %s GROUP BY m.id, m.legal_last_name, d.status""", [member_id])  # noqa: S608 (constants only; values are parameters)
    return Counter({status: n for _name, _episode, status, n in rows if status})


SWEEP_INPUTS = (
    ("members_member", "date_of_birth"), ("members_episode", "referral_date"),
    ("members_removal", "initiated_on"), ("careplans_assessment", "completed_on"),
    ("careplans_careplan", "finalized_on"), ("careplans_careplandelivery", "delivered_on"),
    ("members_monitoringreview", "reviewed_on"), ("members_servicereferral", "scheduled_on"),
    ("members_referralfollowup", "followed_up_on"), ("members_transitionplan", "recorded_on"),
    ("notices_letter", "sent_on"), ("staff_training", "completed"),
    ("members_contact", "contact_at"), ("members_hospitalstay", "admitted_on"),
    ("members_referralinquiry", "received_on"), ("members_referralnotice", "sent_on"),
    ("members_consultationrequest", "requested_at"),
)


def sweep_baseline() -> Counter:
    """The floor under the sweep: read every row the rule book reads once (each table's
    rows and latest date), and the same summary of statuses from the stored deadlines."""
    reads = " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*), CAST(MAX({column}) AS TEXT) FROM {table}"  # noqa: S608
        for table, column in SWEEP_INPUTS)
    rows = sql(f"""{reads} UNION ALL
        SELECT 'status:' || d.status, COUNT(*), '' FROM deadlines_deadline d
         GROUP BY d.status""")  # noqa: S608 (constants only; values are parameters)
    return Counter({key[len("status:"):]: n for key, n, _max in rows
                    if key.startswith("status:")})
