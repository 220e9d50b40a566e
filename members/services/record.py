"""The member's own record (PS VIII): saved in full, and held to the intake rules against the
member's referrals on every save."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.staff.models import User
from cares.base.toolkit import FieldProblem, changed_fields, not_future, refuse
from members.benefits import agencies_in_order, agency_problems
from members.models import MAX_AGE, Episode, Member, age_on
from members.services.common import lock_member


@transaction.atomic
def member_save(*, member: Member, actor: User | None = None) -> Member:
    """Create or update the member's own record (validated in full, and against the member's
    referrals: ``member_record_problems``; state-agency codes from ``STATE_AGENCIES`` only).

    Two saves of one MassHealth ID at once both pass validation; the database keeps one and
    the other gets the form's own duplicate error, never a 500 (whose log would quote the ID).
    """
    refuse(agency_problems(member.state_agencies))  # benefits (PS VI.B.1.h)
    member.state_agencies = agencies_in_order(member.state_agencies or [])
    member.full_clean()
    created = member.pk is None
    lock_member(member)  # a referral being recorded at the same time waits (or we do)
    changed = changed_fields(member)
    if created or "date_of_birth" in changed:
        refuse(member_record_problems(member))
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
    under 21): ``date_of_birth_problems`` against the member's stored episodes."""
    if member.pk is None or not member.date_of_birth:
        return date_of_birth_problems(member.date_of_birth, [])
    return date_of_birth_problems(member.date_of_birth, list(
        Episode.objects.filter(member_id=member.pk).order_by("-referral_date", "-pk")))


def date_of_birth_problems(born, episodes: list[Episode]) -> list[str]:
    """The intake rules without a query (the caseload import checks many members at once):
    the date of birth is not in the future nor after any referral date, and the member is
    under 21 on the referral date of the current episode and of any open one. ``episodes``
    are the member's, newest first (``-referral_date``, ``-pk``). Each reason is about the
    date of birth (a field error)."""
    problems: list[str] = []
    if not born:
        return problems
    not_future(born, _("The date of birth"), problems, "date_of_birth")
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
