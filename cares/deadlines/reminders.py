"""Daily reminders: one digest per staff member (their members' deadlines due within 7 days
and overdue, their own training), and escalation of anything overdue more than 7 days to the
senior care managers and the program director. Never two digests for the same day: each is
claimed by inserting a ``ReminderDigest`` row (unique per person and day) before sending."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.deadlines.models import Deadline, ReminderDigest
from cares.staff.models import Role, StaffProfile
from members.models import CareTeamMember

DUE_SOON_DAYS = 7
ESCALATE_AFTER_DAYS = 7


def _claim(profile: StaffProfile, day: date, kind: str) -> bool:
    try:
        with transaction.atomic():
            ReminderDigest.objects.create(staff=profile, day=day, kind=kind)
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    pending = list(Deadline.objects.filter(status__in=["open", "overdue"], due__lte=soon)
                   .select_related("staff__user").order_by("due"))
    member_ids = {d.member_id for d in pending if d.member_id}
    teams: dict[int, set[int]] = defaultdict(set)
    for member_id, staff_id in CareTeamMember.objects.filter(
            member_id__in=member_ids, until__isnull=True).values_list("member_id", "staff_id"):
        teams[staff_id].add(member_id)
    per_staff: dict[int, list[Deadline]] = defaultdict(list)
    for d in pending:
        if d.staff_id:
            per_staff[d.staff_id].append(d)
    for staff_id, members in teams.items():
        per_staff[staff_id].extend(d for d in pending if d.member_id in members)
    profiles = StaffProfile.objects.filter(pk__in=per_staff, active=True).select_related("user")
    sent = 0
    for profile in profiles:
        items = sorted(per_staff[profile.pk], key=lambda d: d.due)
        if not items or not _claim(profile, today, "digest"):
            continue
        send_mail(
            subject=_("CARES Kids: %(n)d deadlines need you") % {"n": len(items)},
            message=render_to_string("deadlines/digest.txt", {
                "profile": profile, "items": items, "today": today}),
            from_email=None, recipient_list=[profile.user.email])
        sent += 1
    late = [d for d in pending if d.status == "overdue"
            and d.due < today - timedelta(days=ESCALATE_AFTER_DAYS)]
    escalated = 0
    if late:
        leads = StaffProfile.objects.filter(
            active=True, roles__role__in=[Role.SENIOR_CARE_MANAGER, Role.PROGRAM_DIRECTOR],
            roles__is_backup=False).select_related("user").distinct()
        for profile in leads:
            if not _claim(profile, today, "escalation"):
                continue
            send_mail(
                subject=_("CARES Kids: %(n)d deadlines overdue more than 7 days")
                % {"n": len(late)},
                message=render_to_string("deadlines/escalation.txt", {
                    "profile": profile, "items": late, "today": today}),
                from_email=None, recipient_list=[profile.user.email])
            escalated += 1
    return {"digests": sent, "escalations": escalated}
