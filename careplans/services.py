"""Writes to assessments and care plans (PS VI.A.1).

Each service checks first and refuses with every reason at once (``Refusal``); nothing is
written on refusal. A completed assessment and a finalized ICP never change. Completing an
assessment and finalizing an ICP tell the deadline engine (``events.member_facts_changed``),
which refreshes the member's stored deadlines.

Rows edited as a list on one page (information sources, participants, care team, goals,
action steps, medications, allergies) arrive as ``rows``: one dict per row, ``id`` (``None``
for a new row), ``delete`` and the row's fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from careplans.models import (
    ActionStep,
    Allergy,
    Assessment,
    AssessmentKind,
    AssessmentSource,
    CarePlan,
    CarePlanParticipant,
    CarePlanStatus,
    CareTeamEntry,
    EmergencyMedication,
    Goal,
    TeamRole,
)
from careplans.rules import assessment_missing, missing_reasons, plan_missing
from careplans.selectors import latest_assessment, plan_content
from careplans.updates import answering_plan, initial_refusal, link_answered_requests
from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Program, Role, StaffProfile, User
from cares.base.toolkit import FieldProblem, Refusal, not_future, refuse
from members.coordination.services import hospital_stay_reassessment_decide
from members.models import EpisodeStatus, Member, ProviderKind
from members.services import lock_member

# Who may complete an assessment (the clinical roles of the care team).
ASSESSOR_ROLES = (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER, Role.PROGRAM_DIRECTOR,
                  Role.SENIOR_MEDICAL_PROFESSIONAL)
# An assessment or plan is made for a member who consented to services and is not gone.
ACTIVE_STATUSES = (EpisodeStatus.CONSENTED, EpisodeStatus.ENROLLED,
                   EpisodeStatus.REMOVAL_INITIATED)

ASSESSMENT_FIELDS = (
    "medical_history", "behavioral_history", "social", "educational", "emotional",
    "functional", "developmental", "housing_screen", "housing_notes", "nutrition_screen",
    "nutrition_notes", "snap", "wic", "utilities_screen", "utilities_notes",
    "transportation_screen", "transportation_notes", "current_services", "medications",
    "allergies", "dme", "needs_identified", "continues_eligible", "change_summary",
    "current_status", "risk_rescreen", "icp_update_needed",
)
# The plan's own fields, by the page that edits them.
PLAN_SECTIONS: dict[str, tuple[str, ...]] = {
    "meeting": ("meeting_on", "meeting_place"),
    "summary": ("medical_history", "behavioral_history", "personal_circumstances",
                "educational_circumstances", "behavioral_circumstances",
                "social_circumstances", "current_services", "iep", "plan_504",
                "school_services", "educational_needs", "hrsn_housing", "hrsn_nutrition",
                "hrsn_utilities", "hrsn_transportation"),
    "transitions": ("upcoming_transitions", "continuity_strategies"),
    "emergency": ("no_medications", "no_known_allergies", "diagnoses", "baseline_status",
                  "accommodations", "emergency_notes"),
}
# Fields a new version copies from the previous one (all the content; not the meeting date,
# which belongs to the new version's own care planning meeting).
COPIED_FIELDS = tuple(f for name, fields in PLAN_SECTIONS.items() if name != "meeting"
                      for f in fields) + ("meeting_place",)
PLAN_ROWS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "participants": (CarePlanParticipant, ("kind", "name", "relationship")),
    "team": (CareTeamEntry, ("role", "name", "organization", "phone", "email", "emergency")),
    "goals": (Goal, ("kind", "term", "description", "target_date")),
    "steps": (ActionStep, ("goal", "description", "responsible", "accessibility", "due_on")),
    "medications": (EmergencyMedication, ("name", "dose", "schedule")),
    "allergies": (Allergy, ("allergen", "reaction")),
}
SOURCE_FIELDS = ("kind", "name", "consulted_on", "notes")




def _active_episode_problem(member: Member) -> list[str]:
    episode = member.episodes.order_by("-referral_date", "-pk").first()
    if episode is None or episode.status not in ACTIVE_STATUSES:
        return [_("Assessments and care plans are made for a member who has consented to "
                  "CARES services (PS VIII); this member's episode is %(status)s.")
                % {"status": episode.get_status_display().lower() if episode
                   else _("not referred")}]
    return []


def _changed(obj: models.Model, values: dict) -> list[str]:
    return sorted(name for name, value in values.items() if getattr(obj, name) != value)


def _clean_text(values: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _sync_rows(*, model: type[models.Model], parent: dict, fields: Sequence[str],
               rows: Sequence[dict], member_id: int, actor: User | None,
               check=None) -> None:
    """Create, change and delete ``model`` rows of ``parent`` as ``rows`` say, each validated
    in full; refuse (writing nothing) if any row is invalid. ``check(row_values)`` may add
    problems of its own."""
    existing = {obj.pk: obj for obj in model.objects.filter(**parent)}
    problems: list[str] = []
    to_save, to_delete = [], []
    for number, row in enumerate(rows, start=1):
        pk = row.get("id")
        obj = existing.get(getattr(pk, "pk", pk)) if pk else model(**parent)
        if obj is None:
            problems.append(_("Row %(n)d is not part of this record.") % {"n": number})
            continue
        if row.get("delete"):
            if obj.pk:
                to_delete.append(obj)
            continue
        values = _clean_text({name: row.get(name) for name in fields if name in row})
        if check is not None:
            problems.extend(check(number, values))
        changed = _changed(obj, values) if obj.pk else list(values)
        for name, value in values.items():
            setattr(obj, name, "" if value is None and _is_text(model, name) else value)
        if "order" in {f.name for f in model._meta.fields} and not obj.pk:
            obj.order = number
        try:
            obj.full_clean(exclude=list(parent))
        except ValidationError as exc:
            problems.extend(_("Row %(n)d: %(problem)s") % {"n": number, "problem": m}
                            for m in exc.messages)
        if changed or not obj.pk:
            to_save.append((obj, changed))
    refuse(problems)
    for obj in to_delete:
        audit_change(action=Action.DELETE, obj=obj, member=member_id, actor=actor)
        try:
            obj.delete()  # (the audit event above is rolled back with it on refusal)
        except ProtectedError as exc:  # raised before anything is deleted
            raise Refusal(_("%(row)s cannot be removed: %(count)d record(s) depend on it "
                                  "(e.g. action steps it is responsible for); change those "
                                  "first.") % {"row": obj, "count": len(exc.protected_objects)}
                                ) from exc
    for obj, changed in to_save:
        created = obj.pk is None
        obj.save()
        audit_change(action=Action.CREATE if created else Action.UPDATE, obj=obj,
                     member=member_id, actor=actor, fields=[] if created else changed)


def _is_text(model, name: str) -> bool:
    field = model._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField)


# --- Assessments (PS VI.A.1.a-b) -----------------------------------------------------------------

@transaction.atomic
def assessment_create(*, member: Member, kind: str, hospital_stay=None,
                      actor: User | None = None) -> Assessment:
    """Start a draft assessment or reassessment of ``kind``. Started on the suggestion of a
    hospital discharge (``hospital_stay``, PS VI.A.1.b.2), it is a significant-change
    reassessment linked to the stay, and the stay's suggestion is answered as started."""
    problems = _active_episode_problem(member)
    problems += _stay_problems(member, kind, hospital_stay)
    draft = member.assessments.filter(completed_on__isnull=True).first()
    if draft is not None:
        problems.append(_("The %(kind)s started on %(date)s is still a draft: complete it "
                          "first.") % {"kind": draft.get_kind_display().lower(),
                                       "date": timezone.localdate(draft.created_at).isoformat()})
    if kind != AssessmentKind.INITIAL and not member.assessments.filter(
            completed_on__isnull=False).exists():
        problems.append(_("A reassessment follows a completed comprehensive assessment: start "
                          "with the initial assessment (PS VI.A.1.b.1)."))
    refuse(problems)
    if hospital_stay is not None:  # claims the suggestion: of two at once, one is refused
        hospital_stay_reassessment_decide(stay=hospital_stay, accept=True, actor=actor)
    assessment = Assessment(member=member, kind=kind, hospital_stay=hospital_stay,
                            created_by=actor)
    assessment.full_clean()
    assessment.save()
    audit_change(action=Action.CREATE, obj=assessment, member=member, actor=actor)
    return assessment


def _stay_problems(member: Member, kind: str, stay) -> list[str]:
    if stay is None:
        return []
    if stay.member_id != member.pk:
        return [_("That hospital stay is another member's.")]
    if kind != AssessmentKind.SIGNIFICANT_CHANGE:
        return [_("After a hospital discharge, the reassessment is a significant-change "
                  "reassessment (PS VI.A.1.b.2).")]
    return []


def _refuse_completed(assessment: Assessment) -> None:
    if not Assessment.objects.filter(pk=assessment.pk, completed_on__isnull=True).exists():
        raise Refusal(_("This assessment was completed and cannot change; record a "
                              "reassessment instead (PS VI.A.1.b)."))


@transaction.atomic
def assessment_update(*, assessment: Assessment, values: dict,
                      sources: Sequence[dict] = (), actor: User | None = None) -> Assessment:
    """Save the sections of a draft assessment and its information sources."""
    _refuse_completed(assessment)
    unknown = set(values) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValueError(f"not assessment fields: {sorted(unknown)}")

    def check(number, row):
        problems = []
        not_future(row.get("consulted_on"),
                    _("Row %(n)d: the consultation date") % {"n": number}, problems)
        return problems

    refuse(initial_refusal(assessment.kind, values.get("icp_update_needed", False)))
    values = _clean_text(values)
    changed = _changed(assessment, values)
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.full_clean()
    _sync_rows(model=AssessmentSource, parent={"assessment": assessment}, fields=SOURCE_FIELDS,
               rows=sources, member_id=assessment.member_id, actor=actor, check=check)
    if changed:
        assessment.save()
        audit_change(action=Action.UPDATE, obj=assessment, member=assessment.member_id,
                     actor=actor, fields=changed)
    return assessment


def assessment_missing_for(assessment: Assessment, completed_on: date | None = None):
    has_earlier = assessment.member.assessments.filter(completed_on__isnull=False).exclude(
        pk=assessment.pk).filter(
        completed_on__lte=completed_on or timezone.localdate()).exists()
    return assessment_missing(assessment, list(assessment.sources.all()),
                              has_earlier=has_earlier, completed_on=completed_on)


@transaction.atomic
def assessment_complete(*, assessment: Assessment, completed_on: date,
                        completed_by: StaffProfile | None,
                        actor: User | None = None) -> Assessment:
    """Complete a draft: only with every section its kind needs (PS VI.A.1.a-b). A
    reassessment that finds the ICP must be updated is linked at once to a version already
    finalized on or after its day, if there is one (``careplans.updates``)."""
    lock_member(assessment.member)  # before the assessment: a finalization locks in this order
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("member").get(
        pk=assessment.pk)
    _refuse_completed(assessment)
    problems: list[str] = []
    not_future(completed_on, _("The completion date"), problems)
    episode = assessment.member.episodes.order_by("-referral_date", "-pk").first()
    if episode is not None and completed_on < episode.referral_date:
        problems.append(_("The completion date is before the referral date (%(date)s).")
                        % {"date": episode.referral_date.isoformat()})
    if completed_by is None or not completed_by.active or not completed_by.roles.filter(
            role__in=ASSESSOR_ROLES, is_backup=False).exists():
        problems.append(_("An assessment is completed by an active care coordinator, senior "
                          "care manager, senior medical professional or program director."))
    problems.extend(_("Missing: %(element)s") % {"element": m}
                    for m in assessment_missing_for(assessment, completed_on))
    problems.extend(initial_refusal(assessment.kind, assessment.icp_update_needed))
    refuse(problems)
    assessment.completed_on = completed_on
    assessment.completed_by = completed_by
    fields = ["completed_by", "completed_on"]
    if assessment.icp_update_needed:
        assessment.new_care_plan = answering_plan(assessment.member_id, completed_on)
        fields += ["new_care_plan"] if assessment.new_care_plan else []
    assessment.save()
    audit_change(action=Action.UPDATE, obj=assessment, member=assessment.member_id,
                 actor=actor, fields=fields)
    events.tell(events.member_facts_changed, member_id=assessment.member_id)
    return assessment


# --- The ICP: versions and their parts (PS VI.A.1.c) ---------------------------------------------

def team_from_record(member: Member) -> list[dict]:
    """The member's current care team, providers and guardians, as ICP care team rows."""
    program = Program.objects.first()
    rows = []
    for membership in member.care_team.filter(until__isnull=True).select_related(
            "staff__user").order_by("role", "pk"):
        staff = membership.staff
        manager = membership.role in (Role.CARE_COORDINATOR, Role.SENIOR_CARE_MANAGER)
        rows.append({
            "role": TeamRole.CARE_MANAGER if manager else TeamRole.CARES_STAFF,
            "name": staff.user.get_full_name() or staff.user.email,
            "organization": program.name if program else "",
            "phone": staff.phone or (program.phone if program else ""),
            "email": staff.user.email, "emergency": False,
        })
    kinds = {ProviderKind.PCP: TeamRole.PCP, ProviderKind.SPECIALIST: TeamRole.SPECIALIST,
             ProviderKind.HEALTH_SYSTEM: TeamRole.SPECIALIST,
             ProviderKind.DENTAL: TeamRole.DENTAL,
             ProviderKind.BEHAVIORAL_HEALTH: TeamRole.BEHAVIORAL_HEALTH,
             ProviderKind.SCHOOL: TeamRole.SCHOOL, ProviderKind.EARLY_CHILDHOOD: TeamRole.SCHOOL,
             ProviderKind.CCM: TeamRole.CCM, ProviderKind.CSN: TeamRole.CSN,
             ProviderKind.COMMUNITY: TeamRole.COMMUNITY, ProviderKind.DME: TeamRole.DME}
    agencies = {ProviderKind.DCF, ProviderKind.DDS, ProviderKind.DESE, ProviderKind.DMH,
                ProviderKind.DPH, ProviderKind.DTA, ProviderKind.DYS}
    for contact in member.contacts.select_related("provider").order_by("role", "pk"):
        provider = contact.provider
        role = TeamRole.STATE_AGENCY if contact.role in agencies else \
            kinds.get(contact.role, TeamRole.OTHER)
        rows.append({"role": role, "name": provider.person or provider.organization,
                     "organization": provider.organization if provider.person else "",
                     "phone": provider.phone, "email": provider.email,
                     "emergency": role in (TeamRole.PCP, TeamRole.SPECIALIST)})
    for guardian in member.guardians.all():
        rows.append({"role": TeamRole.FAMILY, "name": guardian.name,
                     "organization": guardian.relationship, "phone": guardian.phone,
                     "email": guardian.email, "emergency": bool(guardian.phone)})
    return rows


def _from_assessment(assessment: Assessment | None) -> dict:
    if assessment is None:
        return {}
    return {"medical_history": assessment.medical_history,
            "behavioral_history": assessment.behavioral_history,
            "social_circumstances": assessment.social,
            "educational_circumstances": assessment.educational,
            "current_services": assessment.current_services}


@transaction.atomic
def care_plan_start(*, member: Member, actor: User | None = None) -> CarePlan:
    """A new draft ICP version. The first starts from the latest assessment and the member's
    care team; each later one starts as a copy of the version in force."""
    problems = _active_episode_problem(member)
    latest = member.care_plans.select_for_update().order_by("-version").first()
    if latest is not None and latest.is_draft:
        problems.append(_("ICP version %(version)d is still a draft: finalize it before "
                          "starting another.") % {"version": latest.version})
    refuse(problems)
    assessment = latest_assessment(member)
    previous = member.care_plans.filter(status=CarePlanStatus.FINALIZED) \
        .order_by("-version").first()
    plan = CarePlan(member=member, version=(latest.version + 1) if latest else 1,
                    created_by=actor, previous=previous)
    if previous is not None:
        for name in COPIED_FIELDS:
            setattr(plan, name, getattr(previous, name))
        plan.assessment = assessment if assessment and not assessment.is_draft \
            else previous.assessment
    else:
        plan.assessment = assessment
        for name, value in _from_assessment(assessment).items():
            setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    audit_change(action=Action.CREATE, obj=plan, member=member, actor=actor,
                 detail={"version": plan.version,
                         "previous": previous.pk if previous else None})
    if previous is not None:
        _copy_parts(previous, plan)
    else:
        for number, row in enumerate(team_from_record(member), start=1):
            CareTeamEntry.objects.create(plan=plan, order=number, **row)
    return plan


def _copy_parts(source: CarePlan, target: CarePlan) -> None:
    """Copy every row of ``source`` to ``target``, keeping goals, steps and their responsible
    team members linked."""
    def clone(obj, **overrides):
        data = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
                if not f.primary_key}
        data.update(plan_id=target.pk, **overrides)
        return type(obj).objects.create(**data)

    for participant in source.participants.all():
        clone(participant)
    team = {entry.pk: clone(entry).pk for entry in source.team.all()}
    goals = {goal.pk: clone(goal).pk for goal in source.goals.all()}
    for step in source.action_steps.all():
        clone(step, goal_id=goals[step.goal_id],
              responsible_id=team.get(step.responsible_id))
    for medication in source.medications.all():
        clone(medication)
    for allergy in source.allergies.all():
        clone(allergy)


def _refuse_frozen(plan: CarePlan) -> None:
    if not CarePlan.objects.filter(pk=plan.pk, status=CarePlanStatus.DRAFT).exists():
        raise Refusal(_("ICP version %(version)d is finalized and cannot change; start "
                              "a new version instead.") % {"version": plan.version})


@transaction.atomic
def care_plan_update(*, plan: CarePlan, values: dict, rows: dict[str, Sequence[dict]] | None
                     = None, actor: User | None = None) -> CarePlan:
    """Save some of a draft ICP's own fields and lists of rows (``rows``: list name, as in
    ``PLAN_ROWS``, to its rows)."""
    _refuse_frozen(plan)
    allowed = {f for fields in PLAN_SECTIONS.values() for f in fields}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not care plan fields: {sorted(unknown)}")
    values = _clean_text(values)
    problems: list[str] = []
    if "meeting_on" in values:
        not_future(values["meeting_on"], _("The meeting date"), problems)
    refuse(problems)
    changed = _changed(plan, values)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.full_clean()
    for name, given in (rows or {}).items():
        model, fields = PLAN_ROWS[name]
        _sync_rows(model=model, parent={"plan": plan}, fields=fields, rows=given,
                   member_id=plan.member_id, actor=actor,
                   check=_step_check(plan) if name == "steps" else None)
    if changed:
        plan.save()
        audit_change(action=Action.UPDATE, obj=plan, member=plan.member_id, actor=actor,
                     fields=changed)
    return plan


def _step_check(plan: CarePlan):
    def check(number, row):
        problems = []
        goal, responsible = row.get("goal"), row.get("responsible")
        if goal is not None and goal.plan_id != plan.pk:
            problems.append(_("Row %(n)d: the goal is not part of this plan.") % {"n": number})
        if responsible is not None and responsible.plan_id != plan.pk:
            problems.append(_("Row %(n)d: the responsible person is not on this plan's care "
                              "team.") % {"n": number})
        return problems

    return check


def care_plan_missing(plan: CarePlan, finalized_on: date | None = None):
    return plan_missing(plan_content(plan, as_of=finalized_on))


@transaction.atomic
def care_plan_finalize(*, plan: CarePlan, finalized_on: date,
                       actor: User | None = None) -> CarePlan:
    """Finalize a draft: only with every required element (PS VI.A.1.c), all of them listed
    when any is missing. The version in force before it becomes superseded, and the
    requests for an ICP update it answers are linked to it (``careplans.updates``)."""
    lock_member(plan.member)  # a request for an update recorded meanwhile waits (or we do)
    plan = CarePlan.objects.select_for_update(of=("self",)).select_related(
        "member", "previous").get(
        pk=plan.pk)
    _refuse_frozen(plan)
    problems: list[str] = []
    not_future(finalized_on, _("The finalization date"), problems, "finalized_on")
    if plan.meeting_on and finalized_on < plan.meeting_on:
        problems.append(FieldProblem(_("The ICP cannot be finalized before its care planning "
                                       "meeting (%(date)s).")
                                     % {"date": plan.meeting_on.isoformat()}, "finalized_on"))
    earlier = plan.member.care_plans.filter(finalized_on__isnull=False) \
        .exclude(pk=plan.pk).order_by("-finalized_on").first()
    if earlier and finalized_on < earlier.finalized_on:
        problems.append(FieldProblem(
            _("Version %(version)d was finalized on %(date)s; a later version cannot be "
              "finalized before it.")
            % {"version": earlier.version, "date": earlier.finalized_on.isoformat()},
            "finalized_on"))
    problems.extend(missing_reasons(care_plan_missing(plan, finalized_on)))
    refuse(problems)
    for old in plan.member.care_plans.select_for_update().filter(
            status=CarePlanStatus.FINALIZED).exclude(pk=plan.pk):
        old.status = CarePlanStatus.SUPERSEDED
        old.save()
        audit_change(action=Action.UPDATE, obj=old, member=plan.member_id, actor=actor,
                     fields=["status"], detail={"superseded_by": plan.pk})
    plan.status = CarePlanStatus.FINALIZED
    plan.finalized_on = finalized_on
    plan.finalized_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.finalized_at = timezone.now()
    plan.save()
    audit_change(action=Action.UPDATE, obj=plan, member=plan.member_id, actor=actor,
                 fields=["finalized_at", "finalized_by", "finalized_on", "status"])
    link_answered_requests(plan, actor=actor)
    events.tell(events.member_facts_changed, member_id=plan.member_id)
    return plan
