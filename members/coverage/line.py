"""The dedicated 24/7 on-call line (PS VI.B.1.b): which rostered shift a call fell in, how long
the caller waited for a first call back, and whether that was within the program's target.

A call is linked to its shift by time, not by a stored key: the shift covering ``called_at``
(``starts_at <= called_at < ends_at``). When shifts overlap, the one that started last counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cares.base.staff.models import Program
from cares.base.staff.qualifications import ProgramCheck
from members.coordination.models import OnCallCall
from members.coverage.models import OnCallShift

DEFAULT_CALLBACK_TARGET = 30  # minutes, when there is no program record yet


def _shifts():
    return OnCallShift.objects.select_related("staff__user", "backup__user").order_by(
        "-starts_at", "-pk")


def shift_at(moment: datetime) -> OnCallShift | None:
    """The shift on the on-call line at ``moment`` (one query), or ``None`` when no one was
    rostered."""
    return _shifts().filter(starts_at__lte=moment, ends_at__gt=moment).first()


def shifts_for(calls: Iterable[OnCallCall]) -> dict[int, OnCallShift | None]:
    """Each call's shift, by call id: one query, asking only for the shifts that cover one of
    the calls' times (never the whole roster)."""
    calls = list(calls)
    moments = sorted({c.called_at for c in calls})
    if not moments:
        return {}
    covering = reduce(or_, (Q(starts_at__lte=m, ends_at__gt=m) for m in moments))
    shifts = list(_shifts().filter(covering))  # latest start first
    return {c.pk: next((s for s in shifts if s.starts_at <= c.called_at < s.ends_at), None)
            for c in calls}


def callback_target_minutes() -> int:
    """The program's call-back target (PS VI.B.1.b), in minutes."""
    target = Program.objects.order_by("pk").values_list("callback_target_minutes",
                                                        flat=True).first()
    return target or DEFAULT_CALLBACK_TARGET


def callback_minutes(call: OnCallCall) -> int | None:
    """Whole minutes from the call to its first call back; ``None`` when answered live or not
    called back yet."""
    if call.answered_live or call.first_callback_at is None:
        return None
    return int((call.first_callback_at - call.called_at).total_seconds() // 60)


def within_target(call: OnCallCall, target: int, now: datetime | None = None) -> bool | None:
    """Whether the caller was reached within ``target`` minutes: answered live counts as
    within; a call back exactly at the target is within; a call not called back yet is not
    within once the target has passed, and ``None`` (not decided) before that. The
    dashboard's monthly share (``cares.program.dashboards.on_call``) counts the same way."""
    if call.answered_live:
        return True
    deadline = call.called_at + timedelta(minutes=target)
    if call.first_callback_at is not None:
        return call.first_callback_at <= deadline
    return False if (now or timezone.now()) > deadline else None


def duration_words(minutes: int) -> str:
    """``minutes`` in words: "25 minutes", "1 hour", "2 hours 5 minutes"."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def shift_words(shift: OnCallShift | None) -> str:
    """The shift a call fell in and who was on call, in words (times in the program's time
    zone)."""
    if shift is None:
        return _("no one was rostered on call")
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    words = _("shift %(start)s – %(end)s, on call: %(staff)s") % {
        "start": start.strftime("%a %-d %b %H:%M"), "end": end.strftime("%a %-d %b %H:%M"),
        "staff": shift.staff}
    if shift.backup_id:
        words += _(" (backup: %(backup)s)") % {"backup": shift.backup}
    return words


def callback_words(call: OnCallCall, target: int | None = None) -> str:
    """How the caller was reached, in words: answered live, called back after a time (and
    whether within the target), or not called back yet."""
    if call.answered_live:
        return _("answered live")
    minutes = callback_minutes(call)
    if minutes is None:
        return _("not called back yet")
    words = _("called back after %(time)s") % {"time": duration_words(minutes)}
    if target is not None and not within_target(call, target):
        words += _(" (target %(time)s)") % {"time": duration_words(target)}
    return words


def on_call_number_check() -> ProgramCheck:
    """PS VI.B.1.b: the program record holds the dedicated 24/7 on-call number (printed on
    letters, the ICP and the emergency plan; without it they print none)."""
    phone = Program.objects.order_by("pk").values_list("on_call_phone", flat=True).first()
    return ProgramCheck(
        key="on_call_number", citation="PS VI.B.1.b",
        title=_("A dedicated 24/7 on-call number is on file"), ok=bool(phone),
        detail=_("%(phone)s, printed on letters, the ICP and the emergency plan.")
        % {"phone": phone} if phone else
        _("No on-call number is on file: letters, the ICP and the emergency plan show none. "
          "The program director enters it in Program settings."))
