"""The rule book's facts for many members at once, in a fixed number of queries whatever their
number: each query reads only the columns the facts need (``values_list``; no model
instances), for members chosen by id (callers pass chunks of up to a few thousand ids).

The rows fill the same plain ``MemberRecords`` as ``facts.member_records`` and go through the
same ``facts.facts_of_records``, so the facts are equal to ``facts.episode_facts`` of the same
members loaded by ``facts.members_with_records``; lists keep the orders that loader reads
(each model's ordering, within a member)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.base.staff.models import RoleAssignment, StaffProfile, Training
from cares.base.staff.training import StaffTrainingFacts
from cares.deadlines.facts import (
    QUALIFYING_CONTACTS,
    MemberRecords,
    ReferralRecord,
    closure_facts_of,
    episode_row,
    facts_of_records,
    inquiry_facts_of,
    key_or_id,
    ref_of,
    referral_facts_of,
    stay_facts_of,
)
from cares.deadlines.rows import LocalDays, NaiveUtc, rows
from cares.deadlines.rules import ConsultFacts, DeliveryFacts, MemberFacts
from members.models import (
    ConsultationRequest,
    Contact,
    Episode,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter

# A chunk of ids filling at least 1/DENSE of its id range is read by range and filtered here:
# cheaper than a long ``IN`` list, which Django prepares value by value for each query.
DENSE = 2


@dataclass(frozen=True)
class MemberEpisodes:
    member_id: int
    key: str  # subject key: the member's import key, else str(pk) (facts.subject_key)
    episodes: tuple[tuple[int, MemberFacts], ...]  # (episode id, facts), in episode order


def member_facts_in_bulk(member_ids: Sequence[int]) -> list[MemberEpisodes]:
    """In member-id order; members without episodes have episodes=()."""
    wanted = set(member_ids)
    ids = sorted(wanted)
    records: dict[int, MemberRecords] = {}
    keys: dict[int, str] = {}
    if ids:
        for pk, key, born, language in rows(
                Member.objects.filter(_of_members(ids, "pk")).order_by("pk")
                .values_list("pk", "key", "date_of_birth", "primary_language")):
            if pk in wanted:
                records[pk] = MemberRecords(date_of_birth=born, primary_language=language)
                keys[pk] = key_or_id(key, pk)
    if records:
        ids = list(records)
        _load_episodes(ids, records)
        _load_care(ids, records)
        _load_coordination(ids, records)
        _load_referrals(ids, records)
    return [MemberEpisodes(member_id=pk, key=keys[pk], episodes=tuple(zip(
        (e.pk for e in r.episodes), facts_of_records(r), strict=True)))
            for pk, r in records.items()]


@dataclass(frozen=True)
class StaffFacts:
    key: str  # subject key (facts.subject_key)
    training: StaffTrainingFacts  # facts.staff_facts
    consults: tuple[ConsultFacts, ...]  # facts.consult_facts


def staff_facts_in_bulk() -> list[StaffFacts]:
    """Every staff member's facts, by id, in four queries: equal to ``facts.staff_facts`` and
    ``facts.consult_facts`` of the staff loaded by ``facts.staff_with_records``."""
    roles: dict[int, set[str]] = defaultdict(set)
    for staff_id, role in rows(RoleAssignment.objects.order_by()
                               .values_list("staff_id", "role")):
        roles[staff_id].add(role)
    trainings: dict[int, list] = defaultdict(list)
    for staff_id, topic, completed in rows(Training.objects.order_by("completed", "topic")
                                           .values_list("staff_id", "topic", "completed")):
        trainings[staff_id].append((topic, completed))
    consults: dict[int, list[ConsultFacts]] = defaultdict(list)
    prefix = _prefix(ConsultationRequest)
    for staff_id, pk, requested, responded in rows(
            ConsultationRequest.objects.order_by("requested_at", "pk")
            .values_list("consultant_id", "pk", "requested_at", "responded_at")):
        consults[staff_id].append(ConsultFacts(
            ref=f"{prefix}{pk}", requested=timezone.localdate(requested),
            answered=(timezone.localdate(responded), f"{prefix}{pk}") if responded else None))
    return [StaffFacts(key=key_or_id(key, pk), training=StaffTrainingFacts(
        hire_date=hired, roles=tuple(sorted(roles[pk])), trainings=tuple(trainings[pk])),
        consults=tuple(consults[pk]))
            for pk, key, hired in rows(StaffProfile.objects.order_by("pk")
                                       .values_list("pk", "key", "hire_date"))]


def _of_members(ids: list[int], field: str = "member_id") -> Q:
    """Rows of the members ``ids`` (sorted) and, when read by range, of others between them:
    callers keep the rows of members in ``records`` only."""
    if ids[-1] - ids[0] < DENSE * len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


def _prefix(model) -> str:
    """``ref_of(model, pk)`` is this prefix followed by the id."""
    return ref_of(model, "")


def _load_episodes(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Episodes with their removal; sent letters."""
    for member_id, pk, referred, effective, terminated, closed_on, reason, *removal in rows(
            Episode.objects.filter(_of_members(ids)).order_by("referral_date", "pk")
            .values_list("member_id", "pk", "referral_date", "effective_date",
                         "termination_date", "closed_on", "closure_reason", "removal__pk",
                         "removal__initiated_on", "removal__planned_termination_date",
                         "removal__plan_completed_on")):
        if (record := records.get(member_id)) is not None:
            record.episodes.append(episode_row(
                pk, referred, effective, terminated, closed_on, reason,
                removal if removal[0] is not None else None))
    prefix = _prefix(Letter)
    for member_id, pk, episode_id, sent_on, kind in rows(
            Letter.objects.filter(_of_members(ids), sent_on__isnull=False).order_by()
            .values_list("member_id", "pk", "episode_id", "sent_on", "kind")):
        if (record := records.get(member_id)) is not None:
            record.letters.append((episode_id, sent_on, kind, f"{prefix}{pk}"))


def _load_care(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Completed assessments, finalized ICPs and their deliveries, monitoring reviews."""
    prefix = _prefix(Assessment)
    for member_id, pk, kind, on, needed in rows(
            Assessment.objects.filter(_of_members(ids), completed_on__isnull=False)
            .order_by("completed_on", "pk")
            .values_list("member_id", "pk", "kind", "completed_on", "icp_update_needed")):
        if (record := records.get(member_id)) is not None:
            record.assessments.append((on, kind, needed, f"{prefix}{pk}"))
    prefix = _prefix(CarePlan)
    plan_member: dict[int, int] = {}
    for member_id, pk, on in rows(
            CarePlan.objects.filter(_of_members(ids), finalized_on__isnull=False)
            .order_by("finalized_on", "version").values_list("member_id", "pk", "finalized_on")):
        if (record := records.get(member_id)) is not None:
            record.icps.append((on, f"{prefix}{pk}"))
            plan_member[pk] = member_id
    deliveries: dict[int, list[DeliveryFacts]] = {pk: [] for pk in plan_member}
    delivery = _prefix(CarePlanDelivery)
    for plan_id, language, medium, on, pk in rows(
            CarePlanDelivery.objects.filter(_of_members(ids, "care_plan__member_id"),
                                            care_plan__finalized_on__isnull=False)
            .order_by("delivered_on", "pk")
            .values_list("care_plan_id", "language", "medium", "delivered_on", "pk")):
        if (found := deliveries.get(plan_id)) is not None:
            found.append(DeliveryFacts(language, medium, on, f"{delivery}{pk}"))
    for plan_id, found in deliveries.items():
        records[plan_member[plan_id]].deliveries[f"{prefix}{plan_id}"] = tuple(found)
    prefix = _prefix(MonitoringReview)
    for member_id, pk, on, needed in rows(
            MonitoringReview.objects.filter(_of_members(ids)).order_by("reviewed_on", "pk")
            .values_list("member_id", "pk", "reviewed_on", "icp_update_needed")):
        if (record := records.get(member_id)) is not None:
            record.reviews.append((on, needed, f"{prefix}{pk}"))


def _load_coordination(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Qualifying contacts (their day: ``facts.contact_day``), hospital stays, transition
    plans."""
    prefix = _prefix(Contact)
    found = rows(Contact.objects.filter(QUALIFYING_CONTACTS, _of_members(ids))
                 .order_by("contact_at", "pk").annotate(at=NaiveUtc("contact_at"))
                 .values_list("member_id", "pk", "at"), naive_utc=True)
    for (member_id, pk, _at), day in zip(found, LocalDays().days([at for *_, at in found]),
                                         strict=True):
        if (record := records.get(member_id)) is not None:
            record.contacts.append((day, f"{prefix}{pk}"))
    for member_id, pk, key, admitted, discharged, follow_up in rows(
            HospitalStay.objects.filter(_of_members(ids)).order_by("admitted_on", "pk")
            .values_list("member_id", "pk", "key", "admitted_on", "discharged_on",
                         "follow_up_on")):
        if (record := records.get(member_id)) is not None:
            record.stays.append(stay_facts_of(key, pk, admitted, discharged, follow_up))
    prefix = _prefix(TransitionPlan)
    for member_id, pk, on in rows(
            TransitionPlan.objects.filter(_of_members(ids)).order_by("recorded_on", "pk")
            .values_list("member_id", "pk", "recorded_on")):
        if (record := records.get(member_id)) is not None:
            record.transition_plans.append((on, f"{prefix}{pk}"))


def _load_referrals(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Referrals with their follow-ups, status inquiries and notices."""
    of_members = _of_members(ids, "referral__member_id")
    follow_ups: dict[int, list] = defaultdict(list)
    prefix = _prefix(ReferralFollowUp)
    for referral_id, pk, on in rows(
            ReferralFollowUp.objects.filter(of_members).order_by()
            .values_list("referral_id", "pk", "followed_up_on")):
        follow_ups[referral_id].append((on, f"{prefix}{pk}"))
    inquiries: dict[int, list] = defaultdict(list)
    for referral_id, pk, received, answered in rows(
            ReferralInquiry.objects.filter(of_members).order_by("received_on", "pk")
            .values_list("referral_id", "pk", "received_on", "answered_on")):
        inquiries[referral_id].append((pk, received, answered))
    notices: dict[int, list] = defaultdict(list)
    prefix = _prefix(ReferralNotice)
    for referral_id, pk, sent_on, kind in rows(
            ReferralNotice.objects.filter(of_members).order_by()
            .values_list("referral_id", "pk", "sent_on", "notice_kind")):
        notices[referral_id].append((sent_on, f"{prefix}{pk}", kind))
    for member_id, pk, key, referred, scheduled, exception, closed_on, referrer_kind in rows(
            ServiceReferral.objects.filter(_of_members(ids)).order_by("referred_on", "pk")
            .values_list("member_id", "pk", "key", "referred_on", "scheduled_on",
                         "exception_reason", "closed_on", "referrer_kind")):
        if (record := records.get(member_id)) is None:
            continue
        name = key_or_id(key, pk)
        record.referrals.append(ReferralRecord(
            referred, referral_facts_of(key, pk, scheduled, exception, follow_ups[pk]),
            inquiry_facts_of(name, inquiries[pk]),
            closure_facts_of(name, closed_on, referrer_kind, notices[pk])))
