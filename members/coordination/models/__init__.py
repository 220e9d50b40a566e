"""Care coordination records (PS III, IV.A.2, VI.B-D; the closed-loop referral FAQ, "CLR"), by
topic: ``referrals`` (with their status changes, follow-ups, inquiries and notices),
``monitoring``, ``transition_plans``, ``contact_notes``, ``on_call``, ``case_reviews`` and
``consultations``.

The models belong to the ``members`` app (``members.models`` re-exports them). Referrals,
follow-ups, monitoring reviews and transition plans are the core the deadline engine reads
(``cares.deadlines.facts``).
"""

from members.coordination.models.case_reviews import CaseReview, MeetingMode
from members.coordination.models.consultations import ConsultationRequest, ConsultMode
from members.coordination.models.contact_notes import ContactMode, ContactNote
from members.coordination.models.monitoring import MonitoringReview
from members.coordination.models.on_call import CallCategory, OnCallCall, TriageDecision
from members.coordination.models.referrals import (
    ClosureReason,
    DeclineReason,
    ExceptionKind,
    FollowUpWith,
    InquiryFrom,
    NoticeKind,
    NoticeMethod,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerKind,
    ServiceReferral,
)
from members.coordination.models.transition_plans import GuardianshipNeed, TransitionPlan

__all__ = [
    "CallCategory", "CaseReview", "ClosureReason", "ConsultMode", "ConsultationRequest",
    "ContactMode", "ContactNote", "DeclineReason", "ExceptionKind", "FollowUpWith",
    "GuardianshipNeed", "InquiryFrom", "MeetingMode", "MonitoringReview", "NoticeKind",
    "NoticeMethod", "OnCallCall", "ReferralFollowUp", "ReferralInquiry", "ReferralNotice",
    "ReferralStatus", "ReferralStatusChange", "ReferrerKind", "ServiceReferral",
    "TransitionPlan", "TriageDecision",
]
