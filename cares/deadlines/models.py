"""Stored deadlines: one row per subject, rule and cycle, refreshed by the service functions
that change the underlying records and recomputed in full by the nightly sweep."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cares.deadlines.rules import RULES

STATUS_CHOICES = [("met", _("Met")), ("late", _("Late")), ("open", _("Open")),
                  ("overdue", _("Overdue")), ("excepted", _("Excepted"))]


class Deadline(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="deadlines")
    staff = models.ForeignKey("staff.StaffProfile", on_delete=models.CASCADE, null=True,
                              blank=True, related_name="deadlines")
    subject_key = models.CharField(max_length=40)  # "m<id>" or "s<id>"
    rule = models.CharField(_("rule"), max_length=40, choices=[(k, r.title)
                                                             for k, r in RULES.items()])
    cycle_key = models.CharField(max_length=80)  # episode, cycle number, referral
    ref = models.CharField(max_length=64, blank=True)  # e.g. the referral id
    start = models.DateField(_("starts"))
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES)
    satisfied_on = models.DateField(_("satisfied on"), null=True, blank=True)
    satisfied_ref = models.CharField(_("satisfied by"), max_length=80, blank=True)
    exception_reason = models.TextField(_("exception"), blank=True)
    computed_on = models.DateField(_("computed as of"))

    class Meta:
        ordering = ["due", "pk"]
        constraints = [models.UniqueConstraint(fields=["subject_key", "rule", "cycle_key"],
                                               name="deadline_once_per_cycle")]
        indexes = [
            models.Index(fields=["status", "due"], name="deadline_open_due",
                         condition=models.Q(status__in=["open", "overdue"])),
            models.Index(fields=["member", "due"]),
            models.Index(fields=["rule", "due"]),
            # Covers the overdue reads (by rule and age, by caseload): read from the index alone.
            models.Index(fields=["status", "due", "rule", "member"], name="deadline_open_covering",
                         condition=models.Q(status__in=["open", "overdue"])),
        ]

    def __str__(self) -> str:
        return f"{self.rule} due {self.due} ({self.status})"

    @property
    def citation(self) -> str:
        return RULES[self.rule].citation

    @property
    def title(self) -> str:
        return RULES[self.rule].title


class ReminderDigest(models.Model):
    """One reminder e-mail per person, kind and day: the row is the claim that it was sent."""

    staff = models.ForeignKey("staff.StaffProfile", on_delete=models.CASCADE,
                              related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "day", "kind"],
                                               name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class Computation(models.Model):
    """When a subject's stored deadlines were last computed, and what the nightly sweep needs
    to know to leave them alone until then (issue 20): ``wake_on``, the first later date on
    which one of the subject's facts takes effect (a record dated in the future, a birthday
    that starts a rule), before which only the calendar changes their rows (open past due is
    overdue, done set-based); ``basis``, the rule book's version and the program's lengths they
    were computed with. No row (or a deleted one) marks the subject for recomputation by the
    next sweep."""

    computed_on = models.DateField()
    wake_on = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=64)

    class Meta:
        abstract = True


class MemberComputation(Computation):
    member = models.OneToOneField("members.Member", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+")

    def __str__(self) -> str:
        return f"member {self.member_id} computed as of {self.computed_on}"


class StaffComputation(Computation):
    staff = models.OneToOneField("staff.StaffProfile", on_delete=models.CASCADE,
                                 primary_key=True, related_name="+")

    def __str__(self) -> str:
        return f"staff {self.staff_id} computed as of {self.computed_on}"
