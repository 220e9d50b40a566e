"""Admin for member records, for support and data fixes by program directors.

Day-to-day work happens on the member pages, through the services. Here the episode status
and the status-change rows are read-only: status moves only along ``Episode.PIPELINE``
(``members.services``), each move with its row.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from cares.base.toolkit import ReadOnlyAdmin
from members.models import (
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatusChange,
    Guardian,
    Member,
    MemberContact,
    Provider,
    ReleaseOfInformation,
    Removal,
)
from members.services import member_record_problems

MEMBER_SEARCH = ["member__legal_last_name", "member__legal_first_name",
                 "member__masshealth_id"]
EPISODE_SEARCH = [f"episode__{f}" for f in MEMBER_SEARCH]


class MemberAdminForm(forms.ModelForm):
    """The intake rules hold in the admin too (issue 13.12): the same check as the pages.
    (``MemberAdmin`` builds the form's fields.)"""

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted values
        if not self.errors:
            for problem in member_record_problems(self.instance):
                self.add_error(getattr(problem, "field", None), ValidationError(str(problem)))


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = ["__str__", "date_of_birth", "masshealth_id", "city", "primary_language"]
    search_fields = ["legal_last_name", "legal_first_name", "preferred_name", "masshealth_id",
                     "key"]
    date_hierarchy = "date_of_birth"


@admin.register(Episode)
class EpisodeAdmin(SimpleHistoryAdmin):
    list_display = ["member", "status", "referral_date", "effective_date", "primary_contact",
                    "termination_date"]
    list_filter = ["status", "referral_source"]
    list_select_related = ["member", "primary_contact__user"]
    search_fields = MEMBER_SEARCH
    # Moved only by the lifecycle services (closing before enrollment included, reading 12).
    readonly_fields = ["status", "closed_on", "closure_reason"]


@admin.register(EpisodeStatusChange)
class EpisodeStatusChangeAdmin(ReadOnlyAdmin):
    """Append-only: written by the services, never edited."""

    list_display = ["episode", "from_status", "to_status", "on", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["episode__member", "changed_by"]
    search_fields = EPISODE_SEARCH


@admin.register(EligibilityEvaluation)
class EligibilityEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["episode", "evaluated_on", "evaluator", "eligible"]
    list_filter = ["eligible"]
    list_select_related = ["episode__member", "evaluator__user"]
    search_fields = EPISODE_SEARCH


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["episode", "educated_on", "education_mode", "consent_on", "consent_by"]
    list_select_related = ["episode__member"]
    search_fields = EPISODE_SEARCH


@admin.register(CareTeamMember)
class CareTeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ["member", "staff", "role", "since", "until"]
    list_filter = ["role"]
    list_select_related = ["member", "staff__user"]
    search_fields = [*MEMBER_SEARCH, "staff__user__last_name", "staff__user__email"]


@admin.register(Guardian)
class GuardianAdmin(SimpleHistoryAdmin):
    list_display = ["name", "relationship", "member", "legal_authority", "receives_letters"]
    list_filter = ["legal_authority", "receives_letters"]
    list_select_related = ["member"]
    search_fields = ["name", *MEMBER_SEARCH]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "person", "kind", "phone", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["organization", "person", "phone", "email"]


@admin.register(MemberContact)
class MemberContactAdmin(SimpleHistoryAdmin):
    list_display = ["member", "provider", "role"]
    list_filter = ["role"]
    list_select_related = ["member", "provider"]
    search_fields = [*MEMBER_SEARCH, "provider__organization", "provider__person"]


@admin.register(ReleaseOfInformation)
class ReleaseOfInformationAdmin(SimpleHistoryAdmin):
    list_display = ["member", "party", "signed_on", "expires_on", "revoked_on"]
    list_select_related = ["member"]
    search_fields = ["party", *MEMBER_SEARCH]


@admin.register(Removal)
class RemovalAdmin(SimpleHistoryAdmin):
    list_display = ["episode", "initiated_on", "reason", "planned_termination_date",
                    "plan_completed_on"]
    list_filter = ["reason"]
    list_select_related = ["episode__member"]
    search_fields = EPISODE_SEARCH


# The care coordination records (PS III, IV.A.2, VI.B-D) register their own admin.
from members.coordination import admin as coordination_admin  # noqa: E402, F401
