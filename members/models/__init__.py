"""Members and their enrollment lifecycle (PS I, VIII, IX), by topic: the member (``member``),
the episode with its steps and care team (``episode``), guardians, the directory and releases
(``people``), and removal of assignment (``removal``).

A member's assignment to CARES is an **episode**: referred -> evaluated (eligible or not) ->
consented -> enrolled -> removal initiated -> terminated. Status moves only along
``Episode.PIPELINE`` and only through ``members.services``; each move writes a status-change
row. Re-referral after termination starts a new episode and keeps the old one.
"""

# --- Care coordination records (PS III, IV.A.2, VI.B-D) -----------------------------------------
# Defined in members.coordination.models (this app's models, kept in their own package) and
# importable from here like every other model of the app.
from members.coordination.models import (  # noqa: E402, I001
    CaseReview,
    ConsultationRequest,
    Contact,
    HospitalStay,
    MonitoringReview,
    OnCallCall,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatusChange,
    ServiceReferral,
    TransitionPlan,
)
from members.coverage.models import (  # noqa: E402, I001
    AvailabilityHours,
    BackupCoverage,
    LeaveReason,
    MedicalTrainingSession,
    OnCallShift,
    StaffLeave,
    Supervision,
    Weekday,
)
from members.quality.models import (  # noqa: E402, I001
    Grievance,
    GrievanceFrom,
    GrievanceTopic,
    PacketStatus,
    QuestionKind,
    RecordPacket,
    RequestStatus,
    ResponseMode,
    ReviewKind,
    ReviewRequest,
    ReviewSubmission,
    SendMethod,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)
from members.models.episode import (
    CareTeamMember,
    EducationMode,
    EligibilityCriterion,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeClosureReason,
    EpisodeStatus,
    EpisodeStatusChange,
    ReferralSource,
)
from members.models.member import (
    ADULT_AGE,
    APPROACHING_21,
    INDEPENDENT_CHOICE_AGE,
    MAX_AGE,
    TRANSFER_TIMING_FROM_AGE,
    RENEWAL_LOOKAHEAD_DAYS,
    STATE_AGENCIES,
    TRANSITION_FROM_AGE,
    ContactPreference,
    Member,
    age_on,
    folded,
    masshealth_id_validator,
)
from members.models.people import (
    Guardian,
    LegalAuthority,
    MemberContact,
    Provider,
    ProviderKind,
    ReleaseOfInformation,
)
from members.models.removal import Removal, RemovalReason

__all__ = [
    "CareTeamMember", "EducationMode", "EligibilityCriterion", "EligibilityEvaluation",
    "Engagement", "Episode", "EpisodeClosureReason", "EpisodeStatus", "EpisodeStatusChange",
    "Guardian", "LegalAuthority", "Member", "MemberContact", "Provider", "ProviderKind",
    "ReferralSource", "ReleaseOfInformation", "Removal", "RemovalReason", "age_on", "folded",
    "masshealth_id_validator", "ADULT_AGE", "APPROACHING_21", "INDEPENDENT_CHOICE_AGE", "MAX_AGE",
    "TRANSFER_TIMING_FROM_AGE", "TRANSITION_FROM_AGE", "RENEWAL_LOOKAHEAD_DAYS",
    "STATE_AGENCIES", "ContactPreference",
    "CaseReview", "ConsultationRequest", "Contact", "HospitalStay", "MonitoringReview",
    "OnCallCall",
    "ReferralFollowUp", "ReferralInquiry", "ReferralNotice", "ReferralStatusChange",
    "ServiceReferral", "TransitionPlan",
    "AvailabilityHours", "BackupCoverage", "LeaveReason", "MedicalTrainingSession",
    "OnCallShift", "StaffLeave", "Supervision", "Weekday",
    "Grievance", "GrievanceFrom", "GrievanceTopic", "PacketStatus", "QuestionKind",
    "RecordPacket", "RequestStatus", "ResponseMode", "ReviewKind", "ReviewRequest",
    "ReviewSubmission", "SendMethod", "SurveyAnswer", "SurveyQuestion", "SurveyResponse",
    "SurveyRound",
]
