"""Turning stored records into the plain facts the rule book reads, set-based: a fixed number
of queries whatever the number of members."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from careplans.models import Assessment, AssessmentKind, CarePlan, CarePlanDelivery
from cares.base.staff.models import StaffProfile
from cares.base.staff.training import StaffTrainingFacts
from cares.deadlines.rules import (
    ClosureFacts,
    ConsultFacts,
    DeliveryFacts,
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
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter, LetterKind


def _ref(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


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
        Prefetch("contact_records", queryset=Contact.objects.filter(
            contact_mode__in=QUALIFYING_MODES).filter(Q(with_member=True)
                                                     | Q(with_guardian=True))
                 .only("pk", "member_id", "contact_at"), to_attr="qualifying_contacts"),
        Prefetch("hospital_stays", queryset=HospitalStay.objects.only(
            "pk", "member_id", "key", "admitted_on", "discharged_on", "follow_up_on")),
    ).order_by("pk")


def episode_facts(member: Member) -> list[tuple[Episode, MemberFacts]]:
    """Facts for each episode of a member loaded by ``members_with_records``. Records are
    assigned to the episode during which they are dated (from its referral to the next)."""
    episodes = list(member.episodes.all())
    if not episodes:
        return []
    starts = [e.referral_date for e in episodes]

    def episode_index(day: date) -> int:
        return max(bisect_right(starts, day) - 1, 0)

    per, deliveries = _records_per_episode(member, episode_index)
    letters = _letters_per_episode(member, episodes, episode_index)
    return [(episode, _member_facts(member, episode, per[i], deliveries,
                                    sorted(letters[(i, LetterKind.ENROLLMENT)]),
                                    sorted(letters[(i, LetterKind.TERMINATION)])))
            for i, episode in enumerate(episodes)]


def _records_per_episode(member: Member, episode_index: Callable[[date], int]
                         ) -> tuple[dict[int, dict[str, list]], dict[str, tuple]]:
    """The member's dated records, by episode and kind, and every ICP's deliveries."""
    per: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for a in member.assessments.all():
        bucket = "initial" if a.kind == AssessmentKind.INITIAL else "reassessments"
        per[episode_index(a.completed_on)][bucket].append((a.completed_on, _ref(a)))
    deliveries: dict[str, tuple[DeliveryFacts, ...]] = {}
    for plan in member.care_plans.all():
        per[episode_index(plan.finalized_on)]["icps"].append((plan.finalized_on, _ref(plan)))
        deliveries[_ref(plan)] = tuple(
            DeliveryFacts(d.language, d.medium, d.delivered_on, _ref(d))
            for d in plan.deliveries.all())
    for review in member.monitoring_reviews.all():
        per[episode_index(review.reviewed_on)]["monitoring"].append(
            (review.reviewed_on, _ref(review)))
    for contact in member.qualifying_contacts:  # reading 13
        on = timezone.localdate(contact.contact_at)
        per[episode_index(on)]["contacts"].append((on, _ref(contact)))
    for stay in member.hospital_stays.all():  # reading 14
        per[episode_index(stay.discharged_on or stay.admitted_on)]["stays"].append(StayFacts(
            key=str(stay.key or stay.pk), admitted=stay.admitted_on,
            discharged=stay.discharged_on,
            follow_up=(stay.follow_up_on, _ref(stay)) if stay.follow_up_on else None))
    for record in [*member.monitoring_reviews.all(), *member.assessments.all()]:  # reading 15
        if record.icp_update_needed and getattr(record, "kind", "") != AssessmentKind.INITIAL:
            on = getattr(record, "reviewed_on", None) or record.completed_on
            per[episode_index(on)]["icp_updates"].append((on, _ref(record)))
    for plan in member.transition_plans.all():
        per[episode_index(plan.recorded_on)]["transition"].append(
            (plan.recorded_on, _ref(plan)))
    for referral in member.referrals.all():
        per[episode_index(referral.referred_on)]["referrals"].append(referral_facts(referral))
        for inquiry in inquiry_facts(referral):
            per[episode_index(inquiry.received)]["inquiries"].append(inquiry)
        closure = closure_facts(referral)
        if closure is not None:
            per[episode_index(closure.closed)]["closures"].append(closure)
    return per, deliveries


def _letters_per_episode(member: Member, episodes: list[Episode],
                         episode_index: Callable[[date], int]) -> dict[tuple[int, str], list]:
    """Sent letters by (episode index, kind): the episode they name, else their date's."""
    letters: dict[tuple[int, str], list] = defaultdict(list)
    for letter in member.letters.all():
        index = next((i for i, e in enumerate(episodes) if e.pk == letter.episode_id), None)
        if index is None:
            index = episode_index(letter.sent_on)
        letters[(index, letter.kind)].append((letter.sent_on, _ref(letter)))
    return letters


def _member_facts(member: Member, episode: Episode, bucket: dict[str, list],
                  deliveries: dict[str, tuple], enrollment_letters: list,
                  termination_letters: list) -> MemberFacts:
    removal = getattr(episode, "removal", None)
    return MemberFacts(
        date_of_birth=member.date_of_birth,
        referral_date=episode.referral_date,
        primary_language=member.primary_language,
        enrollment_effective=episode.effective_date,
        enrollment_letter_sent=enrollment_letters[0] if enrollment_letters else None,
        initial_assessments=tuple(bucket["initial"]),
        reassessments=tuple(bucket["reassessments"]),
        finalized_icps=tuple(bucket["icps"]),
        deliveries_by_icp=deliveries,
        monitoring_reviews=tuple(bucket["monitoring"]),
        referrals=tuple(bucket["referrals"]),
        transition_plans=tuple(bucket["transition"]),
        removal_initiated=removal.initiated_on if removal else None,
        planned_termination_date=removal.planned_termination_date if removal else None,
        aftercare_plan=(removal.plan_completed_on, _ref(removal))
        if removal and removal.plan_completed_on else None,
        termination_date=episode.termination_date,
        termination_letter_sent=termination_letters[0] if termination_letters else None,
        referral_inquiries=tuple(bucket["inquiries"]),
        referral_closures=tuple(bucket["closures"]),
        closed_before_enrollment=(episode.closed_on, episode.closure_reason)
        if episode.closed_on else None,
        qualifying_contacts=tuple(bucket["contacts"]),
        hospital_stays=tuple(bucket["stays"]),
        icp_update_requests=tuple(bucket["icp_updates"]),
    )


def referral_facts(referral: ServiceReferral) -> ReferralFacts:
    """A referral's follow-up facts (PS VI.D.2.b); its follow-ups loaded with it."""
    follow_ups = sorted((f.followed_up_on, _ref(f)) for f in referral.follow_ups.all())
    return ReferralFacts(key=str(referral.key or referral.pk), scheduled=referral.scheduled_on,
                         follow_up=follow_ups[0] if follow_ups else None,
                         exception_reason=referral.exception_reason)


def inquiry_facts(referral: ServiceReferral) -> list[InquiryFacts]:
    """The status inquiries about a referral (CLR); its inquiries loaded with it."""
    key = str(referral.key or referral.pk)
    return [InquiryFacts(referral=key, number=i.pk, received=i.received_on,
                         answered=(i.answered_on, _ref(i)) if i.answered_on else None)
            for i in referral.inquiries.all()]


def closure_facts(referral: ServiceReferral) -> ClosureFacts | None:
    """CLR noticing, once the loop is closed: owed to a professional referrer only, and not
    when the decline was notified before the loop closed; satisfied by the first notice on or
    after the closure. Its notices loaded with it."""
    if referral.closed_on is None:
        return None
    key = str(referral.key or referral.pk)
    notices = sorted((n.sent_on, _ref(n)) for n in referral.notices.all())
    declined_notified = any(n.notice_kind == NoticeKind.DECLINE and n.sent_on <= referral.closed_on
                            for n in referral.notices.all())
    after = [n for n in notices if n[0] >= referral.closed_on]
    return ClosureFacts(
        referral=key, closed=referral.closed_on,
        owed=referral.referrer_kind == ReferrerKind.PROFESSIONAL and not declined_notified,
        notice=after[0] if after else None)


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
    return obj.key or str(obj.pk)


def chunked(iterable: Iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
