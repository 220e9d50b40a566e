"""The CARES deadline rule book (``shared/spec/deadlines.md``), once.

Each rule is data (key, title, spec citation, subject, start event, period, satisfying
event): its ``Period`` (``cares.deadlines.lengths``) is the one place its length is written,
and both its due date and the words of its due column are built from it. ``compute_member``
and ``compute_staff`` are pure functions over plain values (``MemberFacts``,
``StaffTrainingFacts``; the program's own lengths, ``ProgramLengths``, read from the program
record by the callers) that return every deadline existing on an as-of date
with its status. Nothing else in the code base re-implements a rule: the nightly sweep, the
member page, worklists, dashboards and ``compliance_report`` all call these functions.

Readings (numbers refer to "Precise readings" in deadlines.md):
- Events dated after the as-of date are ignored (1).
- Recurring rules chain: a cycle is satisfied by the earliest qualifying event strictly after
  its anchor, which anchors the next cycle; an unsatisfied cycle ends the chain (5).
- Termination on T closes every deadline still open on T as ``excepted`` (9).
- An episode closed before enrollment on C releases the 60-day duties not satisfied on C (12).
- Regular contact recurs from enrollment; only in-person and telehealth contacts with the member
  or parent/guardian count (13). A discharge while enrolled starts a follow-up (14). A review or
  reassessment that asks for an ICP update starts ``icp_update`` (15).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from dateutil.relativedelta import relativedelta

from cares.base.calendar import add_business_days
from cares.base.languages import is_english, same_language
from cares.base.staff.training import (
    ANNUAL_TRAINING_MONTHS,
    INITIAL_TRAINING_MONTHS,
    TRAINING_FLOOR,
    StaffTrainingFacts,
    training_cycles,
)
from cares.deadlines.lengths import DEFAULT_LENGTHS, Period, ProgramLengths
from cares.deadlines.member_facts import (  # noqa: F401 (the rule book's vocabulary)
    ClosureFacts,
    DeliveryFacts,
    Event,
    InquiryFacts,
    MemberFacts,
    ReferralFacts,
    StayFacts,
)
from members.coordination.rules import FOLLOW_UP_WITHIN, referral_follow_up_due
from members.models import TRANSITION_FROM_AGE
from notices.rules import LETTER_DAYS  # PS VIII, IX.C: defined once, in notices

MET, LATE, OPEN, OVERDUE, EXCEPTED = "met", "late", "open", "overdue", "excepted"
STATUSES = (MET, LATE, OPEN, OVERDUE, EXCEPTED)
TERMINATED_REASON = "member terminated"
# Reading 12: the 60-day duties arise only "if the member/parent/caregiver consents" (PS VIII).
CLOSED_BEFORE_ENROLLMENT_REASONS = {
    "ineligible": "closed before enrollment: found not eligible",
    "declined": "closed before enrollment: family declined CARES services",
    "withdrew": "closed before enrollment: family withdrew",
    "unreachable": "closed before enrollment: family could not be reached",
}
RELEASED_BY_CLOSING = frozenset({"initial_assessment_icp", "icp_copies"})
ICP_WITHIN = Period(days=60)  # PS VIII: assessment, ICP and its copies within 60 days
LETTER_WITHIN = Period(days=LETTER_DAYS.days)  # PS VIII, IX.C


@dataclass(frozen=True)
class Rule:
    """One rule of deadlines.md. ``period`` is its length (``None``: due on a date of its
    own); ``due_text`` says how it applies, ``{period}`` standing for the period's words."""

    key: str
    title: str
    citation: str
    subject: str  # "member" | "staff"
    starts_at: str
    period: Period | None
    due_text: str
    satisfied_by: str

    @property
    def due(self) -> str:
        """The rule's due column, in words built from its period."""
        return self.due_text.format(period=self.period.text) if self.period else self.due_text

    def due_after(self, start: date, lengths: ProgramLengths = DEFAULT_LENGTHS) -> date:
        return self.period.after(start, lengths)


RULES: dict[str, Rule] = {r.key: r for r in (
    Rule("initial_assessment_icp", "Comprehensive assessment and ICP", "PS VI.A.1, VIII",
         "member", "referral or identification date", ICP_WITHIN, "start + {period}",
         "comprehensive assessment completed and ICP finalized (the later date counts)"),
    Rule("icp_copies", "ICP copies to the family", "PS VIII", "member",
         "referral or identification date", ICP_WITHIN, "start + {period}",
         "finalized ICP delivered on paper and electronically, in English and in the primary "
         "language"),
    Rule("enrollment_letter", "Enrollment letter", "PS VIII", "member",
         "enrollment effective date", LETTER_WITHIN, "start + {period}",
         "enrollment letter sent"),
    Rule("monitoring", "Monitoring review", "PS VI.D.1", "member",
         "ICP finalized, then each monitoring review", Period(months=6),
         "previous anchor + {period}",
         "a monitoring review recording the three checks of PS VI.D.1 a-c"),
    Rule("annual_reassessment", "Annual reassessment", "PS VI.A.1, VI.A.1.b", "member",
         "last comprehensive assessment or reassessment", Period(months=12),
         "previous anchor + {period}",
         "a periodic reassessment (full or abbreviated)"),
    Rule("referral_follow_up", "Referral follow-up", "PS VI.D.2.b", "member",
         "the referral's scheduled service date", Period(days=FOLLOW_UP_WITHIN.days),
         "scheduled date + {period}",
         "a follow-up recording whether services were received and met the need"),
    Rule("transition_plan", "Transition-to-adulthood plan", "PS VI.C", "member",
         f"{TRANSITION_FROM_AGE}th birthday (or enrollment, if later)",
         Period(setting="transition_plan_days"), "start + {period}",
         "a transition-to-adulthood plan is recorded"),
    Rule("aftercare_plan", "Aftercare/transition plan", "PS IX.B", "member",
         "removal of assignment initiated", None, "on or before the termination date",
         "an aftercare/transition plan with all five PS IX.B elements"),
    Rule("termination_letter", "Termination letter", "PS IX.C", "member",
         "termination date", LETTER_WITHIN, "start + {period}", "termination letter sent"),
    Rule("member_contact", "Regular contact", "PS VI.B.1.a", "member",
         "enrollment effective date, then each qualifying contact",
         Period(setting="contact_interval_days"), "previous anchor + {period}",
         "a contact with the member or parent/guardian in person or by telehealth"),
    Rule("discharge_follow_up", "Follow-up after a hospital or ED discharge", "PS VI.B.1.i",
         "member", "each discharge from a hospital stay or emergency-department visit, while "
         "enrolled", Period(setting="discharge_follow_up_days"), "discharge + {period}",
         "a follow-up with the member/family recorded for that stay"),
    Rule("icp_update", "ICP update", "PS VI.A.1.b.3, VI.D.1.c", "member",
         "a monitoring review or reassessment that records that the ICP must be updated",
         Period(setting="icp_update_days"), "start + {period}",
         "a new ICP version finalized on or after the start date"),
    Rule("staff_initial_training", "Initial staff training", "PS V, V.A, V.B", "staff",
         "hire date", Period(months=INITIAL_TRAINING_MONTHS),
         f"the later of hire + {{period}} and {TRAINING_FLOOR.isoformat()}",
         "every required initial topic recorded for the role"),
    Rule("staff_annual_training", "Annual staff training", "PS V.A", "staff",
         "initial training complete, then each annual training",
         Period(months=ANNUAL_TRAINING_MONTHS), "previous anchor + {period}",
         "annual training recorded"),
    Rule("medical_consult_response", "Senior medical professional consultation",
         "PS IV.A.2", "staff", "a consultation request", Period(business_days=1), "{period}",
         "the senior medical professional's response"),
    Rule("referral_inquiry_response", "Answer to a referral status inquiry", "CLR", "member",
         "an inquiry about a referral's status", Period(business_days=1), "{period}",
         "a response giving the status"),
    Rule("referral_closure_notice", "Referral closure notice", "CLR", "member",
         "a referral loop closed", Period(business_days=2), "{period}",
         "referring entity notified of the closure reason"),
)}


@dataclass(frozen=True)
class Deadline:
    """One deadline on an as-of date. ``cycle`` tells recurring cycles apart; ``ref`` names the
    record that created it (a referral key) and ``satisfied_ref`` the one that satisfied it."""

    rule: str
    start: date
    due: date
    status: str
    satisfied_on: date | None = None
    cycle: int = 0
    ref: str | None = None
    satisfied_ref: str | None = None
    exception: str = ""

    @property
    def citation(self) -> str:
        return RULES[self.rule].citation

    @property
    def title(self) -> str:
        return RULES[self.rule].title


def status_of(due: date, satisfied_on: date | None, as_of: date) -> str:
    if satisfied_on is not None:
        return MET if satisfied_on <= due else LATE
    return OPEN if as_of <= due else OVERDUE


def _make(rule: str, start: date, due: date, satisfied: tuple[date, str | None] | None,
          as_of: date, **extra) -> Deadline:
    satisfied_on, satisfied_ref = satisfied if satisfied else (None, None)
    return Deadline(rule=rule, start=start, due=due, status=status_of(due, satisfied_on, as_of),
                    satisfied_on=satisfied_on, satisfied_ref=satisfied_ref, **extra)


def _known(events: Iterable[tuple[date, str | None]], as_of: date) -> list[tuple[date, str]]:
    return sorted((d, ref) for d, ref in events if d is not None and d <= as_of)


def _chain(rule: str, first_anchor: tuple[date, str] | None,
           events: Sequence[tuple[date, str]], as_of: date, stop: date | None = None,
           lengths: ProgramLengths = DEFAULT_LENGTHS) -> list[Deadline]:
    """Recurring cycles (reading 5). ``stop``: no cycle starts after it (termination)."""
    out: list[Deadline] = []
    if first_anchor is None:
        return out
    anchor = first_anchor[0]
    cycle = 0
    while anchor <= as_of and (stop is None or anchor <= stop):
        satisfied = next(((d, ref) for d, ref in events if d > anchor), None)
        out.append(_make(rule, anchor, RULES[rule].due_after(anchor, lengths), satisfied, as_of,
                         cycle=cycle))
        if satisfied is None:
            break
        anchor = satisfied[0]
        cycle += 1
    return out


def _earliest(events: Iterable[Event], as_of: date) -> tuple[date, str | None] | None:
    known = _known(events, as_of)
    return known[0] if known else None


def _initial_assessment_icp(f: MemberFacts, as_of: date) -> list[Deadline]:
    start = f.referral_date
    assessment = _earliest(f.initial_assessments, as_of)
    icp = _earliest(f.finalized_icps, as_of)
    satisfied = max(assessment, icp, key=lambda e: e[0]) if assessment and icp else None
    return [_make("initial_assessment_icp", start, RULES["initial_assessment_icp"].due_after(start),
                  satisfied, as_of)]


def required_copies(primary_language: str) -> list[tuple[str, str]]:
    """(language, medium) of every ICP copy owed to the family (reading 3)."""
    copies = [("en", "paper"), ("en", "electronic")]
    if not is_english(primary_language):
        copies += [(primary_language, "paper"), (primary_language, "electronic")]
    return copies


def _icp_copies(f: MemberFacts, as_of: date) -> list[Deadline]:
    start = f.referral_date
    icp = _earliest(f.finalized_icps, as_of)
    satisfied = None
    if icp is not None:
        deliveries = [d for d in f.deliveries_by_icp.get(icp[1], ()) if d.on <= as_of]
        found = []
        for language, medium in required_copies(f.primary_language):
            matching = sorted((d.on, d.ref) for d in deliveries
                              if d.medium == medium and same_language(d.language, language))
            if not matching:
                found = None
                break
            found.append(matching[0])
        if found:
            satisfied = max(found)
    return [_make("icp_copies", start, RULES["icp_copies"].due_after(start), satisfied, as_of)]


def _letter(rule: str, start: date | None, sent: Event | None, as_of: date) -> list[Deadline]:
    if start is None or start > as_of:
        return []
    satisfied = _earliest([sent], as_of) if sent else None
    return [_make(rule, start, RULES[rule].due_after(start), satisfied, as_of)]


def referral_follow_up(referral: ReferralFacts, as_of: date) -> Deadline | None:
    """One referral's follow-up deadline on ``as_of`` (reading 6), or None before it exists."""
    start = referral.scheduled
    if start is None or start > as_of:
        return None
    due = referral_follow_up_due(start)
    if referral.exception_reason.strip():  # reading 6: excepted, whatever else
        return Deadline("referral_follow_up", start, due, EXCEPTED, ref=referral.key,
                        exception=referral.exception_reason.strip())
    satisfied = _earliest([referral.follow_up], as_of) if referral.follow_up else None
    return _make("referral_follow_up", start, due, satisfied, as_of, ref=referral.key)


def _referral_follow_ups(f: MemberFacts, as_of: date, stop: date | None) -> list[Deadline]:
    out = []
    for referral in f.referrals:
        if stop is not None and referral.scheduled is not None and referral.scheduled > stop:
            continue
        deadline = referral_follow_up(referral, as_of)
        if deadline is not None:
            out.append(deadline)
    return out


def _referral_notices(f: MemberFacts, as_of: date) -> list[Deadline]:
    """CLR: answers to status inquiries (1 business day) and closure notices (2)."""
    out: list[Deadline] = []
    for inquiry in f.referral_inquiries:
        out += [replace(d, cycle=inquiry.number) for d in compute_business_day_rule(
            "referral_inquiry_response", inquiry.received, inquiry.answered, as_of,
            ref=inquiry.referral)]
    for closure in f.referral_closures:
        if closure.owed:
            out += compute_business_day_rule("referral_closure_notice", closure.closed,
                                             closure.notice, as_of, ref=closure.referral)
    return out


def _transition_plan(f: MemberFacts, as_of: date, lengths: ProgramLengths) -> list[Deadline]:
    if f.enrollment_effective is None or f.enrollment_effective > as_of:
        return []
    start = max(f.date_of_birth + relativedelta(years=TRANSITION_FROM_AGE),
                f.enrollment_effective)
    if start > as_of:
        return []
    satisfied = _earliest(f.transition_plans, as_of)  # reading 7: a plan before start counts
    return [_make("transition_plan", start, RULES["transition_plan"].due_after(start, lengths),
                  satisfied, as_of)]


def _aftercare(f: MemberFacts, as_of: date) -> list[Deadline]:
    """Reading 8: starts when removal is initiated; due on the termination date (PS IX.B:
    "before the removal of assignment", which takes effect at the end of that day): the actual
    one once it is known on ``as_of`` (reading 1), else the planned one. Without an initiation
    date (imported records) it starts on the termination date."""
    terminated = f.termination_date if f.termination_date and f.termination_date <= as_of \
        else None
    termination = terminated or f.planned_termination_date
    start = f.removal_initiated or terminated
    if start is None or termination is None or start > as_of:
        return []
    satisfied = _earliest([f.aftercare_plan], as_of) if f.aftercare_plan else None
    return [_make("aftercare_plan", start, termination, satisfied, as_of)]


def _member_contact(f: MemberFacts, as_of: date, stop: date | None,
                    lengths: ProgramLengths) -> list[Deadline]:
    """Reading 13: recurring from the enrollment effective date, every contact interval;
    each cycle met by the first qualifying contact strictly after its anchor."""
    if f.enrollment_effective is None:
        return []
    return _chain("member_contact", (f.enrollment_effective, None),
                  _known(f.qualifying_contacts, as_of), as_of, stop=stop, lengths=lengths)


def _discharge_follow_ups(f: MemberFacts, as_of: date,
                          lengths: ProgramLengths) -> list[Deadline]:
    """Reading 14: one per stay discharged on or after the enrollment effective date (none
    without an enrollment, none while the stay goes on); met by that stay's follow-up."""
    enrolled = f.enrollment_effective
    if enrolled is None:
        return []
    out = []
    for stay in f.hospital_stays:
        start = stay.discharged
        if start is None or start < enrolled or start > as_of:
            continue
        satisfied = _earliest([stay.follow_up], as_of) if stay.follow_up else None
        out.append(_make("discharge_follow_up", start,
                         RULES["discharge_follow_up"].due_after(start, lengths), satisfied,
                         as_of, ref=stay.key))
    return out


def _icp_updates(f: MemberFacts, as_of: date, lengths: ProgramLengths) -> list[Deadline]:
    """Reading 15: one per review or reassessment that asks for it; met by the earliest ICP
    version finalized on or after that day (an update made at the review itself counts)."""
    icps = _known(f.finalized_icps, as_of)
    out = []
    for number, (start, ref) in enumerate(_known(f.icp_update_requests, as_of)):
        satisfied = next(((d, r) for d, r in icps if d >= start), None)
        out.append(_make("icp_update", start, RULES["icp_update"].due_after(start, lengths),
                         satisfied, as_of, cycle=number, ref=ref))
    return out


NEVER_CLOSED_BY_TERMINATION = frozenset({"aftercare_plan", "termination_letter"})


def _close_on_termination(deadline: Deadline, termination: date) -> Deadline:
    """Reading 9: open on T (unsatisfied on T and T <= due) becomes excepted for good."""
    if deadline.rule in NEVER_CLOSED_BY_TERMINATION:
        return deadline
    unsatisfied_on_t = deadline.satisfied_on is None or deadline.satisfied_on > termination
    if deadline.status != EXCEPTED and unsatisfied_on_t and termination <= deadline.due:
        return replace(deadline, status=EXCEPTED, satisfied_on=None, satisfied_ref=None,
                       exception=TERMINATED_REASON)
    return deadline


def closing_reason(reason: str) -> str:
    """The exception text of a duty released by closing before enrollment (reading 12)."""
    return CLOSED_BEFORE_ENROLLMENT_REASONS.get(
        reason, f"closed before enrollment: {reason}")


def _release_on_closing(deadline: Deadline, closed: date, reason: str) -> Deadline:
    """Reading 12: on the closing date C, ``initial_assessment_icp`` and ``icp_copies`` not
    satisfied on or before C become excepted, open or already overdue alike."""
    if deadline.rule not in RELEASED_BY_CLOSING or deadline.status == EXCEPTED:
        return deadline
    if deadline.satisfied_on is not None and deadline.satisfied_on <= closed:
        return deadline
    return replace(deadline, status=EXCEPTED, satisfied_on=None, satisfied_ref=None,
                   exception=closing_reason(reason))


def compute_member(f: MemberFacts, as_of: date, *,
                   lengths: ProgramLengths = DEFAULT_LENGTHS) -> list[Deadline]:
    """Every member deadline that exists on ``as_of``, with its status."""
    if f.referral_date > as_of:
        return []
    termination = f.termination_date if f.termination_date and f.termination_date <= as_of \
        else None
    found: list[Deadline] = []
    found += _initial_assessment_icp(f, as_of)
    found += _icp_copies(f, as_of)
    found += _letter("enrollment_letter", f.enrollment_effective, f.enrollment_letter_sent,
                     as_of)
    first_icp = _earliest(f.finalized_icps, as_of)
    found += _chain("monitoring", first_icp, _known(f.monitoring_reviews, as_of),
                    as_of, stop=termination)
    initials = _known(f.initial_assessments, as_of)
    found += _chain("annual_reassessment", initials[-1] if initials else None,
                    _known(f.reassessments, as_of), as_of, stop=termination)
    found += _referral_follow_ups(f, as_of, termination)
    found += _transition_plan(f, as_of, lengths)
    found += _referral_notices(f, as_of)
    found += _member_contact(f, as_of, termination, lengths)
    found += _discharge_follow_ups(f, as_of, lengths)
    found += _icp_updates(f, as_of, lengths)
    closing = f.closed_before_enrollment
    if closing is not None and closing[0] <= as_of:  # reading 1: a later closing is unknown
        found = [_release_on_closing(d, *closing) for d in found]
    if termination is not None:
        # No new deadline starts after T (except the termination letter).
        found = [d for d in found if d.start <= termination]
        found = [_close_on_termination(d, termination) for d in found]
        found += _letter("termination_letter", termination, f.termination_letter_sent, as_of)
    found += _aftercare(f, as_of)  # exists from removal initiation, never closed by T
    return sorted(found, key=lambda d: (d.rule, d.due, d.ref or ""))


# --- Staff facts --------------------------------------------------------------------------------

def compute_staff(f: StaffTrainingFacts, as_of: date) -> list[Deadline]:
    """``staff_initial_training`` and ``staff_annual_training``: their cycles are computed in
    the base (``cares.base.staff.training``, which the staff pages read too); here each gets
    its status."""
    return [_make(c.rule, c.start, c.due, (c.satisfied_on, None) if c.satisfied_on else None,
                  as_of, cycle=c.cycle) for c in training_cycles(f, as_of)]


# --- Business-day rules (CLR, PS IV.A.2) ----------------------------------------------------------

def compute_business_day_rule(rule: str, start: date, answered: Event | None, as_of: date,
                              *, ref: str | None = None, days: int | None = None,
                              exception: str = "") -> list[Deadline]:
    """``medical_consult_response`` and ``referral_inquiry_response`` (1 business day),
    ``referral_closure_notice`` (2 business days)."""
    if start > as_of:
        return []
    due = add_business_days(start, days) if days else RULES[rule].due_after(start)
    if exception:
        return [Deadline(rule, start, due, EXCEPTED, ref=ref, exception=exception)]
    satisfied = _earliest([answered], as_of) if answered else None
    return [_make(rule, start, due, satisfied, as_of, ref=ref)]


@dataclass(frozen=True)
class ConsultFacts:
    """A consultation request to the senior medical professional (PS IV.A.2)."""

    ref: str
    requested: date
    answered: Event | None = None


def compute_consults(consults: Iterable[ConsultFacts], as_of: date) -> list[Deadline]:
    """``medical_consult_response`` for each request: one business day (a staff deadline of
    the senior medical professional asked)."""
    out: list[Deadline] = []
    for consult in consults:
        out += compute_business_day_rule("medical_consult_response", consult.requested,
                                         consult.answered, as_of, ref=consult.ref)
    return out


def summarize(deadlines: Iterable[Deadline]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for d in deadlines:
        counts[d.status] += 1
    return counts
