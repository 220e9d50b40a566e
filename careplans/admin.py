"""Admin for assessments and care plans, for support by program directors.

Day-to-day work happens on the care plan pages, through the services. Finalized ICP versions,
completed assessments and responder link uses are read only here; the models refuse changes
to a finalized version and its parts anyway."""

from __future__ import annotations

from django.contrib import admin

from careplans.models import (
    Assessment,
    CarePlan,
    CarePlanCopy,
    CarePlanDelivery,
    CarePlanShare,
    EmergencyAccessLink,
    EmergencyAccessUse,
)
from cares.base.toolkit import ReadOnlyAdmin

MEMBER_SEARCH = ["member__legal_last_name", "member__legal_first_name",
                 "member__masshealth_id"]
PLAN_SEARCH = [f"care_plan__{f}" for f in MEMBER_SEARCH]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "completed_on", "completed_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["member", "completed_by__user"]
    search_fields = MEMBER_SEARCH


@admin.register(CarePlan)
class CarePlanAdmin(ReadOnlyAdmin):
    list_display = ["member", "version", "status", "meeting_on", "finalized_on",
                    "finalized_by"]
    list_filter = ["status"]
    list_select_related = ["member", "finalized_by"]
    search_fields = MEMBER_SEARCH


@admin.register(CarePlanShare)
class CarePlanShareAdmin(ReadOnlyAdmin):
    list_display = ["care_plan", "recipient_kind", "recipient", "shared_on"]
    list_select_related = ["care_plan__member"]
    search_fields = PLAN_SEARCH


@admin.register(CarePlanCopy)
class CarePlanCopyAdmin(ReadOnlyAdmin):
    list_display = ["care_plan", "language", "source", "created_at"]
    list_select_related = ["care_plan__member"]
    search_fields = PLAN_SEARCH


@admin.register(CarePlanDelivery)
class CarePlanDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["care_plan", "language", "medium", "delivered_on", "recipient"]
    list_filter = ["medium"]
    list_select_related = ["care_plan__member"]
    search_fields = PLAN_SEARCH


@admin.register(EmergencyAccessLink)
class EmergencyAccessLinkAdmin(ReadOnlyAdmin):
    list_display = ["member", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["member"]
    search_fields = MEMBER_SEARCH
    exclude = ["token_sha256"]


@admin.register(EmergencyAccessUse)
class EmergencyAccessUseAdmin(admin.ModelAdmin):
    list_display = ["link", "at", "client_address", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["link__member"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
