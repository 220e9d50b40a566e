"""Turning stored records into the plain facts the rule book reads.

Every rule about records (which episode a record belongs to, which letter counts, which
contacts qualify, when a closure notice is owed, which reviews ask for an ICP update...) is
written once here, on plain values: ``MemberRecords`` holds a member's records as tuples and
``facts_of_records`` turns them into one ``MemberFacts`` per episode. Two loaders fill it:
``member_records`` from a member loaded by ``members_with_records`` (model instances, for one
member and for the pages), and ``cares.deadlines.bulk_facts`` from ``values_list`` rows (many
members in a fixed number of queries)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cache
from typing import NamedTuple

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone

from careplans.models import Assessment, AssessmentKind, CarePlan, CarePlanDelivery
from cares.base.staff.models import StaffProfile
from cares.base.staff.training import StaffTrainingFacts
from cares.deadlines.rules import (
    ClosureFacts,
    ConsultFacts,
    DeliveryFacts,
    Event,
    InquiryFacts,
    MemberFacts,
    ReferralFacts,
    StayFacts,
)
from members.coordination.models import QUALIFYING_MODES, NoticeKind, ReferrerKind
from members.models import (
    ConsultationRequest,
    Contact,
    Episode,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralInquiry,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter, LetterKind

# Reading 13: the contacts that can satisfy ``member_contact`` (with the member or a
# parent/guardian, in person or by telehealth).
QUALIFYING_CONTACTS = Q(contact_mode__in=QUALIFYING_MODES) & (
    Q(with_member=True) | Q(with_guardian=True))


def ref_of(model: type[Model], pk: int) -> str:
    """A record's reference in the facts: ``<app_label>.<model_name>:<id>``."""
    return f"{_label(model)}:{pk}"


@cache
def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _ref(obj: Model) -> str:
    return ref_of(type(obj), obj.pk)


def key_or_id(key: str | None, pk: int) -> str:
    """The key the interchange uses for a record: its import key, or its database id."""
    return key or str(pk)


# --- A member's records as plain values --------------------------------------------------------

class EpisodeRow(NamedTuple):
    """An episode and its removal, as the rules read them."""

    pk: int
    referral_date: date
    effective_date: date | None
    termination_date: date | None
    closed_before_enrollment: tuple[date, str] | None
    removal_initiated: date | None
    planned_termination_date: date | None
    aftercare_plan: Event | None


def episode_row(pk: int, referral_date: date, effective_date: date | None,
                termination_date: date | None, closed_on: date | None, closure_reason: str,
                removal: tuple[int, date, date, date | None] | None) -> EpisodeRow:
    """``removal``: (id, initiated_on, planned_termination_date, plan_completed_on), if any."""
    removal_pk, initiated, planned, plan_completed = removal or (None, None, None, None)
    return EpisodeRow(
        pk=pk, referral_date=referral_date, effective_date=effective_date,
        termination_date=termination_date,
        closed_before_enrollment=(closed_on, closure_reason) if closed_on else None,
        removal_initiated=initiated, planned_termination_date=planned,
        aftercare_plan=(plan_completed, ref_of(Removal, removal_pk)) if plan_completed else None)


class ReferralRecord(NamedTuple):
    referred_on: date
    facts: ReferralFacts
    inquiries: list[InquiryFacts]
    closure: ClosureFacts | None


@dataclass
class MemberRecords:
    """A member's records, each list in the order of the record's model (dates, then ids)."""

    date_of_birth: date
    primary_language: str
    episodes: list[EpisodeRow] = field(default_factory=list)  # by (referral_date, id)
    # Completed: (completed_on, kind, icp_update_needed, ref).
    assessments: list[tuple[date, str, bool, str]] = field(default_factory=list)
    icps: list[Event] = field(default_factory=list)  # finalized, by (finalized_on, version)
    deliveries: dict[str, tuple[DeliveryFacts, ...]] = field(default_factory=dict)  # per icp ref
    reviews: list[tuple[date, bool, str]] = field(default_factory=list)  # (on, icp update, ref)
    contacts: list[Event] = field(default_factory=list)  # qualifying, (local day, ref)
    stays: list[StayFacts] = field(default_factory=list)
    transition_plans: list[Event] = field(default_factory=list)
    referrals: list[ReferralRecord] = field(default_factory=list)
    letters: list[tuple[int | None, date, str, str]] = field(default_factory=list)  # sent ones:
    # (episode id, sent_on, kind, ref)


def contact_day(contact_at: datetime, zone: tzinfo | None = None) -> date:
    """The day of a contact, in the program's time zone (America/New_York); ``zone``, when
    given, is that time zone (looked up once for many contacts)."""
    return timezone.localdate(contact_at, zone)


def stay_facts_of(key: str | None, pk: int, admitted: date, discharged: date | None,
                  follow_up_on: date | None) -> StayFacts:
    return StayFacts(key=key_or_id(key, pk), admitted=admitted, discharged=discharged,
                     follow_up=(follow_up_on, ref_of(HospitalStay, pk)) if follow_up_on else None)


def referral_facts_of(key: str | None, pk: int, scheduled: date | None, exception_reason: str,
                      follow_ups: Iterable[Event]) -> ReferralFacts:
    """A referral's follow-up facts (PS VI.D.2.b): the first follow-up counts."""
    return ReferralFacts(key=key_or_id(key, pk), scheduled=scheduled,
                         follow_up=min(follow_ups, default=None),
                         exception_reason=exception_reason)


def inquiry_facts_of(referral_key: str, inquiries: Iterable[tuple[int, date, date | None]]
                     ) -> list[InquiryFacts]:
    """The status inquiries about a referral (CLR), from (id, received_on, answered_on)."""
    return [InquiryFacts(referral=referral_key, number=pk, received=received,
                         answered=(answered, ref_of(ReferralInquiry, pk)) if answered else None)
            for pk, received, answered in inquiries]


def closure_facts_of(key: str, closed_on: date | None, referrer_kind: str,
                     notices: Iterable[tuple[date, str, str]]) -> ClosureFacts | None:
    """CLR noticing, once the loop is closed: owed to a professional referrer only, and not
    when the decline was notified before the loop closed; satisfied by the first notice on or
    after the closure. ``notices``: (sent_on, ref, notice kind)."""
    if closed_on is None:
        return None
    notices = list(notices)
    declined_notified = any(kind == NoticeKind.DECLINE and sent_on <= closed_on
                            for sent_on, _, kind in notices)
    after = min(((sent_on, ref) for sent_on, ref, _ in notices if sent_on >= closed_on),
                default=None)
    return ClosureFacts(
        referral=key, closed=closed_on,
        owed=referrer_kind == ReferrerKind.PROFESSIONAL and not declined_notified,
        notice=after)


# --- The facts of each episode -----------------------------------------------------------------

def facts_of_records(records: MemberRecords) -> list[MemberFacts]:
    """Facts for each episode of a member, in episode order. Records are assigned to the
    episode during which they are dated (from its referral to the next); a letter to the
    episode it names, else to its date's."""
    episodes = records.episodes
    if not episodes:
        return []
    if len(episodes) == 1:
        return [_only_episode_facts(records, episodes[0])]
    starts = [e.referral_date for e in episodes]

    def episode_index(day: date) -> int:
        return max(bisect_right(starts, day) - 1, 0)

    per = _records_per_episode(records, episode_index)
    letters = _letters_per_episode(records, episode_index)
    return [_member_facts(records, episode, per[i],
                          sorted(letters[(i, LetterKind.ENROLLMENT)]),
                          sorted(letters[(i, LetterKind.TERMINATION)]))
            for i, episode in enumerate(episodes)]


def icp_update_requests(records: MemberRecords) -> Iterator[Event]:
    """Reading 15: monitoring reviews, then reassessments (not initial assessments), that
    record that the ICP must be updated."""
    yield from ((on, ref) for on, needed, ref in records.reviews if needed)
    yield from ((on, ref) for on, kind, needed, ref in records.assessments
                if needed and kind != AssessmentKind.INITIAL)


def _records_per_episode(records: MemberRecords, episode_index: Callable[[date], int]
                         ) -> dict[int, dict[str, list]]:
    per: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for on, kind, _, ref in records.assessments:
        bucket = "initial" if kind == AssessmentKind.INITIAL else "reassessments"
        per[episode_index(on)][bucket].append((on, ref))
    for name, events in (("icps", records.icps), ("monitoring", records.reviews),
                         ("contacts", records.contacts),  # reading 13
                         ("icp_updates", icp_update_requests(records)),  # reading 15
                         ("transition", records.transition_plans)):
        for on, *_, ref in events:
            per[episode_index(on)][name].append((on, ref))
    for stay in records.stays:  # reading 14
        per[episode_index(stay.discharged or stay.admitted)]["stays"].append(stay)
    for referral in records.referrals:
        per[episode_index(referral.referred_on)]["referrals"].append(referral.facts)
        for inquiry in referral.inquiries:
            per[episode_index(inquiry.received)]["inquiries"].append(inquiry)
        if referral.closure is not None:
            per[episode_index(referral.closure.closed)]["closures"].append(referral.closure)
    return per


def _only_episode_facts(records: MemberRecords, episode: EpisodeRow) -> MemberFacts:
    """``facts_of_records`` of a member with one episode (most members): every record is
    the episode's, in the same order."""
    initial = AssessmentKind.INITIAL
    referrals = records.referrals
    bucket = {
        "initial": [(on, ref) for on, kind, _, ref in records.assessments if kind == initial],
        "reassessments": [(on, ref) for on, kind, _, ref in records.assessments
                          if kind != initial],
        "icps": records.icps, "monitoring": [(on, ref) for on, _, ref in records.reviews],
        "contacts": records.contacts, "icp_updates": list(icp_update_requests(records)),
        "transition": records.transition_plans, "stays": records.stays,
        "referrals": [r.facts for r in referrals],
        "inquiries": [inquiry for r in referrals for inquiry in r.inquiries],
        "closures": [r.closure for r in referrals if r.closure is not None],
    }
    return _member_facts(records, episode, bucket, sorted(
        (on, ref) for _, on, kind, ref in records.letters if kind == LetterKind.ENROLLMENT),
        sorted((on, ref) for _, on, kind, ref in records.letters
               if kind == LetterKind.TERMINATION))


def _letters_per_episode(records: MemberRecords, episode_index: Callable[[date], int]
                         ) -> dict[tuple[int, str], list]:
    """Sent letters by (episode index, kind): the episode they name, else their date's."""
    positions = {e.pk: i for i, e in enumerate(records.episodes)}
    letters: dict[tuple[int, str], list] = defaultdict(list)
    for episode_id, sent_on, kind, ref in records.letters:
        index = positions.get(episode_id)
        if index is None:
            index = episode_index(sent_on)
        letters[(index, kind)].append((sent_on, ref))
    return letters


def _member_facts(records: MemberRecords, episode: EpisodeRow, bucket: dict[str, list],
                  enrollment_letters: list, termination_letters: list) -> MemberFacts:
    return MemberFacts(
        date_of_birth=records.date_of_birth,
        referral_date=episode.referral_date,
        primary_language=records.primary_language,
        enrollment_effective=episode.effective_date,
        enrollment_letter_sent=enrollment_letters[0] if enrollment_letters else None,
        initial_assessments=tuple(bucket["initial"]),
        reassessments=tuple(bucket["reassessments"]),
        finalized_icps=tuple(bucket["icps"]),
        deliveries_by_icp=records.deliveries,
        monitoring_reviews=tuple(bucket["monitoring"]),
        referrals=tuple(bucket["referrals"]),
        transition_plans=tuple(bucket["transition"]),
        removal_initiated=episode.removal_initiated,
        planned_termination_date=episode.planned_termination_date,
        aftercare_plan=episode.aftercare_plan,
        termination_date=episode.termination_date,
        termination_letter_sent=termination_letters[0] if termination_letters else None,
        referral_inquiries=tuple(bucket["inquiries"]),
        referral_closures=tuple(bucket["closures"]),
        closed_before_enrollment=episode.closed_before_enrollment,
        qualifying_contacts=tuple(bucket["contacts"]),
        hospital_stays=tuple(bucket["stays"]),
        icp_update_requests=tuple(bucket["icp_updates"]),
    )


# --- From model instances ----------------------------------------------------------------------

def members_with_records(members: QuerySet[Member] | None = None) -> QuerySet[Member]:
    members = Member.objects.all() if members is None else members
    return members.prefetch_related(
        Prefetch("episodes", queryset=Episode.objects.select_related("removal")
                 .order_by("referral_date", "pk")),
        Prefetch("assessments", queryset=Assessment.objects.filter(completed_on__isnull=False)),
        Prefetch("care_plans", queryset=CarePlan.objects.filter(finalized_on__isnull=False)
                 .order_by("finalized_on", "version")),
        Prefetch("care_plans__deliveries", queryset=CarePlanDelivery.objects.all()),
        Prefetch("monitoring_reviews", queryset=MonitoringReview.objects.all()),
        Prefetch("referrals", queryset=ServiceReferral.objects.prefetch_related(
            "follow_ups", "inquiries", "notices")),
        Prefetch("transition_plans", queryset=TransitionPlan.objects.all()),
        Prefetch("letters", queryset=Letter.objects.filter(sent_on__isnull=False)),
        Prefetch("contact_records", queryset=Contact.objects.filter(QUALIFYING_CONTACTS)
                 .only("pk", "member_id", "contact_at"), to_attr="qualifying_contacts"),
        Prefetch("hospital_stays", queryset=HospitalStay.objects.only(
            "pk", "member_id", "key", "admitted_on", "discharged_on", "follow_up_on")),
    ).order_by("pk")


def episode_facts(member: Member) -> list[tuple[Episode, MemberFacts]]:
    """Facts for each episode of a member loaded by ``members_with_records``."""
    return list(zip(member.episodes.all(), facts_of_records(member_records(member)),
                    strict=True))


def member_records(member: Member) -> MemberRecords:
    """The records of a member loaded by ``members_with_records``, as plain values."""
    plans = member.care_plans.all()
    return MemberRecords(
        date_of_birth=member.date_of_birth, primary_language=member.primary_language,
        episodes=[_episode_row(e) for e in member.episodes.all()],
        assessments=[(a.completed_on, a.kind, a.icp_update_needed, _ref(a))
                     for a in member.assessments.all()],
        icps=[(p.finalized_on, _ref(p)) for p in plans],
        deliveries={_ref(p): tuple(DeliveryFacts(d.language, d.medium, d.delivered_on, _ref(d))
                                   for d in p.deliveries.all()) for p in plans},
        reviews=[(r.reviewed_on, r.icp_update_needed, _ref(r))
                 for r in member.monitoring_reviews.all()],
        contacts=[(contact_day(c.contact_at), _ref(c)) for c in member.qualifying_contacts],
        stays=[stay_facts_of(s.key, s.pk, s.admitted_on, s.discharged_on, s.follow_up_on)
               for s in member.hospital_stays.all()],
        transition_plans=[(p.recorded_on, _ref(p)) for p in member.transition_plans.all()],
        referrals=[ReferralRecord(r.referred_on, referral_facts(r), inquiry_facts(r),
                                  closure_facts(r)) for r in member.referrals.all()],
        letters=[(letter.episode_id, letter.sent_on, letter.kind, _ref(letter))
                 for letter in member.letters.all()],
    )


def _episode_row(episode: Episode) -> EpisodeRow:
    removal = getattr(episode, "removal", None)
    return episode_row(
        episode.pk, episode.referral_date, episode.effective_date, episode.termination_date,
        episode.closed_on, episode.closure_reason,
        (removal.pk, removal.initiated_on, removal.planned_termination_date,
         removal.plan_completed_on) if removal else None)


def referral_facts(referral: ServiceReferral) -> ReferralFacts:
    """A referral's follow-up facts (PS VI.D.2.b); its follow-ups loaded with it."""
    return referral_facts_of(referral.key, referral.pk, referral.scheduled_on,
                             referral.exception_reason,
                             ((f.followed_up_on, _ref(f)) for f in referral.follow_ups.all()))


def inquiry_facts(referral: ServiceReferral) -> list[InquiryFacts]:
    """The status inquiries about a referral (CLR); its inquiries loaded with it."""
    return inquiry_facts_of(key_or_id(referral.key, referral.pk),
                            ((i.pk, i.received_on, i.answered_on)
                             for i in referral.inquiries.all()))


def closure_facts(referral: ServiceReferral) -> ClosureFacts | None:
    """The closure notice facts (``closure_facts_of``); its notices loaded with it (read only
    once the loop is closed)."""
    return closure_facts_of(key_or_id(referral.key, referral.pk), referral.closed_on,
                            referral.referrer_kind,
                            ((n.sent_on, _ref(n), n.notice_kind)
                             for n in referral.notices.all()))


# --- Staff -------------------------------------------------------------------------------------

def staff_with_records(staff: QuerySet[StaffProfile] | None = None) -> QuerySet[StaffProfile]:
    staff = StaffProfile.objects.all() if staff is None else staff
    return staff.select_related("user").prefetch_related(
        "roles", "trainings",
        Prefetch("consultations", queryset=ConsultationRequest.objects.order_by(
            "requested_at", "pk")),
    ).order_by("pk")


def staff_facts(profile: StaffProfile) -> StaffTrainingFacts:
    return StaffTrainingFacts(
        hire_date=profile.hire_date,
        roles=tuple(sorted({r.role for r in profile.roles.all()})),
        trainings=tuple((t.topic, t.completed) for t in profile.trainings.all()),
    )


def consult_facts(profile: StaffProfile) -> tuple[ConsultFacts, ...]:
    """The consultation requests made to a senior medical professional (PS IV.A.2), for a
    profile loaded by ``staff_with_records``; dates are local (America/New_York)."""
    return tuple(
        ConsultFacts(ref=_ref(c), requested=timezone.localdate(c.requested_at),
                     answered=(timezone.localdate(c.responded_at), _ref(c))
                     if c.responded_at else None)
        for c in profile.consultations.all())


def subject_key(obj: Member | StaffProfile) -> str:
    """The key the interchange uses: the import key, or the database id."""
    return key_or_id(obj.key, obj.pk)


def chunked(iterable: Iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
