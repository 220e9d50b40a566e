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

from django.utils import timezone

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.deadlines.facts import (
    QUALIFYING_CONTACTS,
    MemberRecords,
    ReferralRecord,
    closure_facts_of,
    contact_day,
    episode_row,
    facts_of_records,
    inquiry_facts_of,
    key_or_id,
    ref_of,
    referral_facts_of,
    stay_facts_of,
)
from cares.deadlines.rules import DeliveryFacts, MemberFacts
from members.models import (
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


@dataclass(frozen=True)
class MemberEpisodes:
    member_id: int
    key: str  # subject key: the member's import key, else str(pk) (facts.subject_key)
    episodes: tuple[tuple[int, MemberFacts], ...]  # (episode id, facts), in episode order


def member_facts_in_bulk(member_ids: Sequence[int]) -> list[MemberEpisodes]:
    """In member-id order; members without episodes have episodes=()."""
    ids = sorted(set(member_ids))
    records: dict[int, MemberRecords] = {}
    keys: dict[int, str] = {}
    for pk, key, born, language in Member.objects.filter(pk__in=ids).order_by("pk").values_list(
            "pk", "key", "date_of_birth", "primary_language"):
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


def _load_episodes(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Episodes with their removal; sent letters."""
    for member_id, pk, referred, effective, terminated, closed_on, reason, *removal in (
            Episode.objects.filter(member_id__in=ids).order_by("referral_date", "pk")
            .values_list("member_id", "pk", "referral_date", "effective_date",
                         "termination_date", "closed_on", "closure_reason", "removal__pk",
                         "removal__initiated_on", "removal__planned_termination_date",
                         "removal__plan_completed_on")):
        records[member_id].episodes.append(episode_row(
            pk, referred, effective, terminated, closed_on, reason,
            removal if removal[0] is not None else None))
    for member_id, pk, episode_id, sent_on, kind in (
            Letter.objects.filter(member_id__in=ids, sent_on__isnull=False).order_by()
            .values_list("member_id", "pk", "episode_id", "sent_on", "kind")):
        records[member_id].letters.append((episode_id, sent_on, kind, ref_of(Letter, pk)))


def _load_care(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Completed assessments, finalized ICPs and their deliveries, monitoring reviews."""
    for member_id, pk, kind, on, needed in (
            Assessment.objects.filter(member_id__in=ids, completed_on__isnull=False)
            .order_by("completed_on", "pk")
            .values_list("member_id", "pk", "kind", "completed_on", "icp_update_needed")):
        records[member_id].assessments.append((on, kind, needed, ref_of(Assessment, pk)))
    plan_member: dict[int, int] = {}
    for member_id, pk, on in (
            CarePlan.objects.filter(member_id__in=ids, finalized_on__isnull=False)
            .order_by("finalized_on", "version").values_list("member_id", "pk", "finalized_on")):
        records[member_id].icps.append((on, ref_of(CarePlan, pk)))
        plan_member[pk] = member_id
    deliveries: dict[int, list[DeliveryFacts]] = {pk: [] for pk in plan_member}
    for plan_id, language, medium, on, pk in (
            CarePlanDelivery.objects.filter(care_plan__member_id__in=ids,
                                            care_plan__finalized_on__isnull=False)
            .order_by("delivered_on", "pk")
            .values_list("care_plan_id", "language", "medium", "delivered_on", "pk")):
        deliveries[plan_id].append(DeliveryFacts(language, medium, on,
                                                 ref_of(CarePlanDelivery, pk)))
    for plan_id, found in deliveries.items():
        records[plan_member[plan_id]].deliveries[ref_of(CarePlan, plan_id)] = tuple(found)
    for member_id, pk, on, needed in (
            MonitoringReview.objects.filter(member_id__in=ids).order_by("reviewed_on", "pk")
            .values_list("member_id", "pk", "reviewed_on", "icp_update_needed")):
        records[member_id].reviews.append((on, needed, ref_of(MonitoringReview, pk)))


def _load_coordination(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Qualifying contacts, hospital stays, transition plans."""
    zone = timezone.get_current_timezone()
    for member_id, pk, at in (
            Contact.objects.filter(QUALIFYING_CONTACTS, member_id__in=ids)
            .order_by("contact_at", "pk").values_list("member_id", "pk", "contact_at")):
        records[member_id].contacts.append((contact_day(at, zone), ref_of(Contact, pk)))
    for member_id, pk, key, admitted, discharged, follow_up in (
            HospitalStay.objects.filter(member_id__in=ids).order_by("admitted_on", "pk")
            .values_list("member_id", "pk", "key", "admitted_on", "discharged_on",
                         "follow_up_on")):
        records[member_id].stays.append(
            stay_facts_of(key, pk, admitted, discharged, follow_up))
    for member_id, pk, on in (
            TransitionPlan.objects.filter(member_id__in=ids).order_by("recorded_on", "pk")
            .values_list("member_id", "pk", "recorded_on")):
        records[member_id].transition_plans.append((on, ref_of(TransitionPlan, pk)))


def _load_referrals(ids: list[int], records: dict[int, MemberRecords]) -> None:
    """Referrals with their follow-ups, status inquiries and notices."""
    follow_ups: dict[int, list] = defaultdict(list)
    for referral_id, pk, on in (
            ReferralFollowUp.objects.filter(referral__member_id__in=ids).order_by()
            .values_list("referral_id", "pk", "followed_up_on")):
        follow_ups[referral_id].append((on, ref_of(ReferralFollowUp, pk)))
    inquiries: dict[int, list] = defaultdict(list)
    for referral_id, pk, received, answered in (
            ReferralInquiry.objects.filter(referral__member_id__in=ids)
            .order_by("received_on", "pk")
            .values_list("referral_id", "pk", "received_on", "answered_on")):
        inquiries[referral_id].append((pk, received, answered))
    notices: dict[int, list] = defaultdict(list)
    for referral_id, pk, sent_on, kind in (
            ReferralNotice.objects.filter(referral__member_id__in=ids).order_by()
            .values_list("referral_id", "pk", "sent_on", "notice_kind")):
        notices[referral_id].append((sent_on, ref_of(ReferralNotice, pk), kind))
    for member_id, pk, key, referred, scheduled, exception, closed_on, referrer_kind in (
            ServiceReferral.objects.filter(member_id__in=ids).order_by("referred_on", "pk")
            .values_list("member_id", "pk", "key", "referred_on", "scheduled_on",
                         "exception_reason", "closed_on", "referrer_kind")):
        name = key_or_id(key, pk)
        records[member_id].referrals.append(ReferralRecord(
            referred, referral_facts_of(key, pk, scheduled, exception, follow_ups[pk]),
            inquiry_facts_of(name, inquiries[pk]),
            closure_facts_of(name, closed_on, referrer_kind, notices[pk])))
