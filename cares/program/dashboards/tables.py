"""The tables of the worklist and the dashboard as plain rows: what the CSV exports write
(the pages show the same rows). Each function returns ``(header, rows, member_ids)``."""

from __future__ import annotations

from collections.abc import Iterable

from cares.deadlines.rules import RULES
from cares.deadlines.statuses import AGES, COLUMNS
from cares.program.dashboards.periods import Period
from cares.program.dashboards.selectors import (
    CaseloadRow,
    Counts,
    LetterRow,
    MonthRow,
    OverdueRow,
    RuleRow,
)
from cares.program.dashboards.staffing import StaffSummary
from cares.program.dashboards.worklist import BirthdayItem, DeadlineItem, ReferralItem
from members.models import EpisodeStatus

Table = tuple[list[str], list[list], list[int]]


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _counts(c: Counts) -> list:
    return [c.total, *(getattr(c, s) for s in COLUMNS), _rate(c.on_time_rate)]


COUNT_HEADER = ["due", *COLUMNS, "on_time_rate_percent"]


def compliance_table(period: Period, rows: list[RuleRow], total: Counts) -> Table:
    header = ["period_start", "period_end", "rule", "title", "spec", *COUNT_HEADER]
    out = [[period.start, period.end, r.rule, r.title, r.citation, *_counts(r.counts)]
           for r in rows]
    out.append([period.start, period.end, "all", "All rules", "", *_counts(total)])
    return header, out, []


def trend_table(rows: list[MonthRow]) -> Table:
    return (["month", *COUNT_HEADER],
            [[f"{r.month:%Y-%m}", *_counts(r.counts)] for r in rows], [])


def overdue_summary_table(rows: list[OverdueRow]) -> Table:
    header = ["rule", "title", "spec", *(f"overdue_{a}_days" for a in AGES), "overdue_total"]
    return header, [[r.rule, r.title, r.citation, *(r.by_age[a] for a in AGES), r.total]
                    for r in rows], []


def caseload_table(rows: list[CaseloadRow]) -> Table:
    states = [s.value for s in EpisodeStatus]
    header = ["staff", "roles", *states, "members", "overdue_deadlines"]
    return header, [[str(r.staff), "; ".join(r.roles), *(r.by_state.get(s, 0) for s in states),
                     r.total, r.overdue] for r in rows], []


def checks_table(checks) -> Table:
    return (["check", "title", "spec", "ok", "detail"],
            [[c.key, c.title, c.citation, "yes" if c.ok else "no", c.detail] for c in checks],
            [])


def staff_table(summary: StaffSummary) -> Table:
    header = ["staff", "roles", "qualified", "problems", "training", "training_due",
              "next_licence", "next_licence_expires"]
    rows = [[r.name, "; ".join(r.roles), "yes" if r.qualified else "no",
             "; ".join(r.problems), r.training.state, r.training.due,
             r.next_expiry.type if r.next_expiry else "",
             r.next_expiry.expires if r.next_expiry else None] for r in summary.rows]
    return header, rows, []


def licences_table(summary: StaffSummary) -> Table:
    return (["staff", "licence", "number", "state", "expires", "status"],
            [[name, c.type, c.license_number, c.state, c.expires, state]
             for name, c, state in summary.licences], [])


def training_table(summary: StaffSummary) -> Table:
    return (["staff", "training_due", "missing_topics"],
            [[r.name, r.training.due, "; ".join(r.training.missing)]
             for r in summary.training_overdue], [])


def letters_table(period: Period, rows: list[LetterRow]) -> Table:
    return (["kind", "drafts_waiting", "sent_in_period", "overdue", "period_start",
             "period_end"],
            [[r.kind, r.waiting, r.sent, r.overdue, period.start, period.end] for r in rows],
            [])


def deadline_rows_table(deadlines: Iterable) -> Table:
    """The drill-down list (stored deadlines annotated by ``selectors.deadline_list``)."""
    header = ["due", "subject", "member_id", "rule", "title", "spec", "status", "satisfied_on",
              "exception", "episode_status", "primary_contact"]  # the deadline's own episode
    rows, ids = [], []
    for d in deadlines:
        subject = str(d.member) if d.member_id else str(d.staff)
        rows.append([d.due, subject, d.member_id, d.rule, RULES[d.rule].title,
                     RULES[d.rule].citation, d.status_today, d.satisfied_on,
                     d.exception_reason, d.episode_status or "",
                     (d.primary_name or "").strip()])
        ids.append(d.member_id)
    return header, rows, ids


def member_rows_table(members: Iterable) -> Table:
    header = ["member_id", "member", "episode_status", "primary_contact"]
    rows, ids = [], []
    for m in members:
        rows.append([m.pk, str(m), m.episode_status or "",
                     f"{m.primary_first or ''} {m.primary_last or ''}".strip()])
        ids.append(m.pk)
    return header, rows, ids


# --- Worklist -----------------------------------------------------------------------------------

def worklist_deadlines_table(sections: dict[str, list[DeadlineItem]]) -> Table:
    header = ["section", "due", "days", "subject", "member_id", "rule", "title", "spec",
              "status"]
    rows, ids = [], []
    for section, items in sections.items():
        for i in items:
            d = i.deadline
            rows.append([section, d.due, i.days, str(d.member) if d.member_id else "you",
                         d.member_id, d.rule, i.title, i.citation, section == "overdue"
                         and "overdue" or "open"])
            ids.append(d.member_id)
    return header, rows, ids


def referrals_table(items: list[ReferralItem]) -> Table:
    header = ["member_id", "member", "service", "referred_on", "scheduled_on",
              "follow_up_due", "days_left", "spec"]
    return header, [[i.referral.member_id, str(i.referral.member), i.referral.service,
                     i.referral.referred_on, i.referral.scheduled_on, i.due, i.days,
                     "PS VI.D.2.b"] for i in items], [i.referral.member_id for i in items]


def birthdays_table(items: list[BirthdayItem]) -> Table:
    header = ["member_id", "member", "turns", "on", "days", "spec"]
    return header, [[i.member.pk, str(i.member), i.age, i.on, i.days, i.citation]
                    for i in items], [i.member.pk for i in items]


def releases_table(releases) -> Table:
    header = ["member_id", "member", "shared_with", "purpose", "signed_on", "expires_on",
              "spec"]
    return header, [[r.member_id, str(r.member), r.party, r.purpose, r.signed_on,
                     r.expires_on, "PS VIII"] for r in releases], [r.member_id for r in releases]


def renewals_table(renewals) -> Table:
    header = ["member_id", "member", "masshealth_renewal_date", "days_left", "spec"]
    return header, [[r.member.pk, str(r.member), r.on, r.days, "PS VI.B.1.h"]
                    for r in renewals], [r.member.pk for r in renewals]
