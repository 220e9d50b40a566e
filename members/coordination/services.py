"""Writes to the care coordination records (PS III, IV.A.2, VI.B-D; CLR).

As in ``members.services``: each function checks its preconditions and refuses with a clear
message (``LifecycleError``), writing nothing; every change writes an audit event; a change
that moves a deadline refreshes the member's stored deadlines (or, for a consultation, the
senior medical professional's). A referral's status moves only along
``rules.REFERRAL_PIPELINE``, each move recorded with its date and author.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import Role, StaffProfile, User
from members.coordination import rules
from members.coordination.models import (
    CaseReview,
    ClosureReason,
    ConsultationRequest,
    ContactNote,
    DeclineReason,
    ExceptionKind,
    MonitoringReview,
    NoticeKind,
    OnCallCall,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerKind,
    ServiceReferral,
    TransitionPlan,
)
from members.models import Episode, Member, age_on
from members.services import (
    LifecycleError,
    _changed_fields,
    _not_future,
    _refresh,
    _refuse,
    current_episode,
)

TRANSITION_FROM_AGE = 16  # PS VI.C
TRANSFER_TIMING_FROM_AGE = 20  # PS VI.C.5: as the member approaches 21


def _text(value: str | None) -> str:
    return (value or "").strip()


def _not_future_time(value: datetime | None, label: str, problems: list[str]) -> None:
    if value and value > timezone.now():
        problems.append(_("%(label)s cannot be in the future.") % {"label": label})


def _required(value, label: str, problems: list[str]) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(_("Record %(label)s.") % {"label": label})


def _save(obj, *, member_id: int, actor: User | None, problems: list[str]):
    """Refuse with ``problems`` or validate in full, save and audit (create or update)."""
    _refuse(problems)
    obj.full_clean()
    created, changed = obj.pk is None, _changed_fields(obj)
    obj.save()
    if created or changed:
        audit_change(action=Action.CREATE if created else Action.UPDATE, obj=obj,
                     member=member_id, actor=actor, fields=changed)
    return obj


# --- Referrals (PS VI.D.2; CLR) -------------------------------------------------------------------

REFERRAL_FIELDS = ("service", "provider", "provider_person", "referrer_kind", "referrer_name",
                   "referrer_contact", "scheduled_on", "goal", "icp_goal")


def _referral_problems(referral: ServiceReferral, episode: Episode | None) -> list[str]:
    problems: list[str] = []
    _required(referral.service, _("the service"), problems)
    _not_future(referral.referred_on, _("The referral date"), problems)
    if episode is None or not episode.is_open:
        problems.append(_("The member has no open episode: referrals are made while the "
                          "member is referred to or enrolled in CARES."))
    elif referral.referred_on and referral.referred_on < episode.referral_date:
        problems.append(_("The referral date is before the member was referred to CARES "
                          "(%(date)s).") % {"date": episode.referral_date.isoformat()})
    if referral.scheduled_on and referral.referred_on and \
            referral.scheduled_on < referral.referred_on:
        problems.append(_("The scheduled service date is before the referral date."))
    if referral.goal_id and referral.goal.plan.member_id != referral.member_id:
        problems.append(_("That ICP goal is another member's."))
    if referral.referrer_kind == ReferrerKind.PROFESSIONAL and not (
            _text(referral.referrer_name) or referral.referrer_contact_id):
        problems.append(_("Name the professional who referred, or pick them from the "
                          "directory: they are owed a notice when the loop closes (CLR)."))
    return problems


@transaction.atomic
def referral_create(*, member: Member, service: str, referred_on: date,
                    referrer_kind: str = ReferrerKind.CARES_TEAM, referrer_name: str = "",
                    referrer_contact=None, provider=None, provider_person: str = "",
                    scheduled_on: date | None = None, goal=None, icp_goal: str = "",
                    actor: User | None = None) -> ServiceReferral:
    """Refer the member to a service (PS VI.B.1.f). It starts ``pending``; a second open
    referral for the same service is kept and shown as a likely duplicate (CLR FAQ)."""
    referral = ServiceReferral(
        member=member, service=_text(service), referred_on=referred_on,
        referrer_kind=referrer_kind, referrer_name=_text(referrer_name),
        referrer_contact=referrer_contact, provider=provider,
        provider_person=_text(provider_person), scheduled_on=scheduled_on, goal=goal,
        icp_goal=_text(icp_goal), status=ReferralStatus.PENDING,
        status_changed_on=referred_on, created_by=actor)
    if referral.referrer_kind == ReferrerKind.PROFESSIONAL and not referral.referrer_name \
            and referrer_contact is not None:
        referral.referrer_name = str(referrer_contact)[:200]
    _save(referral, member_id=member.pk, actor=actor,
          problems=_referral_problems(referral, current_episode(member)))
    ReferralStatusChange.objects.create(referral=referral, to_status=ReferralStatus.PENDING,
                                        on=referred_on, changed_by=actor)
    _refresh(member.pk)
    return referral


@transaction.atomic
def referral_update(*, referral: ServiceReferral, actor: User | None = None,
                    **fields) -> ServiceReferral:
    """Change a referral's details (not its status): e.g. the scheduled service date once it
    is known. A closed referral no longer changes."""
    unknown = set(fields) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValueError(f"not referral fields: {sorted(unknown)}")
    stored = ServiceReferral.objects.get(pk=referral.pk)
    if stored.status == ReferralStatus.CLOSED:
        raise LifecycleError(_("This referral's loop was closed on %(date)s; it no longer "
                               "changes.") % {"date": stored.closed_on.isoformat()})
    for name, value in fields.items():
        setattr(referral, name, _text(value) if isinstance(value, str) else value)
    problems = _referral_problems(referral, current_episode(referral.member))
    if referral.scheduled_on != stored.scheduled_on and referral.follow_ups.exists():
        problems.append(_("A follow-up is already recorded; the scheduled date no longer "
                          "changes."))
    _save(referral, member_id=referral.member_id, actor=actor, problems=problems)
    _refresh(referral.member_id)
    return referral


@transaction.atomic
def referral_status_change(*, referral: ServiceReferral, to_status: str, on: date,
                           reason: str = "", note: str = "",
                           actor: User | None = None) -> ServiceReferral:
    """Move a referral along the CLR statuses: declined needs a decline reason, closed a
    closure reason; "other" needs a note. Every move is kept with its date and author."""
    referral = ServiceReferral.objects.select_for_update().get(pk=referral.pk)
    current = referral.status
    problems: list[str] = []
    if not rules.can_move(current, to_status):
        raise LifecycleError(
            _("A %(current)s referral cannot become %(new)s.")
            % {"current": ReferralStatus(current).name.lower(),
               "new": ReferralStatus(to_status).name.lower()})
    _not_future(on, _("The date of the change"), problems)
    if on < referral.last_change_on:
        problems.append(_("The change cannot predate the referral's last status change "
                          "(%(date)s).") % {"date": referral.last_change_on.isoformat()})
    note = _text(note)
    if to_status == ReferralStatus.DECLINED:
        if reason not in DeclineReason.values:
            problems.append(_("Give the reason the provider declined (no capacity, outside "
                              "the service area, or other)."))
    elif to_status == ReferralStatus.CLOSED:
        if reason not in ClosureReason.values:
            problems.append(_("Give the reason the loop closed (CLR closure reason)."))
    elif reason:
        problems.append(_("Only a decline or a closure takes a reason."))
    if reason == "other" and not note:
        problems.append(_("Explain the 'other' reason in the note."))
    _refuse(problems)
    ReferralStatusChange.objects.create(referral=referral, from_status=current,
                                        to_status=to_status, on=on, reason=reason, note=note,
                                        changed_by=actor)
    referral.status = to_status
    referral.status_changed_on = on
    if to_status == ReferralStatus.DECLINED:
        referral.decline_reason = reason
    if to_status == ReferralStatus.CLOSED:
        referral.closure_reason = reason
        referral.closed_on = on
    referral.full_clean()
    referral.save()
    audit_change(action=Action.UPDATE, obj=referral, member=referral.member_id, actor=actor,
                 fields=["status"], detail={"from": current, "to": to_status,
                                            "reason": reason})
    _refresh(referral.member_id)
    return referral


@transaction.atomic
def referral_follow_up_record(*, referral: ServiceReferral, followed_up_on: date,
                              with_whom: str, services_received: bool | None,
                              met_need: bool | None = None, with_kind: str = "",
                              notes: str = "", actor: User | None = None) -> ReferralFollowUp:
    """PS VI.D.2.a-b: follow up with the member or the service provider on whether services
    were received and met the member's need; due 30 days after the scheduled date."""
    problems: list[str] = []
    _not_future(followed_up_on, _("The follow-up date"), problems)
    if followed_up_on < referral.referred_on:
        problems.append(_("The follow-up is dated before the referral (%(date)s).")
                        % {"date": referral.referred_on.isoformat()})
    elif referral.scheduled_on and followed_up_on < referral.scheduled_on:
        problems.append(_("The follow-up is dated before the scheduled service date "
                          "(%(date)s): follow up once the service was due.")
                        % {"date": referral.scheduled_on.isoformat()})
    _required(with_whom, _("with whom you followed up (the member or the service provider, "
                           "PS VI.D.2.a)"), problems)
    if services_received is None:
        problems.append(_("Record whether the services were received (PS VI.D.2.a)."))
    elif services_received and met_need is None:
        problems.append(_("Record whether the services met the member's need "
                          "(PS VI.D.2.a)."))
    elif not services_received and met_need:
        problems.append(_("Services not received cannot have met the member's need."))
    follow_up = ReferralFollowUp(
        referral=referral, followed_up_on=followed_up_on, with_kind=with_kind,
        with_whom=_text(with_whom), services_received=services_received,
        met_need=met_need if services_received else None, notes=_text(notes),
        recorded_by=actor)
    _save(follow_up, member_id=referral.member_id, actor=actor, problems=problems)
    _refresh(referral.member_id)
    return follow_up


@transaction.atomic
def referral_exception_record(*, referral: ServiceReferral, kind: str, reason: str,
                              on: date | None = None,
                              actor: User | None = None) -> ServiceReferral:
    """Release the 30-day follow-up with a documented reason: an unexpected circumstance
    (PS VI.D.2.b) or a service set more than 30 days after the referral (VI.D.2.c, in the
    case notes: the member's timeline)."""
    on = on or timezone.localdate()
    problems: list[str] = []
    if not _text(reason):
        problems.append(_("An exception needs a documented reason (PS VI.D.2.b-c)."))
    if kind not in ExceptionKind.values:
        problems.append(_("Say which exception applies (PS VI.D.2.b or VI.D.2.c)."))
    elif kind == ExceptionKind.SCHEDULED_BEYOND_30 and not rules.scheduled_beyond_30(
            referral.referred_on, referral.scheduled_on):
        problems.append(_("PS VI.D.2.c applies only to a service scheduled more than 30 days "
                          "after the referral; record the scheduled service date first, or "
                          "give an unexpected circumstance (VI.D.2.b)."))
    _not_future(on, _("The exception date"), problems)
    first = referral.follow_ups.order_by("followed_up_on").first()
    if first is not None:
        problems.append(_("A follow-up was recorded on %(date)s: no exception is needed.")
                        % {"date": first.followed_up_on.isoformat()})
    referral.exception_kind = kind
    referral.exception_reason = _text(reason)
    referral.exception_recorded_on = on
    _save(referral, member_id=referral.member_id, actor=actor, problems=problems)
    _refresh(referral.member_id)
    return referral


def _answer_problems(received_on: date, answered_on: date | None, answer: str,
                     problems: list[str]) -> None:
    if answered_on is None:
        return
    _not_future(answered_on, _("The answer date"), problems)
    if answered_on < received_on:
        problems.append(_("The answer cannot come before the inquiry."))
    if not _text(answer):
        problems.append(_("Record the answer: at least the referral's latest status (CLR)."))


@transaction.atomic
def referral_inquiry_record(*, referral: ServiceReferral, received_on: date, from_kind: str,
                            from_name: str, question: str = "",
                            answered_on: date | None = None, answer: str = "",
                            actor: User | None = None) -> ReferralInquiry:
    """An inquiry about the referral's status; the answer is owed within one business day
    (CLR). It can be recorded with its answer, or answered later."""
    problems: list[str] = []
    _not_future(received_on, _("The inquiry date"), problems)
    if received_on < referral.referred_on:
        problems.append(_("The inquiry is dated before the referral."))
    _required(from_name, _("who asked"), problems)
    _answer_problems(received_on, answered_on, answer, problems)
    inquiry = ReferralInquiry(
        referral=referral, received_on=received_on, from_kind=from_kind,
        from_name=_text(from_name), question=_text(question), answered_on=answered_on,
        answer=_text(answer) if answered_on else "",
        answered_by=actor if answered_on else None, recorded_by=actor)
    _save(inquiry, member_id=referral.member_id, actor=actor, problems=problems)
    _refresh(referral.member_id)
    return inquiry


@transaction.atomic
def referral_inquiry_answer(*, inquiry: ReferralInquiry, answered_on: date, answer: str,
                            actor: User | None = None) -> ReferralInquiry:
    problems: list[str] = []
    stored = ReferralInquiry.objects.get(pk=inquiry.pk)
    if stored.answered_on:
        raise LifecycleError(_("This inquiry was already answered on %(date)s.")
                             % {"date": stored.answered_on.isoformat()})
    if answered_on is None:
        problems.append(_("Record the date of the answer."))
    else:
        _answer_problems(stored.received_on, answered_on, answer, problems)
    inquiry.answered_on, inquiry.answer, inquiry.answered_by = answered_on, _text(answer), actor
    _save(inquiry, member_id=inquiry.referral.member_id, actor=actor, problems=problems)
    _refresh(inquiry.referral.member_id)
    return inquiry


@transaction.atomic
def referral_notice_record(*, referral: ServiceReferral, notice_kind: str, sent_on: date,
                           sent_to: str, notice_method: str,
                           actor: User | None = None) -> ReferralNotice:
    """A notice to the referring entity (CLR): of the decline, or of the loop closure and its
    reason (owed within two business days of the closure to a professional referrer)."""
    problems: list[str] = []
    _not_future(sent_on, _("The date the notice was sent"), problems)
    if notice_kind == NoticeKind.CLOSURE:
        if referral.closed_on is None:
            problems.append(_("The loop is not closed yet: close the referral with its "
                              "closure reason first."))
        elif sent_on < referral.closed_on:
            problems.append(_("A closure notice cannot predate the closure (%(date)s).")
                            % {"date": referral.closed_on.isoformat()})
    elif notice_kind == NoticeKind.DECLINE:
        declined = referral.status_changes.filter(to_status=ReferralStatus.DECLINED).first()
        if declined is None:
            problems.append(_("The referral was not declined."))
        elif sent_on < declined.on:
            problems.append(_("A decline notice cannot predate the decline (%(date)s).")
                            % {"date": declined.on.isoformat()})
    _required(sent_to, _("who the notice went to"), problems)
    notice = ReferralNotice(referral=referral, notice_kind=notice_kind, sent_on=sent_on,
                            sent_to=_text(sent_to), notice_method=notice_method,
                            recorded_by=actor)
    _save(notice, member_id=referral.member_id, actor=actor, problems=problems)
    _refresh(referral.member_id)
    return notice


# --- Monitoring (PS VI.D.1) -----------------------------------------------------------------------

def _enrolled_problems(member: Member, on: date, what: str) -> list[str]:
    episode = current_episode(member)
    if episode is None or episode.effective_date is None or not episode.is_open:
        return [_("%(what)s is for an enrolled member.") % {"what": what}]
    if on < episode.effective_date:
        return [_("%(what)s cannot predate the enrollment (%(date)s).")
                % {"what": what, "date": episode.effective_date.isoformat()}]
    return []


@transaction.atomic
def monitoring_review_record(*, member: Member, reviewed_on: date, participants: str,
                             services_per_icp: bool | None, services_adequate: bool | None,
                             changes_reflected: bool | None, icp_update_needed: bool = False,
                             notes: str = "", actor: User | None = None) -> MonitoringReview:
    """At least every six months: are services furnished per the ICP (a), adequate (b), and
    are changes in needs or status reflected in it (c)? If (b) or (c) is no, the ICP must be
    updated (PS VI.D.1, VII.B)."""
    problems = _enrolled_problems(member, reviewed_on, _("A monitoring review"))
    _not_future(reviewed_on, _("The review date"), problems)
    _required(participants, _("who took part"), problems)
    for value, label in ((services_per_icp, "VI.D.1.a"), (services_adequate, "VI.D.1.b"),
                         (changes_reflected, "VI.D.1.c")):
        if value is None:
            problems.append(_("Record the determination of PS %(item)s.") % {"item": label})
    if (services_adequate is False or changes_reflected is False) and not icp_update_needed:
        problems.append(_("Services that are not adequate, or changes not reflected in the "
                          "ICP, mean the ICP must be updated (PS VI.D.1.b-c, VII.B)."))
    review = MonitoringReview(
        member=member, reviewed_on=reviewed_on, participants=_text(participants),
        services_per_icp=services_per_icp, services_adequate=services_adequate,
        changes_reflected=changes_reflected, icp_update_needed=icp_update_needed,
        notes=_text(notes), recorded_by=actor)
    _save(review, member_id=member.pk, actor=actor, problems=problems)
    _refresh(member.pk)
    return review


@transaction.atomic
def monitoring_link_icp(*, review: MonitoringReview, care_plan,
                        actor: User | None = None) -> MonitoringReview:
    """Link the ICP version that carries the update a monitoring review asked for."""
    problems: list[str] = []
    if not review.icp_update_needed:
        problems.append(_("This review did not find that the ICP must be updated."))
    if care_plan.member_id != review.member_id:
        problems.append(_("That care plan is another member's."))
    elif care_plan.finalized_on is None or care_plan.finalized_on < review.reviewed_on:
        problems.append(_("Link an ICP version finalized on or after the review (%(date)s).")
                        % {"date": review.reviewed_on.isoformat()})
    review.new_care_plan = care_plan
    return _save(review, member_id=review.member_id, actor=actor, problems=problems)


# --- Transition to adulthood (PS VI.C) ------------------------------------------------------------

TRANSITION_FIELDS = (
    "goals_actions", "medical_summary", "emergency_plan", "condition_fact_sheet",
    "legal_documents", "adult_clinicians", "insurance_linkages", "community_linkages",
    "guardianship_need", "decision_making_supports", "legal_referrals",
    "adult_care_preparation", "primary_care_transfer_on", "primary_care_transfer",
    "subspecialty_involved", "subspecialty_transfer_on", "subspecialty_transfer",
)


def transition_plan_of(member: Member) -> TransitionPlan | None:
    return member.transition_plans.order_by("-recorded_on", "-pk").first()


@transaction.atomic
def transition_plan_save(*, member: Member, on: date | None = None,
                         actor: User | None = None, **fields) -> TransitionPlan:
    """Record the transition-to-adulthood plan from age 16 (PS VI.C), or update it ("develop
    and regularly update"). It needs the member's goals and prioritized actions, a medical
    summary and an emergency plan (VI.C.1); from age 20 also the timing of the transfer of
    primary care, and of subspecialty care if involved (VI.C.5)."""
    unknown = set(fields) - set(TRANSITION_FIELDS)
    if unknown:
        raise ValueError(f"not transition plan fields: {sorted(unknown)}")
    on = on or timezone.localdate()
    plan = transition_plan_of(member) or TransitionPlan(member=member, recorded_on=on)
    for name, value in fields.items():
        setattr(plan, name, _text(value) if isinstance(value, str) else value)
    problems: list[str] = []
    _not_future(on, _("The plan date"), problems)
    age = age_on(member.date_of_birth, on)
    if age < TRANSITION_FROM_AGE:
        problems.append(_("Transition planning begins at age 16 (PS VI.C); the member is "
                          "%(age)d.") % {"age": age})
    for name, label in (("goals_actions", _("the member's goals and prioritized actions")),
                        ("medical_summary", _("the medical summary")),
                        ("emergency_plan", _("the emergency care plan"))):
        if not _text(getattr(plan, name)):
            problems.append(_("Record %(what)s (PS VI.C.1).") % {"what": label})
    if age >= TRANSFER_TIMING_FROM_AGE:
        if not (_text(plan.primary_care_transfer) or plan.primary_care_transfer_on):
            problems.append(_("From age 20, plan the timing of the transfer of primary care "
                              "(PS VI.C.5)."))
        if plan.subspecialty_involved is None:
            problems.append(_("From age 20, say whether subspecialty care is involved "
                              "(PS VI.C.5)."))
        elif plan.subspecialty_involved and not (_text(plan.subspecialty_transfer)
                                                 or plan.subspecialty_transfer_on):
            problems.append(_("Subspecialty care is involved: plan the timing of its "
                              "transfer too (PS VI.C.5)."))
    if plan.pk is not None:
        plan.updated_on = on
    plan.recorded_by = plan.recorded_by or actor
    created = plan.pk is None
    _save(plan, member_id=member.pk, actor=actor, problems=problems)
    if created:
        _refresh(member.pk)
    return plan


# --- Contacts, the on-call line, case reviews (PS VI.B.1, III) ------------------------------------

@transaction.atomic
def contact_note_record(*, member: Member, contact_at: datetime, contact_mode: str,
                        participants: str,
                        summary: str, actor: User | None = None) -> ContactNote:
    problems: list[str] = []
    _not_future_time(contact_at, _("The contact time"), problems)
    _required(participants, _("who took part"), problems)
    _required(summary, _("what happened"), problems)
    note = ContactNote(member=member, contact_at=contact_at, contact_mode=contact_mode,
                       participants=_text(participants), summary=_text(summary),
                       recorded_by=actor)
    return _save(note, member_id=member.pk, actor=actor, problems=problems)


@transaction.atomic
def on_call_record(*, member: Member, called_at: datetime, caller: str, call_category: str,
                   summary: str, triage_decision: str, triage_notes: str = "",
                   follow_up: str = "", handled_by: StaffProfile | None = None,
                   actor: User | None = None) -> OnCallCall:
    """A call to the 24/7 on-call line and how it was triaged (PS VI.B.1.b)."""
    problems: list[str] = []
    _not_future_time(called_at, _("The call time"), problems)
    _required(caller, _("who called"), problems)
    _required(summary, _("what the caller needed"), problems)
    if triage_decision == "other" and not _text(triage_notes):
        problems.append(_("Explain the 'other' triage decision in the triage notes."))
    call = OnCallCall(member=member, called_at=called_at, caller=_text(caller),
                      call_category=call_category, summary=_text(summary),
                      triage_decision=triage_decision, triage_notes=_text(triage_notes),
                      follow_up=_text(follow_up), handled_by=handled_by, recorded_by=actor)
    return _save(call, member_id=member.pk, actor=actor, problems=problems)


@transaction.atomic
def case_review_record(*, member: Member, held_on: date, meeting_mode: str, attendees: str,
                       member_attended: bool, guardian_attended: bool, decisions: str,
                       absence_reason: str = "", actor: User | None = None) -> CaseReview:
    """An interdisciplinary case review meeting (PS III). It includes the member and their
    parent/guardian; when neither attended, the reason is recorded."""
    problems: list[str] = []
    _not_future(held_on, _("The meeting date"), problems)
    _required(attendees, _("who attended"), problems)
    _required(decisions, _("the decisions"), problems)
    if not (member_attended or guardian_attended) and not _text(absence_reason):
        problems.append(_("Case reviews include the member and their parent/guardian (PS III): "
                          "record why neither attended."))
    review = CaseReview(member=member, held_on=held_on, meeting_mode=meeting_mode,
                        attendees=_text(attendees), member_attended=member_attended,
                        guardian_attended=guardian_attended,
                        absence_reason=_text(absence_reason), decisions=_text(decisions),
                        recorded_by=actor)
    return _save(review, member_id=member.pk, actor=actor, problems=problems)


# --- Consultations with the senior medical professional (PS IV.A.2) -------------------------------

def consultant_problems(staff: StaffProfile) -> list[str]:
    """The consultant is an active senior medical professional (or their backup)."""
    if not staff.active or not staff.roles.filter(
            role=Role.SENIOR_MEDICAL_PROFESSIONAL).exists():
        return [_("%(name)s is not an active senior medical professional (PS IV.A.2).")
                % {"name": staff}]
    return []


def _refresh_staff(staff_id: int) -> None:
    from cares.deadlines.services import refresh_staff_deadlines

    refresh_staff_deadlines(staff_id)


@transaction.atomic
def consult_request(*, member: Member, requested_at: datetime, consultant: StaffProfile,
                    question: str, requested_by: StaffProfile | None = None,
                    actor: User | None = None) -> ConsultationRequest:
    """A care team member asks the senior medical professional; the answer is due within one
    business day (PS IV.A.2; Massachusetts holidays)."""
    problems = consultant_problems(consultant)
    _not_future_time(requested_at, _("The request time"), problems)
    _required(question, _("the question"), problems)
    consult = ConsultationRequest(member=member, requested_at=requested_at,
                                  requested_by=requested_by, consultant=consultant,
                                  question=_text(question), recorded_by=actor)
    _save(consult, member_id=member.pk, actor=actor, problems=problems)
    _refresh_staff(consultant.pk)
    return consult


@transaction.atomic
def consult_respond(*, consult: ConsultationRequest, responded_at: datetime,
                    response_mode: str, response: str,
                    actor: User | None = None) -> ConsultationRequest:
    stored = ConsultationRequest.objects.get(pk=consult.pk)
    if stored.responded_at:
        raise LifecycleError(_("This consultation was already answered on %(date)s.")
                             % {"date": timezone.localtime(stored.responded_at)
                                .strftime("%Y-%m-%d %H:%M")})
    problems: list[str] = []
    _not_future_time(responded_at, _("The response time"), problems)
    if responded_at and responded_at < stored.requested_at:
        problems.append(_("The response cannot come before the request."))
    _required(response, _("the response"), problems)
    _required(response_mode, _("how the senior medical professional answered"), problems)
    consult.responded_at, consult.response_mode = responded_at, response_mode
    consult.response = _text(response)
    _save(consult, member_id=consult.member_id, actor=actor, problems=problems)
    _refresh_staff(consult.consultant_id)
    return consult
