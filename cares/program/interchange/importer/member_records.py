"""Reading one member's records into the import's bulk writes (``bulk.Writes``): the member
held to the member service's rules (``member_save``: the model's validation, the state-agency
codes, the intake rules of ``date_of_birth_problems``), the primary contact to the enrollment
rule (``primary_contact_role_problems``), then the episode and the dated records the rule book
reads. Stored records come from ``stored.Stored`` (read up front), never one query each."""

from __future__ import annotations

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
    Maker,
    Work,
    check_row,
    differs,
    numbered,
    numbering,
    problem_errors,
    save,
    sync,
)
from members.benefits import agency_problems
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
from members.services import primary_contact_role, primary_contact_role_problems
from members.services.record import date_of_birth_problems
from notices.models import Letter, LetterKind, LetterStatus


def _member(record: dict, work: Work, at: str) -> Member:
    """The member's own record, held to ``member_save``'s rules when anything differs."""
    member = work.stored.members.get(record["key"]) or Member(key=record["key"])
    values = {
        "legal_first_name": record["first_name"], "legal_last_name": record["last_name"],
        "date_of_birth": day(record["date_of_birth"]), "masshealth_id": record["masshealth_id"],
        "primary_language": record.get("primary_language") or "en",
        "preferred_written_language": record.get("primary_language") or "en",
    }
    if not differs(member, values):
        return member
    created = member._state.adding
    changed = [k for k, v in values.items() if getattr(member, k) != v]
    for k, v in values.items():
        setattr(member, k, v)
    problems = problem_errors(agency_problems(member.state_agencies), at, MEMBER_FIELDS)
    problems += check_row(member, at, MEMBER_FIELDS)
    if problems:
        raise CaseloadImportError(problems)
    if created:
        work.writes.create(member)
    else:
        work.writes.update(member, changed, at)
    work.writes.audit_member(member, created, [] if created else changed)
    (work.counts.created if created else work.counts.updated)["members"] += 1
    return member


def _contact(record: dict, work: Work, at: str) -> StaffProfile | None:
    """The primary contact: a care coordinator or senior care manager (PS VI.B.1.a, the
    enrollment service's role rule; their qualifications are the staff check's, PS IV.B).
    None when there is none, or when that staff member was refused (already reported)."""
    key = record.get("primary_contact")
    if key is None:
        return None
    contact = work.stored.contacts.get(key)
    if contact is None:
        return None
    problems = primary_contact_role_problems(contact)
    if problems:
        raise CaseloadImportError([f"{at}.primary_contact: {p}" for p in problems])
    return contact


def _since(record: dict):
    enrollment = record.get("enrollment")
    return day(enrollment["effective_date"]) if enrollment else day(record["referral_date"])


def _status(record: dict) -> str:
    enrollment, closed = record.get("enrollment"), record.get("closed_before_enrollment")
    return EpisodeStatus.TERMINATED if record.get("termination") else (
        EpisodeStatus.ENROLLED if enrollment else
        EpisodeStatus.INELIGIBLE if closed and closed["reason"] == "ineligible" else
        EpisodeStatus.CLOSED_UNENROLLED if closed else EpisodeStatus.REFERRED)


def _episode(record: dict, member: Member, contact: StaffProfile | None, work: Work,
             at: str) -> Episode:
    enrollment, termination = record.get("enrollment"), record.get("termination")
    closed = record.get("closed_before_enrollment")  # reading 12
    referral_date = day(record["referral_date"])
    status = _status(record)
    episodes = work.stored.of("episodes", member)
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
    }, work.counts, "episodes", at, EPISODE_FIELDS, work.writes)
    if new_episode:
        work.writes.create(EpisodeStatusChange(
            episode=episode, to_status=status,
            on=(day(termination["date"]) if termination else
                day(enrollment["effective_date"]) if enrollment else
                day(closed["date"]) if closed else referral_date)))
    return episode


def _intake_problems(member: Member, episode: Episode, work: Work, at: str) -> list[str]:
    """The intake rules the member service holds on every save (``date_of_birth_problems``),
    against the member's episodes as they will be once written, newest first."""
    episodes = work.stored.of("episodes", member)
    if episode.pk is None:
        episodes.append(episode)
    episodes.sort(key=lambda e: (e.referral_date, e.pk is None, e.pk or 0), reverse=True)
    return problem_errors(date_of_birth_problems(member.date_of_birth, episodes), at,
                          MEMBER_FIELDS)


def _care_team(record: dict, member: Member, contact: StaffProfile, work: Work) -> None:
    """The primary contact is on the care team from enrollment (or referral), in the role
    in which they qualify (``primary_contact_role``)."""
    since = _since(record)
    if member.pk is None or (member.pk, contact.pk) not in work.stored.care_team:
        work.writes.create(CareTeamMember(member=member, staff=contact, since=since,
                                          role=primary_contact_role(contact, since)))
        work.counts.created["care team"] += 1


def _guardians_and_letters(record: dict, member: Member, episode: Episode, work: Work,
                           at: str) -> None:
    sync(work.stored.of("guardians", member), {
        g["name"]: (f"{at}.guardians[{j}]", {
            "name": g["name"], "relationship": g.get("relationship") or "",
            "phone": g.get("phone") or "", "email": g.get("email") or "",
            "address": g.get("address") or ""})
        for j, g in enumerate(record.get("guardians") or [])},
        Maker(lambda: Guardian(member=member), lambda o: o.name), work, "guardians",
        at=f"{at}.guardians", fields=GUARDIAN_FIELDS)
    enrollment, termination = record.get("enrollment"), record.get("termination")
    letters = {}
    if enrollment and enrollment.get("letter_sent"):
        letters[LetterKind.ENROLLMENT] = (f"{at}.enrollment", day(enrollment["letter_sent"]))
    if termination and termination.get("letter_sent"):
        letters[LetterKind.TERMINATION] = (f"{at}.termination", day(termination["letter_sent"]))
    sync(work.stored.letters(member, episode), {
        kind: (path, {"kind": kind, "sent_on": sent, "status": LetterStatus.SENT,
                      "language": member.primary_language})
        for kind, (path, sent) in letters.items()},
        Maker(lambda: Letter(member=member, episode=episode), lambda o: o.kind), work,
        "letters", at=at, fields=LETTER_FIELDS)


def _assessment_identity(a: dict) -> tuple:
    """What an assessment of the file is matched by. Whether it asks for an ICP update
    (reading 15) is part of it: a completed assessment cannot change (PS VI.A.1.b), so a
    different finding is a different record."""
    return a["kind"], day(a.get("completed")), bool(a.get("icp_update_needed"))


def _assessments(record: dict, member: Member, work: Work, at: str) -> None:
    sync(work.stored.of("assessments", member), {
        (*_assessment_identity(a), n): (f"{at}.assessments[{j}]", {
            "kind": a["kind"], "completed_on": day(a.get("completed")),
            "icp_update_needed": bool(a.get("icp_update_needed"))})
        for j, (n, a) in enumerate(numbered(record.get("assessments") or [],
                                            _assessment_identity))},
        Maker(lambda: Assessment(member=member),
              numbering(lambda o: (o.kind, o.completed_on, o.icp_update_needed))), work,
        "assessments", at=f"{at}.assessments", fields=ASSESSMENT_FIELDS)


def _plans(record: dict, member: Member, work: Work, at: str) -> None:
    plans = record.get("care_plans") or []
    last_final = max((i for i, p in enumerate(plans) if p.get("finalized")), default=None)
    kept = sync(work.stored.of("care_plans", member), {
        i + 1: (f"{at}.care_plans[{i}]", {
            "version": i + 1, "finalized_on": day(p.get("finalized")),
            "status": (CarePlanStatus.DRAFT if not p.get("finalized") else
                       CarePlanStatus.FINALIZED if i == last_final
                       else CarePlanStatus.SUPERSEDED)})
        for i, p in enumerate(plans)},
        Maker(lambda: CarePlan(member=member), lambda o: o.version), work, "care plans",
        at=f"{at}.care_plans", fields=CARE_PLAN_FIELDS)
    for i, p in enumerate(plans):
        plan = kept.get(i + 1)
        if plan is None:  # refused, already reported
            continue
        sync(work.stored.deliveries.get(plan.pk, []) if plan.pk else [], {
            (d["language"], d["medium"], day(d["date"]), n): (
                f"{at}.care_plans[{i}].deliveries[{j}]", {
                    "language": d["language"], "medium": d["medium"],
                    "delivered_on": day(d["date"])})
            for j, (n, d) in enumerate(numbered(
                p.get("deliveries") or [], lambda d: (d["language"], d["medium"], d["date"])))},
            Maker(lambda plan=plan: CarePlanDelivery(care_plan=plan),
                  numbering(lambda o: (o.language, o.medium, o.delivered_on))),
            work, "deliveries", at=f"{at}.care_plans[{i}].deliveries",
            fields=DELIVERY_FIELDS)


def _monitoring(record: dict, member: Member, work: Work, at: str) -> None:
    sync(work.stored.of("monitoring", member), {
        (day(r["date"]), n): (f"{at}.monitoring[{j}]", {
            "reviewed_on": day(r["date"]),
            "icp_update_needed": bool(r.get("icp_update_needed"))})  # reading 15
        for j, (n, r) in enumerate(numbered(record.get("monitoring") or [],
                                            lambda r: r["date"]))},
        Maker(lambda: MonitoringReview(member=member),
              numbering(lambda o: o.reviewed_on)), work, "monitoring reviews",
        at=f"{at}.monitoring", fields=MONITORING_FIELDS)


def _transition_plan(record: dict, member: Member, work: Work, at: str) -> None:
    plan = record.get("transition_plan")
    path = f"{at}.transition_plan"
    sync(work.stored.of("transition_plans", member),
         {day(plan["recorded"]): (f"{path}.recorded", {"recorded_on": day(plan["recorded"])})}
         if plan else {},
         Maker(lambda: TransitionPlan(member=member), lambda o: o.recorded_on), work,
         "transition plans", at=path, fields=DATE_FIELD)


def _referrals(record: dict, member: Member, work: Work, at: str) -> None:
    referrals = sync(work.stored.of("referrals", member), {
        r["key"]: (f"{at}.referrals[{j}]", {
            "key": r["key"], "service": r["service"], "referred_on": day(r["referred"]),
            "scheduled_on": day(r.get("scheduled")),
            "exception_reason": r.get("exception_reason") or ""})
        for j, r in enumerate(record.get("referrals") or [])},
        Maker(lambda: ServiceReferral(member=member), lambda o: o.key), work, "referrals",
        at=f"{at}.referrals", fields=REFERRAL_FIELDS)
    for j, r in enumerate(record.get("referrals") or []):
        referral = referrals.get(r["key"])
        if referral is None:  # refused, already reported
            continue
        path = f"{at}.referrals[{j}].follow_up"
        wanted = {day(r["follow_up"]): (path, {"followed_up_on": day(r["follow_up"])})} \
            if r.get("follow_up") else {}
        sync(work.stored.follow_ups.get(referral.pk, []) if referral.pk else [], wanted,
             Maker(lambda referral=referral: ReferralFollowUp(referral=referral),
                   lambda o: o.followed_up_on), work, "follow-ups",
             at=path, fields=DATE_FIELD)


def _removal(record: dict, episode: Episode, work: Work, at: str) -> None:
    termination = record.get("termination")
    removal = work.stored.removals.get(episode.pk) if episode.pk else None
    if termination:
        removal = removal or Removal(episode=episode)
        terminated = day(termination["date"])
        try:
            save(removal, {
                "initiated_on": removal.initiated_on or terminated,
                "reason": termination["reason"], "planned_termination_date": terminated,
                "plan_completed_on": day(termination.get("aftercare_plan")),
            }, work.counts, "removals", f"{at}.termination", REMOVAL_FIELDS, work.writes)
        except CaseloadImportError as exc:
            work.errors.extend(exc.errors)
    elif removal is not None:
        work.writes.delete(removal, f"{at}.termination", "removals")


def import_member(record: dict, work: Work, at: str) -> Member:
    """Read one member into the import's writes. A member, primary contact or episode
    refused raises CaseloadImportError; refused records below them are added to
    ``work.errors`` and the rest is still checked."""
    member = _member(record, work, at)
    contact = _contact(record, work, at)
    episode = _episode(record, member, contact, work, at)
    work.errors.extend(_intake_problems(member, episode, work, at))
    if contact is not None:
        _care_team(record, member, contact, work)
    _guardians_and_letters(record, member, episode, work, at)
    _assessments(record, member, work, at)
    _plans(record, member, work, at)
    _monitoring(record, member, work, at)
    _referrals(record, member, work, at)
    _transition_plan(record, member, work, at)
    import_contacts(record, member, work, at)
    import_hospital_stays(record, member, work, at)
    _removal(record, episode, work, at)
    return member
