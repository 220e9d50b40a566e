"""Care coordination records (PS III, IV.A.2, VI.B-D; the closed-loop referral FAQ, "CLR"), by
topic: ``referrals`` (with their status changes, follow-ups, inquiries and notices),
``monitoring``, ``transition_plans``, ``contacts``, ``hospital_stays``, ``on_call``,
``case_reviews`` and
``consultations``.

The models belong to the ``members`` app (``members.models`` re-exports them). Referrals,
follow-ups, monitoring reviews and transition plans are the core the deadline engine reads
(``cares.deadlines.facts``).
"""

from members.coordination.models.case_reviews import CaseReview, MeetingMode
from members.coordination.models.consultations import ConsultationRequest, ConsultMode
from members.coordination.models.contacts import (
    CONTACT_PARTIES,
    QUALIFYING_MODES,
    Contact,
    ContactMode,
)
from members.coordination.models.hospital_stays import (
    HospitalStay,
    ReassessmentDecision,
    StaySetting,
)
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
    "CONTACT_PARTIES", "QUALIFYING_MODES", "CallCategory", "CaseReview", "ClosureReason",
    "ConsultMode", "ConsultationRequest", "Contact", "ContactMode",
    "DeclineReason", "ExceptionKind", "FollowUpWith", "GuardianshipNeed", "HospitalStay",
    "InquiryFrom", "MeetingMode", "MonitoringReview", "NoticeKind", "NoticeMethod", "OnCallCall",
    "ReassessmentDecision", "ReferralFollowUp", "ReferralInquiry", "ReferralNotice",
    "ReferralStatus", "ReferralStatusChange", "ReferrerKind", "ServiceReferral", "StaySetting",
    "TransitionPlan", "TriageDecision",
]
