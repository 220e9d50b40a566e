"""Writes to member records and the enrollment lifecycle (PS VIII, IX), by topic:

- ``common``: the roles and ages checked, row locks, the one way a status moves;
- ``record``: the member's own record; ``intake``: referral, eligibility, consent;
- ``enrollment``: enrollment and the care team; ``releases``: releases of information;
- ``removal``: removal of assignment, the aftercare plan, termination;
- ``closing``: closing an episode before enrollment.

Each step checks its preconditions and refuses with a clear message
(``cares.base.toolkit.Refusal``); nothing is written on refusal. The status of an episode
moves only along ``Episode.PIPELINE`` and each move is recorded with its date and author.
The deadline engine and ``notices`` hear of what changed through ``cares.base.events``.
"""

from members.models import INDEPENDENT_CHOICE_AGE, MAX_AGE
from members.services.closing import close_episode, episode_close
from members.services.common import (
    EVALUATOR_ROLES,
    PRIMARY_CONTACT_ROLES,
    current_episode,
    facts_changed,
    lock,
    lock_member,
    move,
)
from members.services.enrollment import (
    care_team_change,
    care_team_set,
    enrollment_create,
    primary_contact_problems,
    primary_contact_role,
    primary_contact_role_problems,
    primary_contact_roles_held,
    team_problems,
)
from members.services.intake import (
    eligibility_record,
    engagement_record,
    intake_create,
    referral_create,
    referral_problems,
)
from members.services.record import member_record_problems, member_save
from members.services.releases import release_revoke, release_save
from members.services.removal import (
    AFTERCARE_FIELDS,
    aftercare_missing_reasons,
    aftercare_update,
    independent_choice_problems,
    removal_initiate,
    removal_reason_problems,
    termination_complete,
    turns_21_before_removal,
)

__all__ = [
    "AFTERCARE_FIELDS", "EVALUATOR_ROLES", "INDEPENDENT_CHOICE_AGE", "MAX_AGE",
    "PRIMARY_CONTACT_ROLES",
    "aftercare_missing_reasons", "aftercare_update", "care_team_change", "care_team_set",
    "close_episode",
    "current_episode", "eligibility_record", "engagement_record", "enrollment_create",
    "episode_close", "facts_changed", "intake_create", "lock", "lock_member", "member_save",
    "member_record_problems", "move", "primary_contact_problems", "primary_contact_role",
    "primary_contact_role_problems", "primary_contact_roles_held", "independent_choice_problems",
    "referral_create", "referral_problems", "release_revoke", "release_save",
    "removal_initiate", "removal_reason_problems", "team_problems", "termination_complete",
    "turns_21_before_removal",
]
