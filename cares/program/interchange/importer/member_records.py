"""Writing one member's records: the member through the member service (``member_save``, the
intake rules of ``member_record_problems``), the primary contact held to the enrollment rule
(``primary_contact_problems``), then the episode and the dated records the rule book reads."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from careplans.models import Assessment, CarePlan, CarePlanDelivery, CarePlanStatus
from cares.base.staff.models import StaffProfile
from cares.program.interchange.importer.coordination_records import (
    import_contacts,
    import_hospital_stays,
)
from cares.program.interchange.importer.errors import CaseloadImportError
from cares.program.interchange.importer.values import day
from cares.program.interchange.importer.writing import (
    ASSESSMENT_FIELDS,
    CARE_PLAN_FIELDS,
    DATE_FIELD,
    DELIVERY_FIELDS,
    EPISODE_FIELDS,
    GUARDIAN_FIELDS,
    LETTER_FIELDS,
    MEMBER_FIELDS,
    MONITORING_FIELDS,
    REFERRAL_FIELDS,
    REMOVAL_FIELDS,
    Counts,
    Maker,
    differs,
    model_errors,
    numbered,
    numbering,
    problem_errors,
    save,
    sync,
)
from members.models import (
    CareTeamMember,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Guardian,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from members.services import (
    member_record_problems,
    member_save,
    primary_contact_role,
    primary_contact_role_problems,
)
from notices.models import Letter, LetterKind, LetterStatus


def _member(record: dict, counts: Counts, at: str) -> Member:
    """The member's own record, through ``member_save`` when anything differs."""
    member = Member.objects.filter(key=record["key"]).first() or Member(key=record["key"])
    values = {
        "legal_first_name": record["first_name"], "legal_last_name": record["last_name"],
        "date_of_birth": day(record["date_of_birth"]), "masshealth_id": record["masshealth_id"],
        "primary_language": record.get("primary_language") or "en",
        "preferred_written_language": record.get("primary_language") or "en",
    }
    if not differs(member, values):
        return member
    created = member._state.adding
    for k, v in values.items():
        setattr(member, k, v)
    try:
        member_save(member=member)
    except ValidationError as exc:  # the model's checks, or the intake rules refused
        raise CaseloadImportError(model_errors(exc, at, MEMBER_FIELDS)) from exc
    (counts.created if created else counts.updated)["members"] += 1
    return member


def _contact(record: dict, staff_by_key: dict, at: str) -> StaffProfile | None:
    """The primary contact: a care coordinator or senior care manager (PS VI.B.1.a, the
    enrollment service's role rule; their qualifications are the staff check's, PS IV.B).
    None when there is none, or when that staff member was refused (already reported)."""
    key = record.get("primary_contact")
    if key is None:
        return None
    contact = staff_by_key.get(key) or StaffProfile.objects.filter(key=key).first()
    if contact is None:
        return None
    problems = primary_contact_role_problems(contact)
    if problems:
        raise CaseloadImportError([f"{at}.primary_contact: {p}" for p in problems])
    return contact


def _since(record: dict):
    enrollment = record.get("enrollment")
    return day(enrollment["effective_date"]) if enrollment else day(record["referral_date"])


def _episode(record: dict, member: Member, contact: StaffProfile | None, counts: Counts,
             at: str) -> Episode:
    enrollment, termination = record.get("enrollment"), record.get("termination")
    closed = record.get("closed_before_enrollment")  # reading 12
    referral_date = day(record["referral_date"])
    status = EpisodeStatus.TERMINATED if termination else (
        EpisodeStatus.ENROLLED if enrollment else
        EpisodeStatus.INELIGIBLE if closed and closed["reason"] == "ineligible" else
        EpisodeStatus.CLOSED_UNENROLLED if closed else EpisodeStatus.REFERRED)
    episodes = list(member.episodes.order_by("referral_date", "pk")) if member.pk else []
    episode = next((e for e in episodes if e.referral_date == referral_date), None) or (
        episodes[-1] if episodes else Episode(member=member))
    new_episode = episode.pk is None
    save(episode, {
        "referral_date": referral_date,
        "referral_source": episode.referral_source or "other",
        "referring_entity": episode.referring_entity or "Imported caseload",
        "status": status,
        "effective_date": day(enrollment["effective_date"]) if enrollment else None,
        "primary_contact": contact if enrollment else None,
        "termination_date": day(termination["date"]) if termination else None,
        "closed_on": day(closed["date"]) if closed else None,
        "closure_reason": closed["reason"] if closed else "",
    }, counts, "episodes", at, EPISODE_FIELDS)
    if new_episode:
        EpisodeStatusChange.objects.create(
            episode=episode, to_status=status,
            on=(day(termination["date"]) if termination else
                day(enrollment["effective_date"]) if enrollment else
                day(closed["date"]) if closed else referral_date))
    return episode


def _care_team(record: dict, member: Member, contact: StaffProfile, counts: Counts) -> None:
    """The primary contact is on the care team from enrollment (or referral), in the role
    in which they qualify (``primary_contact_role``)."""
    since = _since(record)
    if not CareTeamMember.objects.filter(member=member, staff=contact,
                                         until__isnull=True).exists():
        CareTeamMember.objects.create(member=member, staff=contact, since=since,
                                      role=primary_contact_role(contact, since))
        counts.created["care team"] += 1


def _guardians_and_letters(record: dict, member: Member, episode: Episode, counts: Counts,
                           at: str, errors: list[str]) -> None:
    sync(member.guardians.all(), {
        g["name"]: (f"{at}.guardians[{j}]", {
            "name": g["name"], "relationship": g.get("relationship") or "",
            "phone": g.get("phone") or "", "email": g.get("email") or "",
            "address": g.get("address") or ""})
        for j, g in enumerate(record.get("guardians") or [])},
        Maker(lambda: Guardian(member=member), lambda o: o.name), counts, "guardians",
        at=f"{at}.guardians", fields=GUARDIAN_FIELDS, errors=errors)
    enrollment, termination = record.get("enrollment"), record.get("termination")
    letters = {}
    if enrollment and enrollment.get("letter_sent"):
        letters[LetterKind.ENROLLMENT] = (f"{at}.enrollment", day(enrollment["letter_sent"]))
    if termination and termination.get("letter_sent"):
        letters[LetterKind.TERMINATION] = (f"{at}.termination", day(termination["letter_sent"]))
    sync(member.letters.filter(episode=episode), {
        kind: (path, {"kind": kind, "sent_on": sent, "status": LetterStatus.SENT,
                      "language": member.primary_language})
        for kind, (path, sent) in letters.items()},
        Maker(lambda: Letter(member=member, episode=episode), lambda o: o.kind), counts,
        "letters", at=at, fields=LETTER_FIELDS, errors=errors)


def _assessment_identity(a: dict) -> tuple:
    """What an assessment of the file is matched by. Whether it asks for an ICP update
    (reading 15) is part of it: a completed assessment cannot change (PS VI.A.1.b), so a
    different finding is a different record."""
    return a["kind"], day(a.get("completed")), bool(a.get("icp_update_needed"))


def _assessments_and_plans(record: dict, member: Member, counts: Counts, at: str,
                           errors: list[str]) -> None:
    sync(member.assessments.all(), {
        (*_assessment_identity(a), n): (f"{at}.assessments[{j}]", {
            "kind": a["kind"], "completed_on": day(a.get("completed")),
            "icp_update_needed": bool(a.get("icp_update_needed"))})
        for j, (n, a) in enumerate(numbered(record.get("assessments") or [],
                                            _assessment_identity))},
        Maker(lambda: Assessment(member=member),
              numbering(lambda o: (o.kind, o.completed_on, o.icp_update_needed))), counts,
        "assessments", at=f"{at}.assessments", fields=ASSESSMENT_FIELDS, errors=errors)
    plans = record.get("care_plans") or []
    last_final = max((i for i, p in enumerate(plans) if p.get("finalized")), default=None)
    kept = sync(member.care_plans.all(), {
        i + 1: (f"{at}.care_plans[{i}]", {
            "version": i + 1, "finalized_on": day(p.get("finalized")),
            "status": (CarePlanStatus.DRAFT if not p.get("finalized") else
                       CarePlanStatus.FINALIZED if i == last_final
                       else CarePlanStatus.SUPERSEDED)})
        for i, p in enumerate(plans)},
        Maker(lambda: CarePlan(member=member), lambda o: o.version), counts, "care plans",
        at=f"{at}.care_plans", fields=CARE_PLAN_FIELDS, errors=errors)
    for i, p in enumerate(plans):
        plan = kept.get(i + 1)
        if plan is None:  # refused, already reported
            continue
        sync(plan.deliveries.all(), {
            (d["language"], d["medium"], day(d["date"]), n): (
                f"{at}.care_plans[{i}].deliveries[{j}]", {
                    "language": d["language"], "medium": d["medium"],
                    "delivered_on": day(d["date"])})
            for j, (n, d) in enumerate(numbered(
                p.get("deliveries") or [], lambda d: (d["language"], d["medium"], d["date"])))},
            Maker(lambda plan=plan: CarePlanDelivery(care_plan=plan),
                  numbering(lambda o: (o.language, o.medium, o.delivered_on))),
            counts, "deliveries", at=f"{at}.care_plans[{i}].deliveries",
            fields=DELIVERY_FIELDS, errors=errors)


def _monitoring_and_referrals(record: dict, member: Member, counts: Counts, at: str,
                              errors: list[str]) -> None:
    sync(member.monitoring_reviews.all(), {
        (day(r["date"]), n): (f"{at}.monitoring[{j}]", {
            "reviewed_on": day(r["date"]),
            "icp_update_needed": bool(r.get("icp_update_needed"))})  # reading 15
        for j, (n, r) in enumerate(numbered(record.get("monitoring") or [],
                                            lambda r: r["date"]))},
        Maker(lambda: MonitoringReview(member=member),
              numbering(lambda o: o.reviewed_on)), counts, "monitoring reviews",
        at=f"{at}.monitoring", fields=MONITORING_FIELDS, errors=errors)
    referrals = sync(member.referrals.all(), {
        r["key"]: (f"{at}.referrals[{j}]", {
            "key": r["key"], "service": r["service"], "referred_on": day(r["referred"]),
            "scheduled_on": day(r.get("scheduled")),
            "exception_reason": r.get("exception_reason") or ""})
        for j, r in enumerate(record.get("referrals") or [])},
        Maker(lambda: ServiceReferral(member=member), lambda o: o.key), counts, "referrals",
        at=f"{at}.referrals", fields=REFERRAL_FIELDS, errors=errors)
    for j, r in enumerate(record.get("referrals") or []):
        referral = referrals.get(r["key"])
        if referral is None:  # refused, already reported
            continue
        path = f"{at}.referrals[{j}].follow_up"
        wanted = {day(r["follow_up"]): (path, {"followed_up_on": day(r["follow_up"])})} \
            if r.get("follow_up") else {}
        sync(referral.follow_ups.all(), wanted,
             Maker(lambda referral=referral: ReferralFollowUp(referral=referral),
                   lambda o: o.followed_up_on), counts, "follow-ups",
             at=path, fields=DATE_FIELD, errors=errors)
    plan = record.get("transition_plan")
    path = f"{at}.transition_plan"
    sync(member.transition_plans.all(),
         {day(plan["recorded"]): (f"{path}.recorded", {"recorded_on": day(plan["recorded"])})}
         if plan else {},
         Maker(lambda: TransitionPlan(member=member), lambda o: o.recorded_on), counts,
         "transition plans", at=path, fields=DATE_FIELD, errors=errors)


def _removal(record: dict, episode: Episode, counts: Counts, at: str,
             errors: list[str]) -> None:
    termination = record.get("termination")
    removal = Removal.objects.filter(episode=episode).first()
    if termination:
        removal = removal or Removal(episode=episode)
        terminated = day(termination["date"])
        try:
            save(removal, {
                "initiated_on": removal.initiated_on or terminated,
                "reason": termination["reason"], "planned_termination_date": terminated,
                "plan_completed_on": day(termination.get("aftercare_plan")),
            }, counts, "removals", f"{at}.termination", REMOVAL_FIELDS)
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
    elif removal is not None:
        try:
            removal.delete()
        except ValidationError as exc:
            errors.extend(model_errors(exc, f"{at}.termination", {}))
        else:
            counts.deleted["removals"] += 1


def import_member(record: dict, staff_by_key: dict, counts: Counts, at: str,
                  errors: list[str]) -> Member:
    """Load one member. A member, primary contact or episode refused raises
    CaseloadImportError; refused records below them are added to ``errors`` and the rest is
    still checked."""
    member = _member(record, counts, at)
    contact = _contact(record, staff_by_key, at)
    episode = _episode(record, member, contact, counts, at)
    # The intake rules the member service holds on every save, now that the episode is known.
    errors.extend(problem_errors(member_record_problems(member), at, MEMBER_FIELDS))
    if contact is not None:
        _care_team(record, member, contact, counts)
    _guardians_and_letters(record, member, episode, counts, at, errors)
    _assessments_and_plans(record, member, counts, at, errors)
    _monitoring_and_referrals(record, member, counts, at, errors)
    import_contacts(record, member, counts, at, errors)
    import_hospital_stays(record, member, counts, at, errors)
    _removal(record, episode, counts, at, errors)
    return member
