"""The plain values the member rules read (``rules.compute_member``), one episode at a time:
built from stored records by ``cares.deadlines.facts``, and by tests directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Event = tuple[date, str | None]  # (date, reference of the record)


@dataclass(frozen=True)
class ReferralFacts:
    key: str
    scheduled: date | None
    follow_up: Event | None = None
    exception_reason: str = ""


@dataclass(frozen=True)
class InquiryFacts:
    """An inquiry about a referral's status (CLR): answered within one business day."""

    referral: str  # the referral's key
    number: int  # tells the inquiries of one referral apart (the record id)
    received: date
    answered: Event | None = None


@dataclass(frozen=True)
class ClosureFacts:
    """A referral loop closed (CLR): the referring entity is notified of the closure reason
    within two business days, when a notice is owed at all (a professional referrer, and no
    notice of the decline went out before the closure)."""

    referral: str  # the referral's key
    closed: date
    owed: bool = True
    notice: Event | None = None


@dataclass(frozen=True)
class StayFacts:
    """A hospital stay or emergency-department visit (PS VI.B.1.i): its discharge starts a
    follow-up (reading 14)."""

    key: str
    admitted: date
    discharged: date | None = None
    follow_up: Event | None = None


@dataclass(frozen=True)
class DeliveryFacts:
    language: str
    medium: str
    on: date
    ref: str | None = None


@dataclass(frozen=True)
class MemberFacts:
    """What the member rules look at, for one episode (referral to termination)."""

    date_of_birth: date
    referral_date: date
    primary_language: str = "en"
    enrollment_effective: date | None = None
    enrollment_letter_sent: Event | None = None
    initial_assessments: tuple[Event, ...] = ()
    reassessments: tuple[Event, ...] = ()  # annual, significant change, abbreviated
    finalized_icps: tuple[Event, ...] = ()
    monitoring_reviews: tuple[Event, ...] = ()
    referrals: tuple[ReferralFacts, ...] = ()
    transition_plans: tuple[Event, ...] = ()
    removal_initiated: date | None = None
    planned_termination_date: date | None = None  # set when removal is initiated (PS IX)
    aftercare_plan: Event | None = None
    termination_date: date | None = None
    termination_letter_sent: Event | None = None
    deliveries_by_icp: dict = field(default_factory=dict)  # icp ref -> tuple[DeliveryFacts]
    referral_inquiries: tuple[InquiryFacts, ...] = ()
    referral_closures: tuple[ClosureFacts, ...] = ()
    # (closing date, reason key of CLOSED_BEFORE_ENROLLMENT_REASONS), reading 12
    closed_before_enrollment: tuple[date, str] | None = None
    # Reading 13: contacts that can satisfy ``member_contact`` (with the member or a
    # parent/guardian, in person or by telehealth); the others are not facts of any rule.
    qualifying_contacts: tuple[Event, ...] = ()
    hospital_stays: tuple[StayFacts, ...] = ()  # reading 14
    # Reading 15: monitoring reviews and reassessments that record that the ICP must be
    # updated, (date, reference of the review or reassessment).
    icp_update_requests: tuple[Event, ...] = ()
