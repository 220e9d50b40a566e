"""Reads of the care coordination records, each with a fixed number of queries.

The follow-up, inquiry, closure-notice and consultation deadlines shown here are what the rule
book says, asked through ``cares.base.events`` (``referral_deadlines``, ``consult_deadline``;
answered by the deadline engine from the same facts it stores), so a page and the compliance
report never disagree. Asking runs no query: the engine reads what was loaded here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Protocol

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.languages import language_name
from members.coordination import rules
from members.coordination.models import (
    ConsultationRequest,
    ExceptionKind,
    ReferralFollowUp,
    ReferralStatus,
    ReferralStatusChange,
    ServiceReferral,
)
from members.coordination.stay_selectors import member_stays, stay_events
from members.coverage.line import callback_words, shift_words, shifts_for
from members.timeline import TimelineEvent


class Deadline(Protocol):
    """A deadline as the rule book states it (``cares.deadlines.rules.Deadline``): what the
    pages read of it."""

    rule: str
    start: date
    due: date
    status: str
    satisfied_on: date | None


@dataclass
class ReferralRow:
    """A referral with what the pages show about it on a day."""

    referral: ServiceReferral
    follow_up: Deadline | None  # referral_follow_up (PS VI.D.2.b), once scheduled
    stale: bool  # open and status unchanged for a month (CLR)
    duplicate_of: int | None  # the earlier open referral for the same service (CLR)
    fhir_status: str  # FHIR R4 Task.status
    closure_notice: Deadline | None = None  # referral_closure_notice (CLR), when owed
    inquiries: list[tuple[object, Deadline]] = field(default_factory=list)

    @property
    def follow_up_due(self) -> date | None:
        return rules.follow_up_due(self.referral.scheduled_on)

    @property
    def last_follow_up(self) -> ReferralFollowUp | None:
        follow_ups = list(self.referral.follow_ups.all())
        return follow_ups[-1] if follow_ups else None

    @property
    def unanswered_inquiries(self) -> int:
        return sum(1 for inquiry, _d in self.inquiries if inquiry.answered_on is None)


def referrals_with_records(qs: QuerySet[ServiceReferral]) -> QuerySet[ServiceReferral]:
    """Referrals with everything a row needs (five queries in all)."""
    return qs.select_related("provider", "referrer_contact", "member", "goal").prefetch_related(
        Prefetch("follow_ups", queryset=ReferralFollowUp.objects.order_by(
            "followed_up_on", "pk")),
        Prefetch("status_changes", queryset=ReferralStatusChange.objects.select_related(
            "changed_by").order_by("on", "changed_at", "pk")),
        "inquiries", "notices")


def referral_row(referral: ServiceReferral, on: date,
                 duplicates: dict[int, int] | None = None) -> ReferralRow:
    follow_ups = list(referral.follow_ups.all())
    started = any(f.services_received for f in follow_ups)
    deadlines = events.ask(events.referral_deadlines, referral=referral, on=on)
    by_pk = {i.pk: i for i in referral.inquiries.all()}
    return ReferralRow(
        referral=referral, follow_up=deadlines.follow_up,
        stale=rules.is_stale(referral.status, referral.last_change_on, on),
        duplicate_of=(duplicates or {}).get(referral.pk),
        fhir_status=rules.fhir_task_status(referral.status, referral.closure_reason,
                                           services_started=started),
        closure_notice=deadlines.closure_notice,
        inquiries=[(by_pk[pk], deadline) for pk, deadline in deadlines.inquiries])


def open_duplicates(member_ids) -> dict[int, int]:
    """Likely duplicates among the open referrals of these members (one query)."""
    open_referrals = ServiceReferral.objects.filter(member_id__in=member_ids).exclude(
        status=ReferralStatus.CLOSED).only("pk", "member_id", "service", "referred_on",
                                           "status")
    return rules.likely_duplicates(open_referrals)


# --- The member page ------------------------------------------------------------------------------

def coordination_detail(member, on: date, *, recent_contacts: int | None = None) -> dict:
    """The member's care coordination records for the member page and the timeline, in a
    fixed number of queries (thirteen: the last, the on-call shifts of the calls). With
    ``recent_contacts``, only that many of the latest contacts are read, and when there are
    more, one more query counts them all (``contacts_total``)."""
    everyone = member.contact_records.select_related("staff__user").order_by("-contact_at", "-pk")
    contacts = list(everyone if recent_contacts is None else everyone[:recent_contacts + 1])
    contacts_total = len(contacts)
    if recent_contacts is not None and contacts_total > recent_contacts:
        contacts, contacts_total = contacts[:recent_contacts], everyone.count()
    referrals = list(referrals_with_records(member.referrals.all()).order_by(
        "-referred_on", "-pk"))
    duplicates = rules.likely_duplicates(referrals)
    plans = list(member.transition_plans.order_by("-recorded_on", "-pk"))
    consultations = list(member.consultations.select_related(
        "consultant__user", "requested_by__user").order_by("-requested_at", "-pk"))
    calls = list(member.on_call_calls.select_related("handled_by__user")
                 .order_by("-called_at", "-pk"))
    return {
        "referrals": [referral_row(r, on, duplicates) for r in referrals],
        "monitoring_reviews": list(member.monitoring_reviews.select_related("new_care_plan")
                                   .order_by("-reviewed_on", "-pk")),
        "transition_plan": plans[0] if plans else None,
        "transition_missing": plans[0].missing_elements(age=member.age_on(on)) if plans else [],
        "transition_plans": plans,
        "contacts": contacts,
        "contacts_total": contacts_total,
        "on_call_calls": calls,
        "on_call_shifts": shifts_for(calls),
        "case_reviews": list(member.case_reviews.order_by("-held_on", "-pk")),
        "consultations": consultations,
        "consult_rows": [(c, consult_deadline(c, on)) for c in consultations],
        "hospital_stays": member_stays(member),
        "on": on,
    }


def consult_deadline(consult: ConsultationRequest, on: date) -> Deadline | None:
    """The consultation's response deadline (PS IV.A.2), as the rule book says."""
    return events.ask(events.consult_deadline, consult=consult, on=on)


@dataclass(frozen=True)
class ConsultRow:
    consult: ConsultationRequest
    deadline: Deadline | None


def consultation_queue(qs: QuerySet[ConsultationRequest], on: date, *,
                       answered_days: int = 30) -> list[ConsultRow]:
    """A senior medical professional's consultations: unanswered first, oldest first, then
    those answered in the last ``answered_days`` days, newest first (one query)."""
    since = on - timedelta(days=answered_days)
    rows = list(qs.filter(Q(responded_at__isnull=True) | Q(responded_at__date__gte=since))
                .select_related("member", "requested_by__user"))
    rows.sort(key=lambda c: (c.responded_at is not None,
                             c.requested_at if c.responded_at is None
                             else -c.responded_at.timestamp()))
    return [ConsultRow(c, consult_deadline(c, on)) for c in rows]


def _yes_no(value: bool | None) -> str:
    return {True: _("yes"), False: _("no"), None: _("not recorded")}[value]


def _local(moment) -> tuple[date, str]:
    local = timezone.localtime(moment)
    return local.date(), local.strftime("%H:%M")


def _time_of_day(moment) -> time:
    return timezone.localtime(moment).time().replace(second=0, microsecond=0)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def coordination_events(c: dict, *, clinical: bool) -> list[TimelineEvent]:
    """Timeline entries for the coordination records. Without ``clinical``
    (``cares.base.access.may_see_clinical``) the narrative fields are left out: a referral's ICP
    goal, status notes and exception reason; follow-up notes; inquiry questions and answers;
    monitoring notes; the transition plan's medical content; what happened in a contact; an
    on-call call's details and triage; case review decisions; consultation questions and
    responses."""
    events: list[TimelineEvent] = []
    for row in c["referrals"]:
        events += referral_events(row, clinical=clinical)
    events += [monitoring_event(review, clinical=clinical)
               for review in c["monitoring_reviews"]]
    for plan in c["transition_plans"]:
        events.append(TimelineEvent(plan.recorded_on, _("Transition-to-adulthood plan recorded"),
                                    "", "PS VI.C"))
        if plan.updated_on:
            events.append(TimelineEvent(plan.updated_on,
                                        _("Transition-to-adulthood plan updated"), "", "PS VI.C"))
    events += [contact_event(note, clinical=clinical) for note in c["contacts"]]
    shifts = c.get("on_call_shifts", {})
    events += [on_call_event(call, clinical=clinical, shift=shifts.get(call.pk))
               for call in c["on_call_calls"]]
    events += [case_review_event(review, clinical=clinical) for review in c["case_reviews"]]
    events += [consultation_event(consult, clinical=clinical) for consult in c["consultations"]]
    events += stay_events(c.get("hospital_stays", []), clinical=clinical)
    return events


def referral_events(row: ReferralRow, *, clinical: bool) -> list[TimelineEvent]:
    """A referral, its status moves, follow-ups, exception, inquiries and notices."""
    r = row.referral
    events = [TimelineEvent(
        r.referred_on, _("Referred to %(service)s") % {"service": r.service},
        _join(str(r.provider or ""), r.provider_person,
              _("referred by %(who)s") % {"who": r.referrer_name or
                                          r.get_referrer_kind_display()},
              _("serves the ICP goal: %(goal)s") % {"goal": r.goal or r.icp_goal}
              if clinical and (r.goal_id or r.icp_goal) else ""), "PS VI.D.2")]
    for change in r.status_changes.all():
        if not change.from_status:
            continue
        events.append(TimelineEvent(
            change.on, _("Referral %(status)s: %(service)s") % {
                "status": ReferralStatus(change.to_status).name.lower(),
                "service": r.service},
            _join(change.reason_label if change.reason else "",
                  str(change.changed_by or ""), change.note if clinical else ""), "CLR"))
    for f in r.follow_ups.all():
        events.append(TimelineEvent(
            f.followed_up_on, _("Referral follow-up: %(service)s") % {"service": r.service},
            _join(_("with %(who)s") % {"who": f.with_whom} if f.with_whom else "",
                  _("services received: %(v)s") % {"v": _yes_no(f.services_received)},
                  _("met the need: %(v)s") % {"v": _yes_no(f.met_need)}
                  if f.services_received else "",
                  f.notes if clinical else ""), "PS VI.D.2.a-b"))
    if r.exception_reason:
        cite = "PS VI.D.2.c" if r.exception_kind == ExceptionKind.SCHEDULED_BEYOND_30 \
            else "PS VI.D.2.b"
        events.append(TimelineEvent(
            r.exception_recorded_on or r.referred_on,
            _("Follow-up exception: %(service)s") % {"service": r.service},
            _join(r.get_exception_kind_display() if r.exception_kind else "",
                  r.exception_reason if clinical else ""), cite))
    return events + _referral_contact_events(row, clinical=clinical)


def _referral_contact_events(row: ReferralRow, *, clinical: bool) -> list[TimelineEvent]:
    """A referral's status inquiries and notices to the referring entity (CLR)."""
    r = row.referral
    events = []
    for inquiry, _deadline in row.inquiries:
        events.append(TimelineEvent(
            inquiry.received_on, _("Status inquiry: %(service)s") % {"service": r.service},
            _join(_("from %(who)s") % {"who": inquiry.from_name},
                  inquiry.question if clinical else "",
                  _("answered %(date)s") % {"date": inquiry.answered_on.isoformat()}
                  if inquiry.answered_on else _("not answered yet"),
                  inquiry.answer if clinical else ""), "CLR"))
    for notice in r.notices.all():
        events.append(TimelineEvent(
            notice.sent_on, _("%(notice)s: %(service)s") % {
                "notice": notice.get_notice_kind_display(), "service": r.service},
            _join(_("to %(who)s") % {"who": notice.sent_to},
                  notice.get_notice_method_display()),
            "CLR"))
    return events


def monitoring_event(review, *, clinical: bool) -> TimelineEvent:
    return TimelineEvent(
        review.reviewed_on, _("Monitoring review"),
        _join(review.participants,
              _("per the ICP: %(v)s") % {"v": _yes_no(review.services_per_icp)},
              _("adequate: %(v)s") % {"v": _yes_no(review.services_adequate)},
              _("changes reflected: %(v)s") % {"v": _yes_no(review.changes_reflected)},
              _("the ICP must be updated") if review.icp_update_needed else "",
              str(review.new_care_plan) if review.new_care_plan else "",
              review.notes if clinical else ""), "PS VI.D.1")


def contact_event(contact, *, clinical: bool) -> TimelineEvent:
    """A contact: how, with whom, by whom, how long, the interpreter, and whether it is the
    regular contact of PS VI.B.1.a (what happened only for ``clinical``)."""
    local = timezone.localtime(contact.contact_at)  # the time shows beside the date (``at``)
    parties = contact.parties
    return TimelineEvent(
        local.date(), _("Contact (%(mode)s)") % {"mode": contact.get_contact_mode_display()},
        _join(_("with %(parties)s") % {"parties": ", ".join(parties)} if parties else "",
              contact.participants, str(contact.staff or ""),
              _("%(minutes)s min") % {"minutes": contact.duration_minutes}
              if contact.duration_minutes else "",
              _("interpreter: %(language)s") % {
                  "language": language_name(contact.interpreter_language)}
              if contact.interpreter_used else "",
              _("counts as regular contact") if contact.qualifies
              else _("not regular contact"),
              contact.summary if clinical else ""), "PS VI.B.1.a",
        at=local.time().replace(second=0, microsecond=0))


def on_call_event(call, *, clinical: bool, shift=None) -> TimelineEvent:
    """A call, how fast the caller was reached, and the shift it fell in (who was on call)."""
    day, _time = _local(call.called_at)  # the time shows beside the date (``at``)
    return TimelineEvent(
        day, _("On-call call: %(category)s") % {"category": call.get_call_category_display()},
        _join(call.caller, call.get_triage_decision_display(), callback_words(call),
              shift_words(shift),
              call.summary if clinical else "", call.triage_notes if clinical else "",
              call.follow_up if clinical else ""), "PS VI.B.1.b",
        at=_time_of_day(call.called_at))


def case_review_event(review, *, clinical: bool) -> TimelineEvent:
    present = [_("member") if review.member_attended else "",
               _("parent/guardian") if review.guardian_attended else ""]
    return TimelineEvent(
        review.held_on, _("Interdisciplinary case review"),
        _join(review.attendees, _("present: %(who)s") % {
            "who": _(" and ").join(p for p in present if p)} if any(present)
            else review.absence_reason, review.decisions if clinical else ""), "PS III")


def consultation_event(consult, *, clinical: bool) -> TimelineEvent:
    day, _time = _local(consult.requested_at)  # the time shows beside the date (``at``)
    answered = ""
    if consult.responded_at:
        answered = _("answered %(date)s %(time)s") % dict(zip(
            ("date", "time"), _local(consult.responded_at), strict=True))
    return TimelineEvent(
        day, _("Consultation requested"),
        _join(str(consult.consultant), consult.question if clinical else "",
              answered or _("not answered yet"), consult.response if clinical else ""),
        "PS IV.A.2", at=_time_of_day(consult.requested_at))


# --- The referrals worklist -----------------------------------------------------------------------

def referral_worklist(members, number, per_page: int) -> Page:
    """Page ``number`` of the referrals of ``members`` that still need work, soonest
    follow-up first: open ones, and closed ones whose follow-up (PS VI.D.2.b) is not recorded
    nor excepted. Sorting by the scheduled date is sorting by the follow-up due date (30 days
    later); referrals not yet scheduled come last. The page's ids are found first and only
    those referrals read with their records: joined before sorting, a program of 20,000
    members joined 31,000 referrals to show fifty."""
    followed = ReferralFollowUp.objects.filter(referral=OuterRef("pk"))
    pending_follow_up = Q(scheduled_on__isnull=False, exception_reason="") & ~Q(Exists(followed))
    ids = (ServiceReferral.objects.filter(member__in=members)
           .filter(~Q(status=ReferralStatus.CLOSED) | pending_follow_up)
           .order_by(F("scheduled_on").asc(nulls_last=True), "referred_on", "pk")
           .values_list("pk", flat=True))
    page = Paginator(ids, per_page).get_page(number)
    shown = list(page.object_list)
    found = {r.pk: r for r in referrals_with_records(ServiceReferral.objects.filter(
        pk__in=shown))}
    page.object_list = [found[pk] for pk in shown]
    return page
