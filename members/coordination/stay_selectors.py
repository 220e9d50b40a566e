"""Reads of hospital stays and emergency-department visits (PS VI.B.1.i), each with a fixed
number of queries: the member page's list, the stay page and the timeline entries."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.utils.translation import gettext as _

from cares.base import events
from members.coordination.models import HospitalStay
from members.models import Member
from members.timeline import TimelineEvent

CITATION = "PS VI.B.1.i"


def member_stays(member: Member) -> list[HospitalStay]:
    """The member's stays, the ones in progress first, then the latest admitted (one
    query)."""
    return list(member.hospital_stays.select_related("facility").order_by(
        F("discharged_on").desc(nulls_first=True), "-admitted_on", "-pk"))


def stay_ref(stay: HospitalStay) -> str:
    """How the stored ``discharge_follow_up`` deadline names the stay (its import key, or its
    id as text)."""
    return str(stay.key or stay.pk)


def stay_for_page(member: Member, stay_id: int) -> HospitalStay | None:
    """One of the member's stays with what its page shows: the facility, the ICP shares
    naming it, the reassessments started after it (three queries)."""
    shares_model = HospitalStay._meta.get_field("icp_shares").related_model
    return (member.hospital_stays.select_related("facility", "recorded_by")
            .prefetch_related(
                Prefetch("icp_shares", queryset=shares_model.objects.order_by("shared_on",
                                                                               "pk")),
                "reassessments")
            .filter(pk=stay_id).first())


def follow_up_deadline(member: Member, stay: HospitalStay):
    """The stay's stored ``discharge_follow_up`` deadline, or ``None`` (none before a
    discharge or before the enrollment; deadlines.md reading 14)."""
    ref = stay_ref(stay)
    return next((d for d in events.ask(events.member_deadlines, member=member)
                 if d.rule == "discharge_follow_up" and d.ref == ref), None)


def finalized_icp(member: Member):
    """The member's latest finalized ICP version, the one shared with a discharge team
    (``careplans.CarePlan``, reached through the reverse relation), or ``None``."""
    return member.care_plans.filter(finalized_on__isnull=False).order_by("-version").first()


def _place(stay: HospitalStay) -> str:
    return str(stay.facility) if stay.facility_id else ""


def stay_events(stays: list[HospitalStay], *, clinical: bool) -> list[TimelineEvent]:
    """Timeline entries for the admissions, discharges and follow-ups. Without ``clinical``
    the reason, the follow-up notes and why no reassessment was needed are left out."""
    out: list[TimelineEvent] = []
    for stay in stays:
        out.append(TimelineEvent(
            stay.admitted_on, _("Hospital: %(setting)s") % {
                "setting": stay.get_setting_display()},
            " · ".join(p for p in (_place(stay), stay.reason if clinical else "") if p),
            CITATION))
        if stay.discharged_on:
            out.append(TimelineEvent(stay.discharged_on, _("Discharged from the hospital"),
                                     _place(stay), CITATION))
        if stay.follow_up_on:
            out.append(TimelineEvent(stay.follow_up_on, _("Follow-up after the discharge"),
                                     stay.follow_up_notes if clinical else "", CITATION))
    return out
