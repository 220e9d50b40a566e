"""Writes to the care coordination records (PS III, IV.A.2, VI.B-D; CLR), by topic:
``referrals`` (with follow-ups, exceptions, inquiries and notices), ``monitoring``,
``transition_plans``, ``contacts``, ``hospital_stays``, ``on_call``, ``case_reviews`` and
``consultations``.

As in ``members.services``: each function checks its preconditions and refuses with a clear
message (``cares.base.toolkit.Refusal``), writing nothing; every change writes an audit event
(``save_and_audit``); a change that moves a deadline tells the deadline engine through
``cares.base.events`` (``member_facts_changed``, or for a consultation
``staff_facts_changed`` of the senior medical professional asked). A referral's status moves
only along ``rules.REFERRAL_PIPELINE``, each move recorded with its date and author.
"""

from members.coordination.services.case_reviews import case_review_record
from members.coordination.services.consultations import (
    consult_request,
    consult_respond,
    consultant_problems,
)
from members.coordination.services.contacts import contact_record
from members.coordination.services.hospital_stays import (
    hospital_stay_discharge,
    hospital_stay_follow_up,
    hospital_stay_reassessment_decide,
    hospital_stay_record,
)
from members.coordination.services.monitoring import monitoring_link_icp, monitoring_review_record
from members.coordination.services.on_call import on_call_record
from members.coordination.services.referrals import (
    REFERRAL_FIELDS,
    referral_create,
    referral_exception_record,
    referral_follow_up_record,
    referral_inquiry_answer,
    referral_inquiry_record,
    referral_notice_record,
    referral_status_change,
    referral_update,
)
from members.coordination.services.transition_plans import (
    TRANSFER_TIMING_FROM_AGE,
    TRANSITION_FIELDS,
    TRANSITION_FROM_AGE,
    transition_plan_of,
    transition_plan_save,
)

__all__ = [
    "REFERRAL_FIELDS", "TRANSFER_TIMING_FROM_AGE", "TRANSITION_FIELDS", "TRANSITION_FROM_AGE",
    "case_review_record", "consult_request", "consult_respond", "consultant_problems",
    "contact_record", "hospital_stay_discharge", "hospital_stay_follow_up",
    "hospital_stay_reassessment_decide", "hospital_stay_record", "monitoring_link_icp",
    "monitoring_review_record", "on_call_record",
    "referral_create", "referral_exception_record", "referral_follow_up_record",
    "referral_inquiry_answer", "referral_inquiry_record", "referral_notice_record",
    "referral_status_change", "referral_update", "transition_plan_of", "transition_plan_save",
]
