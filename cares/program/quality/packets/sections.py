"""The sections of a member record packet, each drawn from the selectors the pages use and
narrowed to the packet's date range.

``Record`` loads what several sections share once (the member page's ``member_detail``, the
care plan overview, the letters, the stored deadlines), so the whole packet runs a bounded
number of queries: a fixed number for the member, plus ``plan_detail``'s per ICP version in the
range (a handful in five years). Each section function takes the record and returns its
context; ``SECTIONS`` lists them in the packet's order with their headings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.models import CarePlanStatus
from careplans.selectors import care_plan_overview, plan_detail
from cares.deadlines.selectors import member_deadline_rows
from members.selectors import member_detail, member_timeline
from notices.selectors import member_letters


@dataclass(frozen=True)
class Range:
    start: date
    end: date

    def has(self, day) -> bool:
        if day is None:
            return False
        if hasattr(day, "tzinfo"):  # a moment: its local day
            day = timezone.localtime(day).date()
        return self.start <= day <= self.end

    def overlaps(self, start, end) -> bool:
        """A span from ``start`` to ``end`` (open when ``end`` is None) touches the range."""
        return start is not None and start <= self.end and (end is None or end >= self.start)


class Record:
    """A member's records, each loaded once, for the sections."""

    def __init__(self, member, records_from: date, records_to: date):
        self.member = member
        self.range = Range(records_from, records_to)

    @cached_property
    def detail(self) -> dict:
        return member_detail(self.member)

    @property
    def coordination(self) -> dict:
        return self.detail["coordination"]

    @cached_property
    def overview(self) -> dict:
        return care_plan_overview(self.member)


def demographics(record: Record) -> dict:
    rng = record.range
    episodes = [e for e in record.detail["episodes"]
                if rng.overlaps(e.referral_date, e.termination_date or e.closed_on)]
    return {"member": record.member, "guardians": record.detail["guardians"],
            "contacts": record.detail["contacts"], "care_team": record.detail["care_team"],
            "episodes": [{"episode": e, "changes": [c for c in e.status_changes.all()
                                                    if rng.has(c.on)]} for e in episodes]}


# Timeline entries another section already lists in full (by their citation): contacts and
# calls, monitoring and case reviews, referral follow-ups, hospital stays.
SHOWN_ELSEWHERE = frozenset({"PS VI.B.1.a", "PS VI.B.1.b", "PS VI.D.1", "PS III", "PS VI.D.2",
                             "PS VI.D.2.a-b", "PS VI.B.1.i"})


def chronology(record: Record) -> dict:
    """The member's timeline (``member_timeline``) in the range, oldest first, without the
    entries that another section lists in full."""
    events = member_timeline(record.member, record.detail, clinical=True)
    return {"events": [e for e in reversed(events) if record.range.has(e.on)
                       and e.citation not in SHOWN_ELSEWHERE]}


def eligibility(record: Record) -> dict:
    rng = record.range
    evaluations, engagements = [], []
    for episode in record.detail["episodes"]:
        evaluations += [v for v in episode.evaluations.all() if rng.has(v.evaluated_on)]
        engagement = getattr(episode, "engagement", None)
        if engagement and any(rng.has(d) for d in (engagement.educated_on,
                                                   engagement.consent_on)):
            engagements.append(engagement)
    return {"evaluations": evaluations, "engagements": engagements}


def releases(record: Record) -> dict:
    rng = record.range
    return {"releases": [r for r in record.detail["releases"]
                         if rng.overlaps(r.signed_on, r.revoked_on or r.expires_on)]}


def assessments(record: Record) -> dict:
    rng = record.range
    rows = [a for a in record.overview["assessments"]
            if rng.has(a.completed_on) or (a.completed_on is None and rng.has(a.created_at))]
    return {"assessments": sorted(rows, key=lambda a: (a.completed_on or date.max, a.pk))}


def care_plans(record: Record) -> dict:
    """Every ICP version finalized in the range, with its content (the emergency plan is its
    part e), sharing and deliveries (``plan_detail``)."""
    plans = [p for p in record.overview["plans"]
             if p.status != CarePlanStatus.DRAFT and record.range.has(p.finalized_on)]
    return {"plans": [{"plan": p, **plan_detail(p)} for p in reversed(plans)]}


def referrals(record: Record) -> dict:
    rng = record.range
    rows = []
    for row in reversed(record.coordination["referrals"]):
        follow_ups = [f for f in row.referral.follow_ups.all() if rng.has(f.followed_up_on)]
        if rng.has(row.referral.referred_on) or follow_ups:
            rows.append({"row": row, "follow_ups": follow_ups})
    return {"referrals": rows}


def monitoring(record: Record) -> dict:
    rng = record.range
    c = record.coordination
    return {"reviews": [r for r in reversed(c["monitoring_reviews"]) if rng.has(r.reviewed_on)],
            "case_reviews": [r for r in reversed(c["case_reviews"]) if rng.has(r.held_on)]}


def contacts(record: Record) -> dict:
    rng = record.range
    c = record.coordination
    return {"contacts": [n for n in reversed(c["contacts"]) if rng.has(n.contact_at)],
            "calls": [n for n in reversed(c["on_call_calls"]) if rng.has(n.called_at)]}


def hospital_stays(record: Record) -> dict:
    rng = record.range
    stays = [s for s in record.coordination["hospital_stays"]
             if rng.overlaps(s.admitted_on, s.discharged_on)]
    return {"stays": sorted(stays, key=lambda s: (s.admitted_on, s.pk))}


def letters(record: Record) -> dict:
    """The member's letters made, dated or sent in the range, each with its deliveries: the
    channel, the recipient, the status, the date sent and the certified-mail tracking
    number (the proof of delivery)."""
    rng = record.range
    rows = [letter for letter in member_letters(record.member)
            if rng.has(letter.letter_date) or rng.has(letter.sent_on)
            or rng.has(letter.created_at)]
    return {"letters": list(reversed(rows))}


def deadlines(record: Record) -> dict:
    rng = record.range
    rows = [d for d in member_deadline_rows(record.member)
            if rng.has(d.due) or rng.has(d.start) or rng.has(d.satisfied_on)]
    return {"deadlines": sorted(rows, key=lambda d: (d.due, d.pk))}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[Record], dict]


SECTIONS = (
    Section("demographics", _("Member, guardians and episodes"), demographics),
    Section("eligibility", _("Eligibility and consent"), eligibility),
    Section("releases", _("Releases of information"), releases),
    Section("assessments", _("Assessments"), assessments),
    Section("care_plans", _("Individual Care Plans and emergency plans"), care_plans),
    Section("referrals", _("Referrals and follow-ups"), referrals),
    Section("monitoring", _("Monitoring and case reviews"), monitoring),
    Section("contacts", _("Contacts and on-call calls"), contacts),
    Section("hospital_stays", _("Hospital stays and emergency visits"), hospital_stays),
    Section("letters", _("Letters and proof of delivery"), letters),
    Section("deadlines", _("Deadlines and their status"), deadlines),
    Section("chronology", _("Other events in order"), chronology),
)
