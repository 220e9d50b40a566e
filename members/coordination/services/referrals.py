"""Closed-loop referrals (PS VI.D.2; CLR): the referral, its status moves along
``rules.REFERRAL_PIPELINE`` (each with its date and author), the 30-day follow-up or its
documented exception, status inquiries and notices to the referring entity."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import User
from cares.base.toolkit import FieldProblem, Refusal, not_future, refuse, save_and_audit
from members.coordination import rules
from members.coordination.models import (
    ClosureReason,
    DeclineReason,
    ExceptionKind,
    NoticeKind,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerKind,
    ServiceReferral,
)
from members.coordination.services.checks import required, text
from members.models import Episode, Member
from members.services import current_episode

REFERRAL_FIELDS = ("service", "provider", "provider_person", "referrer_kind", "referrer_name",
                   "referrer_contact", "scheduled_on", "goal", "icp_goal")


def _referral_problems(referral: ServiceReferral, episode: Episode | None) -> list[str]:
    problems: list[str] = []
    required(referral.service, _("the service"), problems)
    not_future(referral.referred_on, _("The referral date"), problems, "referred_on")
    if episode is None or not episode.is_open:
        problems.append(_("The member has no open episode: referrals are made while the "
                          "member is referred to or enrolled in CARES."))
    elif referral.referred_on and referral.referred_on < episode.referral_date:
        problems.append(FieldProblem(
            _("The referral date is before the member was referred to CARES (%(date)s).")
            % {"date": episode.referral_date.isoformat()}, "referred_on"))
    if referral.scheduled_on and referral.referred_on and \
            referral.scheduled_on < referral.referred_on:
        problems.append(FieldProblem(
            _("The scheduled service date is before the referral date."), "scheduled_on"))
    if referral.goal_id and referral.goal.plan.member_id != referral.member_id:
        problems.append(_("That ICP goal is another member's."))
    if referral.referrer_kind == ReferrerKind.PROFESSIONAL and not (
            text(referral.referrer_name) or referral.referrer_contact_id):
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
        member=member, service=text(service), referred_on=referred_on,
        referrer_kind=referrer_kind, referrer_name=text(referrer_name),
        referrer_contact=referrer_contact, provider=provider,
        provider_person=text(provider_person), scheduled_on=scheduled_on, goal=goal,
        icp_goal=text(icp_goal), status=ReferralStatus.PENDING,
        status_changed_on=referred_on, created_by=actor)
    if referral.referrer_kind == ReferrerKind.PROFESSIONAL and not referral.referrer_name \
            and referrer_contact is not None:
        referral.referrer_name = str(referrer_contact)[:200]
    save_and_audit(referral, member=member.pk, actor=actor,
                   problems=_referral_problems(referral, current_episode(member)))
    ReferralStatusChange.objects.create(referral=referral, to_status=ReferralStatus.PENDING,
                                        on=referred_on, changed_by=actor)
    events.tell(events.member_facts_changed, member_id=member.pk)
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
        raise Refusal(_("This referral's loop was closed on %(date)s; it no longer "
                        "changes.") % {"date": stored.closed_on.isoformat()})
    for name, value in fields.items():
        setattr(referral, name, text(value) if isinstance(value, str) else value)
    problems = _referral_problems(referral, current_episode(referral.member))
    if referral.scheduled_on != stored.scheduled_on and referral.follow_ups.exists():
        problems.append(_("A follow-up is already recorded; the scheduled date no longer "
                          "changes."))
    save_and_audit(referral, member=referral.member_id, actor=actor, problems=problems)
    events.tell(events.member_facts_changed, member_id=referral.member_id)
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
        raise Refusal(
            _("A %(current)s referral cannot become %(new)s.")
            % {"current": ReferralStatus(current).name.lower(),
               "new": ReferralStatus(to_status).name.lower()})
    not_future(on, _("The date of the change"), problems)
    if on < referral.last_change_on:
        problems.append(_("The change cannot predate the referral's last status change "
                          "(%(date)s).") % {"date": referral.last_change_on.isoformat()})
    note = text(note)
    if to_status == ReferralStatus.DECLINED:
        if reason not in DeclineReason.values:
            problems.append(FieldProblem(_("Give the reason the provider declined (no "
                                           "capacity, outside the service area, or other)."),
                                         "decline_reason"))
    elif to_status == ReferralStatus.CLOSED:
        if reason not in ClosureReason.values:
            problems.append(FieldProblem(
                _("Give the reason the loop closed (CLR closure reason)."), "closure_reason"))
    elif reason:
        problems.append(_("Only a decline or a closure takes a reason."))
    if reason == "other" and not note:
        problems.append(FieldProblem(_("Explain the 'other' reason in the note."),
                                     "status_note"))
    refuse(problems)
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
    events.tell(events.member_facts_changed, member_id=referral.member_id)
    return referral


@transaction.atomic
def referral_follow_up_record(*, referral: ServiceReferral, followed_up_on: date,
                              with_whom: str, services_received: bool | None,
                              met_need: bool | None = None, with_kind: str = "",
                              notes: str = "", close_loop: bool = False,
                              actor: User | None = None) -> ReferralFollowUp:
    """PS VI.D.2.a-b: follow up with the member or the service provider on whether services
    were received and met the member's need; due 30 days after the scheduled date.

    ``close_loop``: services received that met the need close the referral loop in the same
    step (CLR closure reason "services received", dated the follow-up); if the closure is
    refused, the follow-up is not kept either."""
    referral = ServiceReferral.objects.select_for_update().get(pk=referral.pk)
    problems: list[str] = _close_loop_problems(referral, close_loop, services_received,
                                               met_need)
    not_future(followed_up_on, _("The follow-up date"), problems)
    if followed_up_on < referral.referred_on:
        problems.append(_("The follow-up is dated before the referral (%(date)s).")
                        % {"date": referral.referred_on.isoformat()})
    elif referral.scheduled_on and followed_up_on < referral.scheduled_on:
        problems.append(_("The follow-up is dated before the scheduled service date "
                          "(%(date)s): follow up once the service was due.")
                        % {"date": referral.scheduled_on.isoformat()})
    required(with_whom, _("with whom you followed up (the member or the service provider, "
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
        with_whom=text(with_whom), services_received=services_received,
        met_need=met_need if services_received else None, notes=text(notes),
        recorded_by=actor)
    save_and_audit(follow_up, member=referral.member_id, actor=actor, problems=problems)
    if close_loop:
        referral_status_change(referral=referral, to_status=ReferralStatus.CLOSED,
                               on=followed_up_on, reason=ClosureReason.SERVICES_RECEIVED,
                               note=text(notes), actor=actor)
    events.tell(events.member_facts_changed, member_id=referral.member_id)
    return follow_up


def _close_loop_problems(referral: ServiceReferral, close_loop: bool,
                         services_received: bool | None, met_need: bool | None) -> list[str]:
    if not close_loop:
        return []
    if referral.status == ReferralStatus.CLOSED:
        return [FieldProblem(_("This referral's loop is already closed."), "close_loop")]
    if not (services_received and met_need):
        return [FieldProblem(_("Only services received that met the member's need close the "
                               "loop here; otherwise change the referral's status with its "
                               "closure reason."), "close_loop")]
    return []


@transaction.atomic
def referral_exception_record(*, referral: ServiceReferral, kind: str, reason: str,
                              on: date | None = None,
                              actor: User | None = None) -> ServiceReferral:
    """Release the 30-day follow-up with a documented reason: an unexpected circumstance
    (PS VI.D.2.b) or a service set more than 30 days after the referral (VI.D.2.c, in the
    case notes: the member's timeline)."""
    on = on or timezone.localdate()
    problems: list[str] = []
    if not text(reason):
        problems.append(_("An exception needs a documented reason (PS VI.D.2.b-c)."))
    if kind not in ExceptionKind.values:
        problems.append(_("Say which exception applies (PS VI.D.2.b or VI.D.2.c)."))
    elif kind == ExceptionKind.SCHEDULED_BEYOND_30 and not rules.scheduled_beyond_30(
            referral.referred_on, referral.scheduled_on):
        problems.append(_("PS VI.D.2.c applies only to a service scheduled more than 30 days "
                          "after the referral; record the scheduled service date first, or "
                          "give an unexpected circumstance (VI.D.2.b)."))
    not_future(on, _("The exception date"), problems)
    first = referral.follow_ups.order_by("followed_up_on").first()
    if first is not None:
        problems.append(_("A follow-up was recorded on %(date)s: no exception is needed.")
                        % {"date": first.followed_up_on.isoformat()})
    referral.exception_kind = kind
    referral.exception_reason = text(reason)
    referral.exception_recorded_on = on
    save_and_audit(referral, member=referral.member_id, actor=actor, problems=problems)
    events.tell(events.member_facts_changed, member_id=referral.member_id)
    return referral


def _answer_problems(received_on: date, answered_on: date | None, answer: str,
                     problems: list[str]) -> None:
    if answered_on is None:
        return
    not_future(answered_on, _("The answer date"), problems)
    if answered_on < received_on:
        problems.append(_("The answer cannot come before the inquiry."))
    if not text(answer):
        problems.append(_("Record the answer: at least the referral's latest status (CLR)."))


@transaction.atomic
def referral_inquiry_record(*, referral: ServiceReferral, received_on: date, from_kind: str,
                            from_name: str, question: str = "",
                            answered_on: date | None = None, answer: str = "",
                            actor: User | None = None) -> ReferralInquiry:
    """An inquiry about the referral's status; the answer is owed within one business day
    (CLR). It can be recorded with its answer, or answered later."""
    problems: list[str] = []
    not_future(received_on, _("The inquiry date"), problems)
    if received_on < referral.referred_on:
        problems.append(_("The inquiry is dated before the referral."))
    required(from_name, _("who asked"), problems)
    _answer_problems(received_on, answered_on, answer, problems)
    inquiry = ReferralInquiry(
        referral=referral, received_on=received_on, from_kind=from_kind,
        from_name=text(from_name), question=text(question), answered_on=answered_on,
        answer=text(answer) if answered_on else "",
        answered_by=actor if answered_on else None, recorded_by=actor)
    save_and_audit(inquiry, member=referral.member_id, actor=actor, problems=problems)
    events.tell(events.member_facts_changed, member_id=referral.member_id)
    return inquiry


@transaction.atomic
def referral_inquiry_answer(*, inquiry: ReferralInquiry, answered_on: date, answer: str,
                            actor: User | None = None) -> ReferralInquiry:
    problems: list[str] = []
    stored = ReferralInquiry.objects.get(pk=inquiry.pk)
    if stored.answered_on:
        raise Refusal(_("This inquiry was already answered on %(date)s.")
                      % {"date": stored.answered_on.isoformat()})
    if answered_on is None:
        problems.append(_("Record the date of the answer."))
    else:
        _answer_problems(stored.received_on, answered_on, answer, problems)
    inquiry.answered_on, inquiry.answer, inquiry.answered_by = answered_on, text(answer), actor
    save_and_audit(inquiry, member=inquiry.referral.member_id, actor=actor, problems=problems)
    events.tell(events.member_facts_changed, member_id=inquiry.referral.member_id)
    return inquiry


@transaction.atomic
def referral_notice_record(*, referral: ServiceReferral, notice_kind: str, sent_on: date,
                           sent_to: str, notice_method: str,
                           actor: User | None = None) -> ReferralNotice:
    """A notice to the referring entity (CLR): of the decline, or of the loop closure and its
    reason (owed within two business days of the closure to a professional referrer)."""
    problems: list[str] = []
    not_future(sent_on, _("The date the notice was sent"), problems)
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
    required(sent_to, _("who the notice went to"), problems)
    notice = ReferralNotice(referral=referral, notice_kind=notice_kind, sent_on=sent_on,
                            sent_to=text(sent_to), notice_method=notice_method,
                            recorded_by=actor)
    save_and_audit(notice, member=referral.member_id, actor=actor, problems=problems)
    events.tell(events.member_facts_changed, member_id=referral.member_id)
    return notice
