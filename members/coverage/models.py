"""Coverage records: shifts on the on-call line, the senior medical professional's weekly
hours, leave, backup coverage, supervision sessions and ongoing medical training."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL
STAFF = "staff.StaffProfile"


class OnCallShift(models.Model):
    """A stretch of time during which ``staff`` answers the dedicated 24/7 line
    (PS VI.B.1.b), with ``backup`` behind them. Edited by the program director and senior
    care managers; only staff who may take calls are rostered (``members.coverage.roster``)."""

    staff = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="on_call_shifts",
                              verbose_name=_("on call"))
    backup = models.ForeignKey(STAFF, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="backup_on_call_shifts", verbose_name=_("backup"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call roster")
        ordering = ["starts_at", "pk"]
        permissions = [("manage_coverage", "Can manage the on-call roster, consultation hours, "
                        "leave, backup coverage, supervision and medical training")]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="shift_span")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="shift_ends_after_start"),
            models.CheckConstraint(condition=~Q(backup=F("staff")),
                                   name="shift_backup_is_someone_else"),
        ]

    def __str__(self) -> str:
        return f"on call {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityHours(models.Model):
    """One weekly block of business hours in which a senior medical professional (or their
    cover) is available for consultation (PS IV.A.2), from ``valid_from`` (until
    ``valid_until``, when set)."""

    staff = models.ForeignKey(STAFF, on_delete=models.PROTECT,
                              related_name="availability_hours", verbose_name=_("staff member"))
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation hours")
        verbose_name_plural = _("consultation hours")
        ordering = ["weekday", "starts", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")),
                                   name="hours_end_after_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="hours_valid_span"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class LeaveReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    VACATION = "vacation", _("Vacation")
    TRAINING = "training", _("Training or conference")
    OTHER = "other", _("Other")


class StaffLeave(models.Model):
    """A staff member away (illness, vacation, other: PS IV.A.4), from ``starts_at`` to
    ``ends_at``."""

    staff = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="leaves",
                              verbose_name=_("staff member"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=20, choices=LeaveReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="leave_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.starts_at:%Y-%m-%d} - {self.ends_at:%Y-%m-%d}"


class BackupCoverage(models.Model):
    """``backup`` covers ``covered``'s position (``role``) from ``starts_at`` to ``ends_at``
    (PS IV.A.4): for the listed members, or the whole caseload when none are listed. While it
    runs the backup sees those members (``members.access``); it ends by itself."""

    covered = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="covered_during",
                                verbose_name=_("covered colleague"))
    backup = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="covering",
                               verbose_name=_("backup"))
    role = models.CharField(_("position covered"), max_length=32)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    members = models.ManyToManyField("members.Member", blank=True, related_name="+",
                                     verbose_name=_("members covered"),
                                     help_text=_("None listed: the whole caseload."))
    leave = models.ForeignKey(StaffLeave, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="coverage", verbose_name=_("leave"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("backup coverage")
        verbose_name_plural = _("backup coverage")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["backup", "starts_at", "ends_at"],
                                name="coverage_backup_span")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="coverage_ends_after_start"),
            models.CheckConstraint(condition=~Q(backup=F("covered")),
                                   name="coverage_backup_is_someone_else"),
        ]

    def __str__(self) -> str:
        return f"cover {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"


class Supervision(models.Model):
    """Weekly individual supervision of a care coordinator by a senior care manager
    (PS IV.B.2.b.5). Members discussed are kept by reference, not copied into the notes."""

    coordinator = models.ForeignKey(STAFF, on_delete=models.PROTECT,
                                    related_name="supervisions_received",
                                    verbose_name=_("care coordinator"))
    supervisor = models.ForeignKey(STAFF, on_delete=models.PROTECT,
                                   related_name="supervisions_given",
                                   verbose_name=_("senior care manager"))
    held_on = models.DateField(_("held on"))
    members_discussed = models.ManyToManyField("members.Member", blank=True, related_name="+",
                                               verbose_name=_("members discussed"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-held_on", "pk"]
        indexes = [models.Index(fields=["coordinator", "held_on"], name="supervision_week")]
        constraints = [models.CheckConstraint(condition=~Q(supervisor=F("coordinator")),
                                              name="supervision_by_someone_else")]

    def __str__(self) -> str:
        return f"supervision {self.held_on}"


class MedicalTrainingSession(models.Model):
    """Ongoing training of care coordinators on medical aspects of the target population by
    a senior care manager (PS IV.B.2.b.6)."""

    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("held on"))
    led_by = models.ForeignKey(STAFF, on_delete=models.PROTECT,
                               related_name="medical_trainings_led", verbose_name=_("led by"))
    attendees = models.ManyToManyField(STAFF, related_name="medical_trainings_attended",
                                       verbose_name=_("attendees"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medical training session")
        verbose_name_plural = _("medical training sessions")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on})"
