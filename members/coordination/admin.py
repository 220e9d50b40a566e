"""Admin for the care coordination records (support and data fixes by program directors).

Day-to-day work happens on the member pages, through the services. A referral's status and
its status-change rows are read-only here: status moves only along
``rules.REFERRAL_PIPELINE`` (``members.coordination.services``), each move with its row.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cares.base.toolkit import ReadOnlyAdmin
from members.coordination.models import (
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

MEMBER_SEARCH = ["member__legal_last_name", "member__legal_first_name",
                 "member__masshealth_id"]
REFERRAL_SEARCH = [f"referral__{f}" for f in MEMBER_SEARCH]


@admin.register(ServiceReferral)
class ServiceReferralAdmin(SimpleHistoryAdmin):
    list_display = ["member", "service", "provider", "status", "referred_on", "scheduled_on",
                    "closed_on"]
    list_filter = ["status", "referrer_kind", "closure_reason"]
    list_select_related = ["member", "provider"]
    search_fields = [*MEMBER_SEARCH, "service", "key"]
    readonly_fields = ["status", "status_changed_on", "decline_reason", "closure_reason",
                       "closed_on"]


@admin.register(ReferralStatusChange)
class ReferralStatusChangeAdmin(ReadOnlyAdmin):
    """Append-only: written by the services, never edited. The rows are the history (they
    keep no django-simple-history table), so ReadOnlyAdmin shows Django's own history page."""

    list_display = ["referral", "from_status", "to_status", "on", "reason", "changed_by",
                    "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["referral__member", "changed_by"]
    search_fields = REFERRAL_SEARCH


@admin.register(ReferralFollowUp)
class ReferralFollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["referral", "followed_up_on", "with_whom", "services_received", "met_need"]
    list_select_related = ["referral__member"]
    search_fields = REFERRAL_SEARCH


@admin.register(ReferralInquiry)
class ReferralInquiryAdmin(SimpleHistoryAdmin):
    list_display = ["referral", "received_on", "from_kind", "answered_on"]
    list_select_related = ["referral__member"]
    search_fields = REFERRAL_SEARCH


@admin.register(ReferralNotice)
class ReferralNoticeAdmin(SimpleHistoryAdmin):
    list_display = ["referral", "notice_kind", "sent_on", "sent_to", "notice_method"]
    list_filter = ["notice_kind"]
    list_select_related = ["referral__member"]
    search_fields = REFERRAL_SEARCH


@admin.register(MonitoringReview)
class MonitoringReviewAdmin(SimpleHistoryAdmin):
    list_display = ["member", "reviewed_on", "services_per_icp", "services_adequate",
                    "changes_reflected", "icp_update_needed"]
    list_select_related = ["member"]
    search_fields = MEMBER_SEARCH


@admin.register(TransitionPlan)
class TransitionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["member", "recorded_on", "updated_on", "guardianship_need"]
    list_select_related = ["member"]
    search_fields = MEMBER_SEARCH


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["member", "contact_at", "contact_mode", "participants"]
    list_filter = ["contact_mode"]
    list_select_related = ["member"]
    search_fields = MEMBER_SEARCH


@admin.register(OnCallCall)
class OnCallCallAdmin(SimpleHistoryAdmin):
    list_display = ["member", "called_at", "call_category", "triage_decision", "handled_by"]
    list_filter = ["call_category", "triage_decision"]
    list_select_related = ["member", "handled_by__user"]
    search_fields = MEMBER_SEARCH


@admin.register(CaseReview)
class CaseReviewAdmin(SimpleHistoryAdmin):
    list_display = ["member", "held_on", "meeting_mode", "member_attended",
                    "guardian_attended"]
    list_select_related = ["member"]
    search_fields = MEMBER_SEARCH


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(SimpleHistoryAdmin):
    list_display = ["member", "requested_at", "consultant", "responded_at"]
    list_select_related = ["member", "consultant__user"]
    search_fields = MEMBER_SEARCH


@admin.register(HospitalStay)
class HospitalStayAdmin(SimpleHistoryAdmin):
    """The decision on the suggested reassessment is made once, through the services."""

    list_display = ["member", "setting", "facility", "admitted_on", "discharged_on",
                    "follow_up_on", "reassessment"]
    list_filter = ["setting", "reassessment"]
    list_select_related = ["member", "facility"]
    search_fields = [*MEMBER_SEARCH, "key"]
    readonly_fields = ["reassessment", "reassessment_reason"]
