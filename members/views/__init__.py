"""Member pages, by topic: the caseload (``caseload``), intake and the member record
(``record``), each step of the enrollment lifecycle (``lifecycle``, PS VIII, IX), guardians,
care-team contacts and releases (``contacts``), and the provider and agency directory
(``directory``). The plumbing they share is ``members.pages``.

Thin: a page gets its member through ``members.access.member_view`` (404 outside one's care
teams, 403 on a page that writes for a user who may only read), a form validates, and one
service writes (``cares.base.toolkit.form_flow``). A refused step shows the service's reasons,
keeps the user's input and saves nothing.
"""

from members.views.caseload import CaseloadRow, member_list_view
from members.views.contacts import (
    contact_add_view,
    contact_remove_view,
    guardian_edit_view,
    release_add_view,
    release_revoke_view,
)
from members.views.directory import directory_edit_view, directory_list_view
from members.views.lifecycle import (
    aftercare_view,
    care_team_view,
    close_view,
    consent_view,
    eligibility_view,
    enroll_view,
    refer_view,
    removal_view,
    terminate_view,
)
from members.views.record import (
    Step,
    intake_view,
    member_detail_view,
    member_edit_view,
    next_steps,
    stepper,
)

__all__ = [
    "CaseloadRow", "Step", "aftercare_view", "care_team_view", "close_view", "consent_view",
    "contact_add_view", "contact_remove_view", "directory_edit_view", "directory_list_view",
    "eligibility_view", "enroll_view", "guardian_edit_view", "intake_view",
    "member_detail_view", "member_edit_view", "member_list_view", "next_steps", "refer_view",
    "release_add_view", "release_revoke_view", "removal_view", "stepper", "terminate_view",
]
