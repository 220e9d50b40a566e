"""Daily reminders: one digest per staff member (their members' deadlines due within 7 days
and overdue, their own training; for the program director and senior care managers also the
around-the-clock program checks not met, ``members.coverage.checks``, and the open review and
documentation requests from MassHealth or its designee due within 7 days or overdue,
``members.quality.requests``), and escalation of anything overdue more than 7 days (deadlines
and review requests) to the senior care managers and the program director.

Never two digests for the same day, and none lost: each e-mail is claimed by inserting a
``ReminderDigest`` row (unique per person, kind and day) and sent inside one transaction. A
failed send rolls its claim back, so a rerun sends exactly the missing ones; a second worker
running at the same time waits on the unique row and skips the person. "Overdue" is the
dashboards' reading (``cares.deadlines.statuses``): an open row past its due date is overdue
whether or not the nightly sweep has rewritten it yet."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.staff.models import Role, StaffProfile
from cares.deadlines.models import Deadline, ReminderDigest
from cares.deadlines.rules import OVERDUE
from cares.deadlines.statuses import DUE_SOON_DAYS, due_soon_q, effective_status, status_q
from members.coverage.checks import coverage_checks
from members.models import CareTeamMember
from members.quality.requests import requests_due, requests_overdue

logger = logging.getLogger(__name__)

ESCALATE_AFTER_DAYS = 7  # overdue more than this: the senior care managers and director hear


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


def _pending(today: date) -> list[Deadline]:
    """The deadlines due soon or overdue on ``today``, with that day's status (in memory
    only: the digest shows the status on today)."""
    pending = list(Deadline.objects.filter(due_soon_q(today) | status_q(OVERDUE, today))
                   .annotate(status_today=effective_status(today))
                   .select_related("staff__user").order_by("due"))
    for d in pending:
        d.status = d.status_today
    return pending


def _per_staff(pending: list[Deadline]) -> dict[int, list[Deadline]]:
    """Each staff member's share: their own deadlines and those of the members of their
    current care teams."""
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
    return per_staff


class _Sending:
    """One run's e-mails: each person's failure is logged and kept, never stops the others."""

    def __init__(self, today: date):
        self.today = today
        self.result = {"digests": 0, "escalations": 0}
        self.failed: list[tuple[str, int]] = []
        self.errors: list[Exception] = []

    def send(self, profile: StaffProfile, kind: str, subject: str, template: str,
             items: list[Deadline], checks: list | None = None,
             requests: list | None = None) -> None:
        body = render_to_string(template, {
            "profile": profile, "items": items, "checks": checks or [],
            "requests": requests or [], "today": self.today,
            "soon_days": DUE_SOON_DAYS, "escalate_after_days": ESCALATE_AFTER_DAYS})
        try:
            if _send_once(profile, self.today, kind, subject, body):
                self.result["digests" if kind == "digest" else "escalations"] += 1
                logger.info("reminders: %s sent to staff %s for %s", kind, profile.pk,
                            self.today)
        except Exception as exc:  # one person's failure must not stop the others
            logger.warning("reminders: %s to staff %s for %s not sent (%s); claim rolled back",
                           kind, profile.pk, self.today, type(exc).__name__, exc_info=True)
            self.failed.append((kind, profile.pk))
            self.errors.append(exc)

    def outcome(self) -> dict[str, int]:
        """The counts, or the first non-transient error as is (a bug), or
        ``RemindersIncomplete`` so the task's retry sends only the missing ones."""
        logger.info("reminders for %s: %s sent, %d failed", self.today, self.result,
                    len(self.failed))
        if self.errors:
            first = next((e for e in self.errors if not isinstance(e, OSError)), None)
            if first is not None:
                raise first
            raise RemindersIncomplete(
                f"{len(self.failed)} reminder e-mails not sent for {self.today} (kind, staff "
                f"id): {self.failed}; sent: {self.result}") from self.errors[0]
        return self.result


def _leads():
    """The program director and the senior care managers (roles held, not covered)."""
    return StaffProfile.objects.filter(
        active=True, roles__role__in=[Role.SENIOR_CARE_MANAGER, Role.PROGRAM_DIRECTOR],
        roles__is_backup=False).select_related("user").distinct()


def _failing_checks(today: date) -> list:
    """The around-the-clock program checks not met on ``today`` (as of now, or of the start
    of that day when the run is for another day)."""
    now = timezone.now()
    if timezone.localdate(now) != today:
        now = timezone.make_aware(datetime.combine(today, time()))
    return [check for check in coverage_checks(now) if not check.ok]


def _send_digests(sending: _Sending) -> None:
    """Each person's deadlines; the leads also get the checks not met and the review requests
    due soon or overdue, so they hear of a gap in the on-call roster or a request coming due
    even on a day without deadlines."""
    per_staff = _per_staff(_pending(sending.today))
    failing = _failing_checks(sending.today)
    asked = list(requests_due(sending.today, DUE_SOON_DAYS))
    leads = set(_leads().values_list("pk", flat=True)) if failing or asked else set()
    profiles = StaffProfile.objects.filter(pk__in=set(per_staff) | leads,
                                           active=True).select_related("user")
    for profile in profiles:
        items = sorted(per_staff[profile.pk], key=lambda d: d.due)
        checks, requests = (failing, asked) if profile.pk in leads else ([], [])
        if items:
            subject = _("CARES Kids: %(n)d deadlines need you") % {"n": len(items)}
        elif requests:
            subject = _("CARES Kids: %(n)d review requests due") % {"n": len(requests)}
        elif checks:
            subject = _("CARES Kids: %(n)d program checks not met") % {"n": len(checks)}
        else:
            continue
        sending.send(profile, "digest", subject, "deadlines/digest.txt", items, checks,
                     requests)


def _send_escalations(sending: _Sending) -> None:
    today = sending.today
    late = list(Deadline.objects.filter(
        status_q(OVERDUE, today), due__lt=today - timedelta(days=ESCALATE_AFTER_DAYS))
        .order_by("due"))
    late_requests = list(requests_overdue(today, ESCALATE_AFTER_DAYS))
    if not late and not late_requests:
        return
    leads = _leads()
    if late:
        subject = _("CARES Kids: %(n)d deadlines overdue more than %(days)d days") % {
            "n": len(late), "days": ESCALATE_AFTER_DAYS}
    else:
        subject = _("CARES Kids: %(n)d review requests overdue more than %(days)d days") % {
            "n": len(late_requests), "days": ESCALATE_AFTER_DAYS}
    for profile in leads:
        sending.send(profile, "escalation", subject, "deadlines/escalation.txt", late,
                     requests=late_requests)


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    """Today's digests, then today's escalations; each e-mail at most once per day."""
    sending = _Sending(today or timezone.localdate())
    _send_digests(sending)
    _send_escalations(sending)
    return sending.outcome()
