"""Intake (PS VIII): the referral that starts an episode, the eligibility evaluation
(PS I) and the family's education and consent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import StaffProfile, User
from cares.base.toolkit import FieldProblem, Refusal, not_future, refuse, save_and_audit
from members.models import (
    MAX_AGE,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeClosureReason,
    EpisodeStatus,
    EpisodeStatusChange,
    Guardian,
    Member,
    age_on,
)
from members.services.closing import close_episode
from members.services.common import (
    EVALUATOR_ROLES,
    PRIMARY_CONTACT_ROLES,
    current_episode,
    facts_changed,
    lock,
    lock_member,
    move,
)
from members.services.enrollment import care_team_set
from members.services.record import member_save

SOURCE_MAX = 200  # characters of one criterion's source
ADULT_AGE = 18  # a member consents for themselves from their 18th birthday

# --- Referral ---------------------------------------------------------------------------------


def referral_problems(member: Member, referral_date: date) -> list[str]:
    """Why ``member`` cannot be referred on ``referral_date``: under 21 that day, born by
    then, and no open episode nor a later termination (PS VIII)."""
    problems: list[str] = []
    not_future(referral_date, _("The referral date"), problems, "referral_date")
    if member.date_of_birth and referral_date < member.date_of_birth:
        problems.append(FieldProblem(
            _("The referral date is before the member's date of birth."), "referral_date"))
    elif member.date_of_birth and age_on(member.date_of_birth, referral_date) >= MAX_AGE:
        problems.append(FieldProblem(
            _("The member must be under 21 on the referral date; they turned 21 on "
              "%(date)s.") % {"date": member.birthday_21.isoformat()}, "referral_date"))
    if member.pk:
        open_episode = member.episodes.exclude(status__in=Episode.CLOSED).first()
        if open_episode:
            problems.append(_("The member already has an open episode (%(status)s since "
                              "%(date)s); remove the assignment before a new referral.")
                            % {"status": open_episode.get_status_display().lower(),
                               "date": open_episode.referral_date.isoformat()})
        last = current_episode(member)
        if last and last.termination_date and referral_date < last.termination_date:
            problems.append(_("A new referral cannot predate the previous termination "
                              "(%(date)s).") % {"date": last.termination_date.isoformat()})
    return problems


@transaction.atomic
def referral_create(*, member: Member, referral_date: date, referral_source: str,
                    referring_entity: str = "", referring_contact=None,
                    actor: User | None = None) -> Episode:
    """Refer or identify a member into CARES: a new episode (PS VIII).

    The member must be under 21 on the referral date and have no open episode.
    """
    lock_member(member)
    refuse(referral_problems(member, referral_date))
    if member.pk is None:
        member_save(member=member, actor=actor)
    episode = Episode(member=member, referral_date=referral_date,
                      referral_source=referral_source, referring_entity=referring_entity,
                      referring_contact=referring_contact)
    episode.full_clean()
    episode.save()
    audit_change(action=Action.CREATE, obj=episode, member=member, actor=actor)
    facts_changed(member.pk)
    EpisodeStatusChange.objects.create(episode=episode, to_status=EpisodeStatus.REFERRED,
                                       on=referral_date, changed_by=actor)
    return episode


@transaction.atomic
def intake_create(*, member: Member, referral_date: date, referral_source: str,
                  referring_entity: str = "", referring_contact=None,
                  assigned_to: StaffProfile | None = None,
                  guardians: Sequence[Mapping] = (),
                  actor: User | None = None) -> Episode:
    """A new member and their referral, together or not at all.

    ``guardians``: the field values of each parent or guardian entered with the intake,
    saved with the member (each validated in full) or, like everything else, not at all.

    ``assigned_to`` (an active care coordinator or senior care manager, usually the person
    taking the referral) joins the care team from the referral date so they can work the
    referral; enrollment then sets the team.
    """
    member.full_clean()
    role = None
    if assigned_to is not None:
        held = [r.role for r in assigned_to.roles.all() if not r.is_backup]
        role = next((r for r in PRIMARY_CONTACT_ROLES if r in held), None)
        if not assigned_to.active or role is None:
            raise Refusal(
                _("%(name)s is not an active care coordinator or senior care manager, so "
                  "cannot be assigned the referral.") % {"name": assigned_to})
    episode = referral_create(member=member, referral_date=referral_date,
                              referral_source=referral_source,
                              referring_entity=referring_entity,
                              referring_contact=referring_contact, actor=actor)
    if assigned_to is not None:
        care_team_set(member=episode.member, on=referral_date, team=[(assigned_to, role)],
                      actor=actor)
    for values in guardians:
        save_and_audit(Guardian(member=episode.member, **values), actor=actor,
                       member=episode.member_id)
    return episode


# --- Eligibility ------------------------------------------------------------------------------

@transaction.atomic
def eligibility_record(*, episode: Episode, evaluated_on: date, evaluator: StaffProfile,
                       criteria: Sequence[str], eligible: bool, rationale: str,
                       criteria_met: Sequence[str] | None = None,
                       sources: Mapping[str, str] | None = None,
                       actor: User | None = None) -> EligibilityEvaluation:
    """Document the eligibility evaluation (PS I, VIII; the clinical criteria of 130 CMR
    433.485): the criteria considered, those met (all of them when not given) and each
    finding's source. "Eligible" needs at least one criterion met. A member found not
    eligible closes the episode before enrollment with the reason ``ineligible`` (reading
    12), the same closing as ``episode_close``."""
    lock(episode)
    met = list(criteria if criteria_met is None else criteria_met)
    considered = list(dict.fromkeys([*criteria, *met]))
    sources = {code: text.strip() for code, text in (sources or {}).items() if text.strip()}
    problems: list[str] = _criteria_problems(considered, met, sources, eligible)
    if episode.status != EpisodeStatus.REFERRED:
        problems.append(_("Eligibility is evaluated once, right after referral; this episode "
                          "is %(status)s.") % {"status": episode.get_status_display().lower()})
    if evaluated_on < episode.referral_date:
        problems.append(FieldProblem(
            _("The evaluation date is before the referral date (%(date)s).")
            % {"date": episode.referral_date.isoformat()}, "evaluated_on"))
    not_future(evaluated_on, _("The evaluation date"), problems, "evaluated_on")
    if not (rationale or "").strip():
        problems.append(FieldProblem(_("Record the rationale for the decision."), "rationale"))
    if not evaluator.active or not evaluator.roles.filter(role__in=EVALUATOR_ROLES).exists():
        problems.append(_("%(name)s is not an active clinical staff member who can evaluate "
                          "eligibility.") % {"name": evaluator})
    refuse(problems)
    evaluation = EligibilityEvaluation.objects.create(
        episode=episode, evaluated_on=evaluated_on, evaluator=evaluator,
        criteria=considered, criteria_met=met, sources=sources, eligible=eligible,
        rationale=rationale.strip())
    audit_change(action=Action.CREATE, obj=evaluation, member=episode.member_id, actor=actor)
    if eligible:
        move(episode, EpisodeStatus.ELIGIBLE, on=evaluated_on, actor=actor)
    else:
        # The rationale stays on the evaluation (clinical detail, PS I).
        close_episode(episode, on=evaluated_on, reason=EpisodeClosureReason.INELIGIBLE,
                      note="", actor=actor)
    return evaluation


def _criteria_problems(criteria: list[str], met: list[str], sources: dict[str, str],
                       eligible: bool) -> list[str]:
    problems: list[str] = []
    if not criteria:
        problems.append(FieldProblem(_("Record the criteria considered."), "criteria"))
    if any(len(text) > SOURCE_MAX for text in sources.values()):
        problems.append(FieldProblem(_("A source is at most %(n)s characters.")
                                     % {"n": SOURCE_MAX}, "criteria"))
    if eligible and not met:
        problems.append(FieldProblem(
            _("“Eligible” needs at least one criterion met: mark the criteria the member "
              "meets, or record the decision as not eligible."), "criteria"))
    return problems


# --- Engagement and consent -------------------------------------------------------------------

@transaction.atomic
def engagement_record(*, episode: Episode, educated_on: date, education_mode: str,
                      rights_given_on: date, choice_explained_on: date, consent_on: date,
                      consent_by: str, consent_relationship: str, by_member: bool = False,
                      actor: User | None = None) -> Engagement:
    """Education, rights, right to choose, and consent to receive services (PS VIII).

    ``by_member``: the member consented for themselves, which they may from age 18."""
    lock(episode)
    problems: list[str] = []
    if episode.status != EpisodeStatus.ELIGIBLE:
        problems.append(_("Consent follows a positive eligibility evaluation; this episode is "
                          "%(status)s.") % {"status": episode.get_status_display().lower()})
    steps = ((educated_on, _("The education date"), "educated_on"),
             (rights_given_on, _("The date rights were given"), "rights_given_on"),
             (choice_explained_on, _("The date the right to choose was explained"),
              "choice_explained_on"),
             (consent_on, _("The consent date"), "consent_on"))
    for value, label, field in steps:
        if value < episode.referral_date:
            problems.append(FieldProblem(_("%(label)s is before the referral date.")
                                         % {"label": label}, field))
        not_future(value, label, problems, field)
    if consent_on < max(educated_on, rights_given_on, choice_explained_on):
        problems.append(FieldProblem(
            _("Consent comes after the family was educated about CARES, given their rights "
              "and told of their right to choose."), "consent_on"))
    if not consent_by.strip():
        problems.append(FieldProblem(_("Record who gave consent."), "consent_by"))
    born = episode.member.date_of_birth
    if by_member and born and age_on(born, consent_on) < ADULT_AGE:
        problems.append(FieldProblem(
            _("The member was under 18 on the consent date: a parent, guardian or authorized "
              "representative gives consent."), "consent_giver"))
    refuse(problems)
    engagement = Engagement(
        episode=episode, educated_on=educated_on, education_mode=education_mode,
        rights_given_on=rights_given_on, choice_explained_on=choice_explained_on,
        consent_on=consent_on, consent_by=consent_by.strip(),
        consent_relationship=consent_relationship.strip())
    engagement.full_clean()
    engagement.save()
    audit_change(action=Action.CREATE, obj=engagement, member=episode.member_id, actor=actor)
    move(episode, EpisodeStatus.CONSENTED, on=consent_on, actor=actor)
    return engagement
