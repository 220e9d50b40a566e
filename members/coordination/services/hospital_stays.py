"""Hospital stays and emergency-department visits (PS VI.B.1.i, VI.A.1.b.2): the stay, its
discharge, the follow-up after it (``discharge_follow_up``, deadlines.md reading 14) and the
coordinator's decision on the significant-change reassessment a discharge suggests.

Every step after the first locks the stay's row and re-reads it, so two people recording the
same discharge (or deciding the same suggestion) at once are served one after the other: the
second gets the ordinary refusal. Every change refreshes the member's stored deadlines."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import User
from cares.base.toolkit import FieldProblem, Refusal, history_row, not_future, save_and_audit
from members.coordination.models import HospitalStay, ReassessmentDecision, StaySetting
from members.coordination.services.checks import text
from members.models import Member, Provider
from members.services.common import facts_changed


def _lock(stay: HospitalStay) -> HospitalStay:
    """The stay's row, locked until the transaction ends and read afresh."""
    return HospitalStay.objects.select_for_update(of=("self",)).select_related(
        "facility").get(pk=stay.pk)


def _discharge_problems(admitted_on: date | None, discharged_on: date | None,
                        problems: list[str]) -> None:
    if discharged_on is None:
        return
    not_future(discharged_on, _("The discharge date"), problems, field="discharged_on")
    if admitted_on is not None and discharged_on < admitted_on:
        problems.append(FieldProblem(
            _("The discharge date is before the admission (%(date)s).")
            % {"date": admitted_on.isoformat()}, "discharged_on"))


@transaction.atomic
def hospital_stay_record(*, member: Member, setting: str, admitted_on: date,
                         facility: Provider | None = None, discharged_on: date | None = None,
                         reason: str = "", discharge_planning: bool = False,
                         team_on_site: bool = False, key: str | None = None,
                         actor: User | None = None) -> HospitalStay:
    """An inpatient admission or an emergency-department visit (PS VI.B.1.i), with its
    discharge when it is already known."""
    problems: list[str] = []
    if setting not in StaySetting.values:
        problems.append(FieldProblem(_("Say whether it is an inpatient admission or an "
                                       "emergency-department visit."), "setting"))
    if facility is not None and not facility.active:
        problems.append(FieldProblem(_("%(facility)s is no longer active in the directory.")
                                     % {"facility": facility}, "facility"))
    if admitted_on is None:
        problems.append(FieldProblem(_("Record the admission or arrival date."),
                                     "admitted_on"))
    not_future(admitted_on, _("The admission or arrival date"), problems, field="admitted_on")
    _discharge_problems(admitted_on, discharged_on, problems)
    stay = HospitalStay(member=member, key=key or None, setting=setting, facility=facility,
                        admitted_on=admitted_on, discharged_on=discharged_on,
                        reason=text(reason), discharge_planning=bool(discharge_planning),
                        team_on_site=bool(team_on_site), recorded_by=actor)
    save_and_audit(stay, member=member.pk, actor=actor, problems=problems)
    facts_changed(member.pk)
    return stay


@transaction.atomic
def hospital_stay_discharge(*, stay: HospitalStay, discharged_on: date,
                            discharge_planning: bool | None = None,
                            team_on_site: bool | None = None,
                            actor: User | None = None) -> HospitalStay:
    """The discharge: it starts the follow-up window (reading 14) and suggests a
    significant-change reassessment (PS VI.A.1.b.2). A stay is discharged once."""
    stay = _lock(stay)
    if stay.discharged_on is not None:
        raise Refusal(_("This stay was already discharged on %(date)s.")
                      % {"date": stay.discharged_on.isoformat()})
    problems: list[str] = []
    if discharged_on is None:
        problems.append(FieldProblem(_("Record the discharge date."), "discharged_on"))
    _discharge_problems(stay.admitted_on, discharged_on, problems)
    stay.discharged_on = discharged_on
    if discharge_planning is not None:
        stay.discharge_planning = discharge_planning
    if team_on_site is not None:
        stay.team_on_site = team_on_site
    save_and_audit(stay, member=stay.member_id, actor=actor, problems=problems)
    facts_changed(stay.member_id)
    return stay


@transaction.atomic
def hospital_stay_follow_up(*, stay: HospitalStay, follow_up_on: date, follow_up_notes: str,
                            actor: User | None = None) -> HospitalStay:
    """The follow-up after the discharge (PS VI.B.1.i): it satisfies the stay's
    ``discharge_follow_up``. Recorded once."""
    stay = _lock(stay)
    if stay.discharged_on is None:
        raise Refusal(_("The follow-up comes after the discharge: record the discharge "
                        "first."))
    if stay.follow_up_on is not None:
        raise Refusal(_("The follow-up after this stay was already recorded on %(date)s.")
                      % {"date": stay.follow_up_on.isoformat()})
    problems: list[str] = []
    if follow_up_on is None:
        problems.append(FieldProblem(_("Record the follow-up date."), "follow_up_on"))
    else:
        not_future(follow_up_on, _("The follow-up date"), problems, field="follow_up_on")
        if follow_up_on < stay.discharged_on:
            problems.append(FieldProblem(
                _("The follow-up is dated before the discharge (%(date)s).")
                % {"date": stay.discharged_on.isoformat()}, "follow_up_on"))
    if not text(follow_up_notes):
        problems.append(FieldProblem(_("Record what the follow-up found (notes)."),
                                     "follow_up_notes"))
    stay.follow_up_on, stay.follow_up_notes = follow_up_on, text(follow_up_notes)
    save_and_audit(stay, member=stay.member_id, actor=actor, problems=problems)
    facts_changed(stay.member_id)
    return stay


@transaction.atomic
def hospital_stay_reassessment_decide(*, stay: HospitalStay, accept: bool, reason: str = "",
                                      actor: User | None = None) -> HospitalStay:
    """The coordinator's answer to the significant-change reassessment a discharge suggests
    (PS VI.A.1.b.2): started (``accept``; the care plan pages start it), or not needed, with
    the reason. Decided once, after the discharge; claimed with a conditional update, so of
    two answers at once the second is refused."""
    reason = text(reason)
    if not accept and not reason:
        raise Refusal({"reason": [
            _("Say why no reassessment is needed after this discharge.")]})
    decision = ReassessmentDecision.ACCEPTED if accept else ReassessmentDecision.DISMISSED
    claimed = HospitalStay.objects.filter(
        pk=stay.pk, discharged_on__isnull=False,
        reassessment=ReassessmentDecision.PENDING,
    ).update(reassessment=decision, reassessment_reason="" if accept else reason)
    if claimed != 1:
        current = HospitalStay.objects.get(pk=stay.pk)
        if current.discharged_on is None:
            raise Refusal(_("A reassessment is suggested once the member is discharged: "
                            "record the discharge first."))
        raise Refusal(_("The reassessment after this stay was already decided: %(decision)s.")
                      % {"decision": current.get_reassessment_display().lower()})
    history_row(stay, actor)
    audit_change(action=Action.UPDATE, obj=stay, member=stay.member_id, actor=actor,
                 fields=["reassessment", "reassessment_reason"],
                 detail={"decision": decision})
    facts_changed(stay.member_id)
    return stay
