"""Writes to member records and the enrollment lifecycle (PS VIII, IX).

Each step checks its preconditions and refuses with a clear message (``LifecycleError``);
nothing is written on refusal. The status of an episode moves only along
``Episode.PIPELINE`` and each move is recorded with its date and author.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Role, StaffProfile, User
from cares.base.staff.qualifications import StaffFacts, check_role
from members.models import (
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeClosureReason,
    EpisodeStatus,
    EpisodeStatusChange,
    Member,
    ReleaseOfInformation,
    Removal,
    RemovalReason,
    age_on,
)

PRIMARY_CONTACT_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER)  # PS VI.B.1.a
EVALUATOR_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER, Role.PROGRAM_DIRECTOR,
                   Role.SENIOR_MEDICAL_PROFESSIONAL)
INDEPENDENT_CHOICE_AGE = 18  # PS IX.A.8
MAX_AGE = 21  # under 21 (PS, preamble; PS VI.C.5)


class LifecycleError(ValidationError):
    """A lifecycle step was refused; ``messages`` say why. Reasons about one input are keyed
    by its name (``error_dict``), so a form shows them next to that field too."""


class FieldProblem(str):
    """A refusal reason about one input, named as the service's parameter."""

    field: str

    def __new__(cls, message: str, field: str):
        problem = super().__new__(cls, message)
        problem.field = field
        return problem


def _refuse(problems: list[str]) -> None:
    if not problems:
        return
    if not any(isinstance(p, FieldProblem) for p in problems):
        raise LifecycleError(list(problems))
    keyed: dict[str, list[str]] = {}
    for problem in problems:
        keyed.setdefault(getattr(problem, "field", NON_FIELD_ERRORS), []).append(str(problem))
    raise LifecycleError(keyed)


def _not_future(value: date | None, label: str, problems: list[str],
                field: str | None = None) -> None:
    if value and value > timezone.localdate():
        message = _("%(label)s cannot be in the future.") % {"label": label}
        problems.append(FieldProblem(message, field) if field else message)


def _lock(episode: Episode) -> Episode:
    """Lock the episode's row until the transaction ends and re-read it, so that two people
    (or two workers) taking the same step at once are served one after the other: the second
    sees the first one's result and gets the ordinary refusal, never a duplicate or a 500.
    Returns the same instance, refreshed."""
    if episode.pk is not None:
        episode.refresh_from_db(
            from_queryset=Episode.objects.select_for_update(of=("self",)))
    return episode


def _lock_member(member: Member) -> None:
    """Serialise the steps that start an episode for one member (no two open episodes)."""
    if member.pk is not None:
        list(Member.objects.select_for_update(of=("self",)).filter(pk=member.pk)
             .values_list("pk", flat=True))


def _move(episode: Episode, to: str, *, on: date, actor: User | None) -> None:
    if not episode.can_move_to(to):
        raise LifecycleError(
            _("A %(current)s episode cannot become %(new)s.")
            % {"current": episode.get_status_display().lower(),
               "new": EpisodeStatus(to).label.lower()}
        )
    EpisodeStatusChange.objects.create(
        episode=episode, from_status=episode.status, to_status=to, on=on, changed_by=actor
    )
    audit_change(action=Action.UPDATE, obj=episode, member=episode.member_id, actor=actor,
                 fields=["status"], detail={"from": episode.status, "to": to})
    episode.status = to
    episode.save()
    _refresh(episode.member_id)


def _refresh(member_id: int) -> None:
    """Keep the member's stored deadlines in step with what just changed."""
    from cares.deadlines.services import refresh_member_deadlines

    refresh_member_deadlines(member_id)


def _draft_letter_after_commit(episode: Episode, kind: str) -> None:
    """PS VIII / IX.C: once the enrollment or termination commits, a worker drafts its letter
    (the nightly sweep drafts any that were missed)."""
    from notices.services import letter_draft_after_commit

    letter_draft_after_commit(episode_id=episode.pk, kind=kind)


def current_episode(member: Member) -> Episode | None:
    return member.episodes.order_by("-referral_date", "-pk").first()


# --- Member record ----------------------------------------------------------------------------

@transaction.atomic
def member_save(*, member: Member, actor: User | None = None) -> Member:
    """Create or update the member's own record (validated in full, and against the member's
    referrals: ``member_record_problems``).

    Two saves of one MassHealth ID at once both pass validation; the database keeps one and
    the other gets the form's own duplicate error, never a 500 (whose log would quote the ID).
    """
    member.full_clean()
    created = member.pk is None
    _lock_member(member)  # a referral being recorded at the same time waits (or we do)
    changed = _changed_fields(member)
    if created or "date_of_birth" in changed:
        _refuse(member_record_problems(member))
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        if created:
            member.pk = None
            member._state.adding = True
        try:
            member.validate_unique()  # the duplicate, as the form says it
        except ValidationError as exc:
            raise exc from None
        raise ValidationError(_("The record changed while it was being saved; nothing was "
                                "saved. Try again.")) from None
    if created or changed:
        audit_change(action=Action.CREATE if created else Action.UPDATE, obj=member,
                     member=member, actor=actor, fields=changed)
    return member


def member_record_problems(member: Member) -> list[str]:
    """The intake rules, held on every save of the member's record (PS VIII; PS preamble,
    under 21): the date of birth is not in the future nor after any referral date, and the
    member is under 21 on the referral date of the current episode and of any open one. Each
    reason is about the date of birth (a field error)."""
    born = member.date_of_birth
    problems: list[str] = []
    if not born:
        return problems
    _not_future(born, _("The date of birth"), problems, "date_of_birth")
    if member.pk is None:
        return problems
    episodes = list(Episode.objects.filter(member_id=member.pk)
                    .order_by("-referral_date", "-pk"))
    if not episodes:
        return problems
    first = min(episode.referral_date for episode in episodes)
    if born > first:
        problems.append(FieldProblem(
            _("The date of birth cannot be after the referral date (%(date)s).")
            % {"date": first.isoformat()}, "date_of_birth"))
        return problems
    current = [episodes[0], *(e for e in episodes[1:] if e.is_open)]
    for episode in current:
        if age_on(born, episode.referral_date) >= MAX_AGE:
            problems.append(FieldProblem(
                _("The member must be under 21 on the referral date (%(date)s); with this "
                  "date of birth they were %(age)d.")
                % {"date": episode.referral_date.isoformat(),
                   "age": age_on(born, episode.referral_date)}, "date_of_birth"))
            break
    return problems


def _changed_fields(obj) -> list[str]:
    """Names (never values) of the fields that differ from the stored row."""
    if obj.pk is None:
        return []
    stored = type(obj).objects.filter(pk=obj.pk).first()
    if stored is None:
        return []
    return [f.name for f in obj._meta.concrete_fields
            if getattr(stored, f.attname) != getattr(obj, f.attname)]


# --- Referral ---------------------------------------------------------------------------------

@transaction.atomic
def referral_create(*, member: Member, referral_date: date, referral_source: str,
                    referring_entity: str = "", referring_contact=None,
                    actor: User | None = None) -> Episode:
    """Refer or identify a member into CARES: a new episode (PS VIII).

    The member must be under 21 on the referral date and have no open episode.
    """
    _lock_member(member)
    problems: list[str] = []
    _not_future(referral_date, _("The referral date"), problems, "referral_date")
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
    _refuse(problems)
    if member.pk is None:
        member_save(member=member, actor=actor)
    episode = Episode(member=member, referral_date=referral_date,
                      referral_source=referral_source, referring_entity=referring_entity,
                      referring_contact=referring_contact)
    episode.full_clean()
    episode.save()
    audit_change(action=Action.CREATE, obj=episode, member=member, actor=actor)
    _refresh(member.pk)
    EpisodeStatusChange.objects.create(episode=episode, to_status=EpisodeStatus.REFERRED,
                                       on=referral_date, changed_by=actor)
    return episode


@transaction.atomic
def intake_create(*, member: Member, referral_date: date, referral_source: str,
                  referring_entity: str = "", referring_contact=None,
                  assigned_to: StaffProfile | None = None,
                  actor: User | None = None) -> Episode:
    """A new member and their referral, together or not at all.

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
            raise LifecycleError(
                _("%(name)s is not an active care coordinator or senior care manager, so "
                  "cannot be assigned the referral.") % {"name": assigned_to})
    episode = referral_create(member=member, referral_date=referral_date,
                              referral_source=referral_source,
                              referring_entity=referring_entity,
                              referring_contact=referring_contact, actor=actor)
    if assigned_to is not None:
        care_team_set(member=episode.member, on=referral_date, team=[(assigned_to, role)],
                      actor=actor)
    return episode


# --- Eligibility ------------------------------------------------------------------------------

@transaction.atomic
def eligibility_record(*, episode: Episode, evaluated_on: date, evaluator: StaffProfile,
                       criteria: Sequence[str], eligible: bool, rationale: str,
                       actor: User | None = None) -> EligibilityEvaluation:
    """Document the eligibility evaluation (PS I, VIII). A member found not eligible closes
    the episode before enrollment with the reason ``ineligible`` (reading 12), the same
    closing as ``episode_close``."""
    _lock(episode)
    problems: list[str] = []
    if episode.status != EpisodeStatus.REFERRED:
        problems.append(_("Eligibility is evaluated once, right after referral; this episode "
                          "is %(status)s.") % {"status": episode.get_status_display().lower()})
    if evaluated_on < episode.referral_date:
        problems.append(FieldProblem(
            _("The evaluation date is before the referral date (%(date)s).")
            % {"date": episode.referral_date.isoformat()}, "evaluated_on"))
    _not_future(evaluated_on, _("The evaluation date"), problems, "evaluated_on")
    if not criteria:
        problems.append(FieldProblem(_("Record the criteria considered."), "criteria"))
    if not (rationale or "").strip():
        problems.append(FieldProblem(_("Record the rationale for the decision."), "rationale"))
    if not evaluator.active or not evaluator.roles.filter(role__in=EVALUATOR_ROLES).exists():
        problems.append(_("%(name)s is not an active clinical staff member who can evaluate "
                          "eligibility.") % {"name": evaluator})
    _refuse(problems)
    evaluation = EligibilityEvaluation.objects.create(
        episode=episode, evaluated_on=evaluated_on, evaluator=evaluator,
        criteria=list(criteria), eligible=eligible, rationale=rationale.strip())
    audit_change(action=Action.CREATE, obj=evaluation, member=episode.member_id, actor=actor)
    if eligible:
        _move(episode, EpisodeStatus.ELIGIBLE, on=evaluated_on, actor=actor)
    else:
        # The rationale stays on the evaluation (clinical detail, PS I).
        _close(episode, on=evaluated_on, reason=EpisodeClosureReason.INELIGIBLE, note="",
               actor=actor)
    return evaluation


# --- Engagement and consent -------------------------------------------------------------------

@transaction.atomic
def engagement_record(*, episode: Episode, educated_on: date, education_mode: str,
                      rights_given_on: date, choice_explained_on: date, consent_on: date,
                      consent_by: str, consent_relationship: str,
                      actor: User | None = None) -> Engagement:
    """Education, rights, right to choose, and consent to receive services (PS VIII)."""
    _lock(episode)
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
        _not_future(value, label, problems, field)
    if consent_on < max(educated_on, rights_given_on, choice_explained_on):
        problems.append(FieldProblem(
            _("Consent comes after the family was educated about CARES, given their rights "
              "and told of their right to choose."), "consent_on"))
    if not consent_by.strip():
        problems.append(FieldProblem(_("Record who gave consent."), "consent_by"))
    _refuse(problems)
    engagement = Engagement(
        episode=episode, educated_on=educated_on, education_mode=education_mode,
        rights_given_on=rights_given_on, choice_explained_on=choice_explained_on,
        consent_on=consent_on, consent_by=consent_by.strip(),
        consent_relationship=consent_relationship.strip())
    engagement.full_clean()
    engagement.save()
    audit_change(action=Action.CREATE, obj=engagement, member=episode.member_id, actor=actor)
    _move(episode, EpisodeStatus.CONSENTED, on=consent_on, actor=actor)
    return engagement


# --- Enrollment -------------------------------------------------------------------------------

def primary_contact_problems(staff: StaffProfile, on: date) -> list[str]:
    """A designated primary contact is an active care coordinator or senior care manager who
    passes that role's check (PS VI.B.1.a, IV.B)."""
    if not staff.active:
        return [_("%(name)s is not active.") % {"name": staff}]
    held = [r.role for r in staff.roles.all() if not r.is_backup]
    roles = [r for r in PRIMARY_CONTACT_ROLES if r in held]
    if not roles:
        return [_("%(name)s is neither a care coordinator nor a senior care manager, so cannot "
                  "be the designated primary contact (PS VI.B.1.a).") % {"name": staff}]
    facts = StaffFacts.of(staff)
    problems = [check_role(r, facts, on) for r in roles]
    if any(not p for p in problems):
        return []
    return [_("%(name)s cannot be the primary contact: %(why)s")
            % {"name": staff, "why": "; ".join(problems[0])}]


def primary_contact_role(staff: StaffProfile, on: date) -> str:
    """The primary role (not a backup one) in which ``staff`` qualifies as primary contact."""
    held = [r.role for r in staff.roles.all() if not r.is_backup]
    facts = StaffFacts.of(staff)
    return next(r for r in PRIMARY_CONTACT_ROLES if r in held and not check_role(r, facts, on))


@transaction.atomic
def enrollment_create(*, episode: Episode, effective_date: date, primary_contact: StaffProfile,
                      team: Sequence[tuple[StaffProfile, str]] = (),
                      actor: User | None = None) -> Episode:
    """Enroll a consented member, designate their primary contact and assign the care team."""
    _lock(episode)
    problems: list[str] = []
    if episode.status != EpisodeStatus.CONSENTED:
        missing = {
            EpisodeStatus.REFERRED: _("no eligibility evaluation yet"),
            EpisodeStatus.ELIGIBLE: _("no consent to receive services yet"),
            EpisodeStatus.INELIGIBLE: _("the evaluation found the member not eligible"),
            EpisodeStatus.CLOSED_UNENROLLED: _("the episode was closed before enrollment"),
        }.get(episode.status)
        if missing:
            problems.append(_("Enrollment needs a positive eligibility evaluation and consent: "
                              "%(missing)s.") % {"missing": missing})
        else:
            problems.append(_("This episode is already %(status)s.")
                            % {"status": episode.get_status_display().lower()})
    else:
        consent_on = episode.engagement.consent_on
        if effective_date < consent_on:
            problems.append(FieldProblem(
                _("The effective date is before consent was given (%(date)s).")
                % {"date": consent_on.isoformat()}, "effective_date"))
    member = episode.member
    if age_on(member.date_of_birth, effective_date) >= MAX_AGE:
        problems.append(FieldProblem(_("The member is 21 or older on the effective date."),
                                     "effective_date"))
    problems.extend(primary_contact_problems(primary_contact, effective_date))
    problems.extend(_team_problems(team))
    _refuse(problems)
    episode.effective_date = effective_date
    episode.primary_contact = primary_contact
    _move(episode, EpisodeStatus.ENROLLED, on=effective_date, actor=actor)
    primary_role = primary_contact_role(primary_contact, effective_date)
    care_team_set(member=member, on=effective_date,
                  team=[(primary_contact, primary_role), *team], actor=actor)
    _draft_letter_after_commit(episode, "enrollment")
    return episode


def _team_problems(team: Sequence[tuple[StaffProfile, str]]) -> list[str]:
    problems = []
    for staff, role in team:
        if not staff.active:
            problems.append(_("%(name)s is not active.") % {"name": staff})
        elif not staff.roles.filter(role=role).exists():
            problems.append(_("%(name)s does not hold the %(role)s role.")
                            % {"name": staff, "role": Role(role).label.lower()})
    return problems


@transaction.atomic
def care_team_change(*, episode: Episode, on: date, primary_contact: StaffProfile,
                     team: Sequence[tuple[StaffProfile, str]] = (),
                     actor: User | None = None) -> Episode:
    """Reassign an enrolled member's designated primary contact and care team from ``on``
    (PS VI.B.1.a): the new primary contact passes the same check as at enrollment; the staff
    who leave the team leave it that day, and the history of who was on it is kept."""
    _lock(episode)
    problems: list[str] = []
    if episode.status not in (EpisodeStatus.ENROLLED, EpisodeStatus.REMOVAL_INITIATED):
        problems.append(_("Only an enrolled member's care team can be changed; this episode is "
                          "%(status)s.") % {"status": episode.get_status_display().lower()})
    elif on < episode.effective_date:
        problems.append(_("The change cannot take effect before the enrollment effective date "
                          "(%(date)s).") % {"date": episode.effective_date.isoformat()})
    _not_future(on, _("The date the change takes effect"), problems)
    problems.extend(primary_contact_problems(primary_contact, on))
    problems.extend(_team_problems(team))
    _refuse(problems)
    if episode.primary_contact_id != primary_contact.pk:
        episode.primary_contact = primary_contact
        episode.save(update_fields=["primary_contact"])
        audit_change(action=Action.UPDATE, obj=episode, member=episode.member_id, actor=actor,
                     fields=["primary_contact"])
    care_team_set(member=episode.member, on=on,
                  team=[(primary_contact, primary_contact_role(primary_contact, on)), *team],
                  actor=actor)
    return episode


@transaction.atomic
def care_team_set(*, member: Member, on: date, team: Sequence[tuple[StaffProfile, str]],
                  actor: User | None = None) -> None:
    """Make ``team`` the member's current care team from ``on``; others leave it that day."""
    wanted = {}
    for staff, role in team:
        wanted.setdefault(staff.pk, (staff, role))
    current = {m.staff_id: m for m in member.care_team.filter(until__isnull=True)}
    for staff_id, membership in current.items():
        if staff_id not in wanted or wanted[staff_id][1] != membership.role:
            membership.until = on
            membership.save()
            audit_change(action=Action.UPDATE, obj=membership, member=member, actor=actor,
                         fields=["until"])
    for staff_id, (staff, role) in wanted.items():
        kept = current.get(staff_id)
        if kept is None or kept.role != role:
            joined = CareTeamMember.objects.create(member=member, staff=staff, role=role,
                                                   since=on)
            audit_change(action=Action.CREATE, obj=joined, member=member, actor=actor)


# --- Releases of information ------------------------------------------------------------------

@transaction.atomic
def release_save(*, release: ReleaseOfInformation,
                 actor: User | None = None) -> ReleaseOfInformation:
    problems = []
    if release.expires_on and release.signed_on and release.expires_on < release.signed_on:
        problems.append(_("The release expires before it was signed."))
    if release.revoked_on and release.signed_on and release.revoked_on < release.signed_on:
        problems.append(_("The release cannot be revoked before it was signed."))
    _not_future(release.signed_on, _("The signature date"), problems)
    _refuse(problems)
    release.full_clean()
    created, changed = release.pk is None, _changed_fields(release)
    release.save()
    if created or changed:
        audit_change(action=Action.CREATE if created else Action.UPDATE, obj=release,
                     member=release.member_id, actor=actor, fields=changed)
    return release


@transaction.atomic
def release_revoke(*, release: ReleaseOfInformation, revoked_on: date,
                   actor: User | None = None) -> ReleaseOfInformation:
    stored = ReleaseOfInformation.objects.get(pk=release.pk)
    if stored.revoked_on:
        raise LifecycleError(_("This release was already revoked on %(date)s.")
                             % {"date": stored.revoked_on.isoformat()})
    problems: list[str] = []
    _not_future(revoked_on, _("The revocation date"), problems)
    if revoked_on < stored.signed_on:
        problems.append(_("The release cannot be revoked before it was signed."))
    _refuse(problems)
    release.revoked_on = revoked_on
    return release_save(release=release, actor=actor)


# --- Removal of assignment (PS IX) ------------------------------------------------------------

def removal_reason_problems(*, member: Member, reason: str, on: date, pregnant: bool = False,
                            parent: bool = False, married: bool = False) -> list[str]:
    age = age_on(member.date_of_birth, on)
    problems = []
    if age >= MAX_AGE and reason != RemovalReason.NO_LONGER_ELIGIBLE:
        problems.append(_("The member is 21: removal must give the reason 'no longer "
                          "eligible' (PS IX.A.1)."))
    if reason == RemovalReason.INDEPENDENT_CHOICE and not (
            age >= INDEPENDENT_CHOICE_AGE or pregnant or parent or married):
        problems.append(_("Independent choice (PS IX.A.8) is open only to a member who is 18 "
                          "or older, pregnant, a parent or married; the member is %(age)d.")
                        % {"age": age})
    return problems


def _turns_21_before_removal(member: Member, reason: str, planned: date | None) -> list[str]:
    """PS IX.A.1, VI.C.5: a member who will be 21 by the planned termination date leaves as
    'no longer eligible', whatever the reason when removal began."""
    if planned and reason != RemovalReason.NO_LONGER_ELIGIBLE \
            and age_on(member.date_of_birth, planned) >= MAX_AGE:
        return [_("The member is 21 on the planned termination date (%(date)s): removal must "
                  "give the reason 'no longer eligible' (PS IX.A.1).")
                % {"date": planned.isoformat()}]
    return []


@transaction.atomic
def removal_initiate(*, episode: Episode, initiated_on: date, reason: str,
                     planned_termination_date: date, member_is_pregnant: bool = False,
                     member_is_parent: bool = False, member_is_married: bool = False,
                     actor: User | None = None) -> Removal:
    _lock(episode)
    problems: list[str] = []
    if episode.status != EpisodeStatus.ENROLLED:
        problems.append(_("Only an enrolled member's assignment can be removed; this episode "
                          "is %(status)s.") % {"status": episode.get_status_display().lower()})
    elif initiated_on < episode.effective_date:
        problems.append(FieldProblem(
            _("Removal cannot start before the enrollment effective date."), "initiated_on"))
    _not_future(initiated_on, _("The date removal was initiated"), problems, "initiated_on")
    if planned_termination_date < initiated_on:
        problems.append(FieldProblem(
            _("The termination date cannot be before removal was initiated."),
            "planned_termination_date"))
    problems.extend(removal_reason_problems(
        member=episode.member, reason=reason, on=initiated_on, pregnant=member_is_pregnant,
        parent=member_is_parent, married=member_is_married))
    if not problems:
        problems.extend(_turns_21_before_removal(episode.member, reason,
                                                 planned_termination_date))
    _refuse(problems)
    removal = Removal(
        episode=episode, initiated_on=initiated_on, reason=reason,
        planned_termination_date=planned_termination_date,
        member_is_pregnant=member_is_pregnant, member_is_parent=member_is_parent,
        member_is_married=member_is_married)
    removal.full_clean()
    removal.save()
    audit_change(action=Action.CREATE, obj=removal, member=episode.member_id, actor=actor)
    _move(episode, EpisodeStatus.REMOVAL_INITIATED, on=initiated_on, actor=actor)
    return removal


AFTERCARE_FIELDS = ("consent_signed_on", "consent_signed_by", "recommendations", "referrals",
                    "services_in_place", "medications", "planned_termination_date")


@transaction.atomic
def aftercare_update(*, removal: Removal, completed_on: date | None = None,
                     actor: User | None = None, **fields) -> Removal:
    """Record the aftercare/transition plan (PS IX.B). When all five elements are present it
    is complete as of ``completed_on`` (default today); editing it later keeps that date."""
    _lock(removal.episode)
    if removal.episode.status != EpisodeStatus.REMOVAL_INITIATED:
        raise LifecycleError(_("The aftercare plan is edited only while removal is under way."))
    unknown = set(fields) - set(AFTERCARE_FIELDS)
    if unknown:
        raise ValueError(f"not aftercare fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(removal, name, value.strip() if isinstance(value, str) else value)
    problems: list[str] = []
    if removal.consent_signed_on:
        _not_future(removal.consent_signed_on, _("The consent signature date"), problems)
    if removal.planned_termination_date < removal.initiated_on:
        problems.append(_("The termination date cannot be before removal was initiated."))
    problems.extend(_turns_21_before_removal(removal.episode.member, removal.reason,
                                             removal.planned_termination_date))
    _refuse(problems)
    if removal.plan_complete and removal.plan_completed_on is None:
        removal.plan_completed_on = completed_on or timezone.localdate()
    elif not removal.plan_complete:
        removal.plan_completed_on = None
    removal.full_clean()
    changed = _changed_fields(removal)
    removal.save()
    audit_change(action=Action.UPDATE, obj=removal, member=removal.episode.member_id,
                 actor=actor, fields=changed)
    if {"plan_completed_on", "planned_termination_date"} & set(changed):  # aftercare_plan due
        _refresh(removal.episode.member_id)
    return removal


@transaction.atomic
def termination_complete(*, episode: Episode, termination_date: date,
                         actor: User | None = None) -> Episode:
    """End the assignment: only with signed consent and a complete aftercare plan (PS IX.B)."""
    _lock(episode)
    problems: list[str] = []
    if episode.status != EpisodeStatus.REMOVAL_INITIATED:
        problems.append(_("Start the removal of assignment first; this episode is %(status)s.")
                        % {"status": episode.get_status_display().lower()})
        _refuse(problems)
    removal = episode.removal
    missing = removal.missing_elements()
    if missing:
        problems.append(_("The aftercare/transition plan is missing: %(missing)s.")
                        % {"missing": "; ".join(missing)})
    if termination_date < removal.initiated_on:
        problems.append(FieldProblem(
            _("The termination date cannot be before removal was initiated."),
            "termination_date"))
    _not_future(termination_date, _("The termination date"), problems, "termination_date")
    problems.extend(removal_reason_problems(
        member=episode.member, reason=removal.reason, on=removal.initiated_on,
        pregnant=removal.member_is_pregnant, parent=removal.member_is_parent,
        married=removal.member_is_married))
    _refuse(problems)
    episode.termination_date = termination_date
    _move(episode, EpisodeStatus.TERMINATED, on=termination_date, actor=actor)
    # The care team stays in place: it still owes the termination letter (PS IX.C).
    _draft_letter_after_commit(episode, "termination")
    return episode


# --- Closing before enrollment (PS VIII; deadlines.md reading 12) -----------------------------

def _close(episode: Episode, *, on: date, reason: str, note: str, actor: User | None) -> None:
    """Close a not-yet-enrolled episode (the caller has locked and checked it): found not
    eligible keeps its own status, every other reason is "closed before enrollment". The stored
    deadlines are refreshed by the move: the 60-day duties not met by ``on`` become excepted."""
    episode.closed_on = on
    episode.closure_reason = reason
    episode.closure_note = note
    to = (EpisodeStatus.INELIGIBLE if reason == EpisodeClosureReason.INELIGIBLE
          else EpisodeStatus.CLOSED_UNENROLLED)
    audit_change(action=Action.UPDATE, obj=episode, member=episode.member_id, actor=actor,
                 fields=["closed_on", "closure_reason", "closure_note"],
                 detail={"reason": reason})
    _move(episode, to, on=on, actor=actor)


@transaction.atomic
def episode_close(*, episode: Episode, closed_on: date, closing_reason: str,
                  closing_note: str, actor: User | None = None) -> Episode:
    """Close an episode before enrollment (PS VIII: the 60-day assessment, ICP and ICP-copy
    duties arise only "if the member/parent/caregiver consents"): found not eligible, declined,
    withdrew or could not be reached. Open from referred, evaluated eligible or consented;
    an enrolled member leaves through removal of assignment (PS IX) instead."""
    _lock(episode)
    problems: list[str] = []
    if episode.status not in Episode.CLOSABLE_BEFORE_ENROLLMENT:
        if episode.status in (EpisodeStatus.ENROLLED, EpisodeStatus.REMOVAL_INITIATED):
            problems.append(_("This member is enrolled: an enrolled member leaves CARES "
                              "through removal of assignment (PS IX), not by closing the "
                              "referral."))
        else:
            problems.append(_("Only a referral that has not led to enrollment can be closed; "
                              "this episode is already %(status)s.")
                            % {"status": episode.get_status_display().lower()})
        _refuse(problems)
    if closing_reason not in EpisodeClosureReason.values:
        problems.append(FieldProblem(_("Choose why the referral is closed."),
                                     "closing_reason"))
    if closed_on < episode.referral_date:
        problems.append(FieldProblem(
            _("The closing date is before the referral date (%(date)s).")
            % {"date": episode.referral_date.isoformat()}, "closed_on"))
    else:
        last = episode.status_changes.order_by("-on").values_list("on", flat=True).first()
        if last and closed_on < last:
            problems.append(FieldProblem(
                _("The closing date is before the episode's last step (%(date)s).")
                % {"date": last.isoformat()}, "closed_on"))
    _not_future(closed_on, _("The closing date"), problems, "closed_on")
    if not (closing_note or "").strip():
        problems.append(FieldProblem(_("Record what happened."), "closing_note"))
    _refuse(problems)
    _close(episode, on=closed_on, reason=closing_reason, note=closing_note.strip(), actor=actor)
    return episode
