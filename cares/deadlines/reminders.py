"""Daily reminders: one digest per staff member (their members' deadlines due within 7 days
and overdue, their own training), and escalation of anything overdue more than 7 days to the
senior care managers and the program director.

Never two digests for the same day, and none lost: each e-mail is claimed by inserting a
``ReminderDigest`` row (unique per person, kind and day) and sent inside one transaction. A
failed send rolls its claim back, so a rerun sends exactly the missing ones; a second worker
running at the same time waits on the unique row and skips the person. "Overdue" is the
dashboards' reading (``cares.program.dashboards.statuses``): an open row past its due date is
overdue whether or not the nightly sweep has rewritten it yet."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.staff.models import Role, StaffProfile
from cares.deadlines.models import Deadline, ReminderDigest
from cares.deadlines.rules import OPEN, OVERDUE
from cares.program.dashboards.statuses import effective_status, status_q
from members.models import CareTeamMember

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
ESCALATE_AFTER_DAYS = 7


class RemindersIncomplete(OSError):
    """Some e-mails could not be sent (their claims were rolled back); the others were. An
    ``OSError`` so the task's transient-error retry reruns it and sends only the missing ones.
    A plain message (kinds and staff ids, no PHI), so it pickles and serializes as is."""


def _send_once(profile: StaffProfile, day: date, kind: str, subject: str, body: str) -> bool:
    """Claim (profile, day, kind) and send, in one transaction: False if already claimed
    (sent by an earlier run or a concurrent worker); an exception from sending propagates and
    rolls the claim back."""
    try:
        with transaction.atomic():
            ReminderDigest.objects.create(staff=profile, day=day, kind=kind)
            send_mail(subject=subject, message=body, from_email=None,
                      recipient_list=[profile.user.email])
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    pending = list(Deadline.objects.filter(
        (status_q(OPEN, today) & Q(due__lte=soon)) | status_q(OVERDUE, today))
        .annotate(status_today=effective_status(today))
        .select_related("staff__user").order_by("due"))
    for d in pending:
        d.status = d.status_today  # in memory only: the digest shows the status on today
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
    result = {"digests": 0, "escalations": 0}
    failed: list[tuple[str, int]] = []
    errors: list[Exception] = []

    def send(profile: StaffProfile, kind: str, subject: str, body: str) -> None:
        try:
            if _send_once(profile, today, kind, subject, body):
                result["digests" if kind == "digest" else "escalations"] += 1
                logger.info("reminders: %s sent to staff %s for %s", kind, profile.pk, today)
        except Exception as exc:  # one person's failure must not stop the others
            logger.warning("reminders: %s to staff %s for %s not sent (%s); claim rolled back",
                           kind, profile.pk, today, type(exc).__name__, exc_info=True)
            failed.append((kind, profile.pk))
            errors.append(exc)

    for profile in profiles:
        items = sorted(per_staff[profile.pk], key=lambda d: d.due)
        if not items:
            continue
        send(profile, "digest", _("CARES Kids: %(n)d deadlines need you") % {"n": len(items)},
             render_to_string("deadlines/digest.txt", {
                 "profile": profile, "items": items, "today": today}))
    late = list(Deadline.objects.filter(
        status_q(OVERDUE, today), due__lt=today - timedelta(days=ESCALATE_AFTER_DAYS))
        .order_by("due"))
    if late:
        leads = StaffProfile.objects.filter(
            active=True, roles__role__in=[Role.SENIOR_CARE_MANAGER, Role.PROGRAM_DIRECTOR],
            roles__is_backup=False).select_related("user").distinct()
        for profile in leads:
            send(profile, "escalation",
                 _("CARES Kids: %(n)d deadlines overdue more than 7 days") % {"n": len(late)},
                 render_to_string("deadlines/escalation.txt", {
                     "profile": profile, "items": late, "today": today}))
    logger.info("reminders for %s: %s sent, %d failed", today, result, len(failed))
    if errors:
        first = next((e for e in errors if not isinstance(e, OSError)), None)
        if first is not None:
            raise first  # not transient (a bug): surface it as is
        raise RemindersIncomplete(
            f"{len(failed)} reminder e-mails not sent for {today} (kind, staff id): {failed}; "
            f"sent: {result}") from errors[0]
    return result
