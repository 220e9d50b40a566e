"""Closed-loop referrals (PS VI.D.2; the closed-loop referral FAQ, "CLR").

``ServiceReferral`` and ``ReferralFollowUp`` are part of the core the deadline engine reads
(``cares.deadlines.facts``): a referral's ``key``, ``service``, ``provider``, ``referred_on``,
``scheduled_on`` and ``exception_reason`` and a follow-up's ``followed_up_on`` keep their
meaning, and every other field has a default, so the caseload import keeps working.

Status moves only along ``rules.REFERRAL_PIPELINE`` and only through
``members.coordination.services``; each move writes a ``ReferralStatusChange`` row with its
date and author.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class ReferralStatus(models.TextChoices):
    """The CLR Referral Status values (CLR FAQ; Table 11 of the CLR implementation guidance)."""

    PENDING = "pending", _("Pending: sent, the provider has not yet confirmed")
    ACCEPTED = "accepted", _("Accepted: the provider intends to serve the member")
    DECLINED = "declined", _("Declined by the provider")
    CLOSED = "closed", _("Closed: the loop is closed")


class DeclineReason(models.TextChoices):
    """Why a provider declined (CLR FAQ: capacity, service area, or other reasons)."""

    NO_CAPACITY = "no_capacity", _("The provider lacks capacity")
    OUTSIDE_SERVICE_AREA = "outside_service_area", _(
        "The member does not live in the provider's service area")
    OTHER = "other", _("Other (explain in the note)")


class ClosureReason(models.TextChoices):
    """The referral loop closure reason (CLR)."""

    SERVICES_RECEIVED = "services_received", _("Services received")
    MEMBER_DECLINED = "member_declined", _("Member or family declined")
    UNABLE_TO_REACH = "unable_to_reach", _("Unable to reach the member")
    PROVIDER_DECLINED = "provider_declined", _("Provider declined")
    INELIGIBLE = "ineligible", _("Member not eligible for the service")
    OTHER = "other", _("Other (explain in the note)")


class ReferrerKind(models.TextChoices):
    """Who referred (CLR "Referring Entity"). Only a professional is owed a closure notice:
    a referral by the member, a relative, friend, neighbour or guardian is a self-referral,
    and the CARES team does not notify itself."""

    CARES_TEAM = "cares_team", _("The CARES team")
    MEMBER_FAMILY = "member_family", _("The member or family (self-referral)")
    PROFESSIONAL = "professional", _(
        "A professional (provider, school, agency or community organization)")


class ExceptionKind(models.TextChoices):
    UNEXPECTED = "unexpected", _("An unexpected circumstance (PS VI.D.2.b)")
    SCHEDULED_BEYOND_30 = "scheduled_beyond_30", _(
        "The service is scheduled more than 30 days after the referral (PS VI.D.2.c)")


class ServiceReferral(models.Model):
    """A referral of the member to a service (PS VI.B.1.f, VI.D.2; CLR)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="referrals")
    key = models.CharField(_("import key"), max_length=64, unique=True, null=True, blank=True)
    service = models.CharField(_("service"), max_length=200)
    provider = models.ForeignKey("members.Provider", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="service_referrals",
                                 verbose_name=_("providing organization"))
    provider_person = models.CharField(
        _("person at the providing organization"), max_length=200, blank=True,
        help_text=_("The person assigned to the member there, if known."))
    referrer_kind = models.CharField(_("referring entity"), max_length=20,
                                     choices=ReferrerKind.choices,
                                     default=ReferrerKind.CARES_TEAM)
    referrer_name = models.CharField(
        _("referring organization or person"), max_length=200, blank=True,
        help_text=_("For a professional referrer: who is notified when the loop closes."))
    referrer_contact = models.ForeignKey(
        "members.Provider", on_delete=models.PROTECT, null=True, blank=True,
        related_name="service_referrals_made", verbose_name=_("referring entity (directory)"))
    referred_on = models.DateField(_("referred on"))
    scheduled_on = models.DateField(_("scheduled service date"), null=True, blank=True)
    goal = models.ForeignKey(
        "careplans.Goal", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="referrals", verbose_name=_("ICP goal it serves"),
        help_text=_("A goal of the member's finalized Individual Care Plan."))
    icp_goal = models.CharField(
        _("ICP goal, in words"), max_length=300, blank=True,
        help_text=_("The goal this referral works toward, when it is not (yet) in a "
                    "finalized ICP."))
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.PENDING)
    status_changed_on = models.DateField(_("status last changed on"), null=True, blank=True)
    decline_reason = models.CharField(_("decline reason"), max_length=30, blank=True,
                                      choices=DeclineReason.choices)
    closure_reason = models.CharField(_("closure reason"), max_length=30, blank=True,
                                      choices=ClosureReason.choices)
    closed_on = models.DateField(_("loop closed on"), null=True, blank=True)
    exception_reason = models.TextField(
        _("follow-up exception"), blank=True,
        help_text=_("Why a 30-day follow-up cannot be made: an unexpected circumstance "
                    "(PS VI.D.2.b) or a service scheduled more than 30 days out (VI.D.2.c)."))
    exception_kind = models.CharField(_("exception"), max_length=24, blank=True,
                                      choices=ExceptionKind.choices)
    exception_recorded_on = models.DateField(_("exception recorded on"), null=True,
                                             blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "referred_on", "pk"]
        indexes = [models.Index(fields=["member", "scheduled_on"]),
                   models.Index(fields=["status", "scheduled_on"])]

    def __str__(self) -> str:
        return f"{self.service} ({self.referred_on})"

    @property
    def is_open(self) -> bool:
        return self.status != ReferralStatus.CLOSED

    @property
    def reference(self) -> str:
        """How the deadline engine names the referral: its import key, or its id."""
        return str(self.key or self.pk)

    @property
    def last_change_on(self) -> date:
        return self.status_changed_on or self.referred_on

    @property
    def reason_label(self) -> str:
        if self.status == ReferralStatus.DECLINED and self.decline_reason:
            return str(self.get_decline_reason_display())
        if self.status == ReferralStatus.CLOSED and self.closure_reason:
            return str(self.get_closure_reason_display())
        return ""


class ReferralStatusChange(models.Model):
    """Every status move of a referral, with its date and author (append-only)."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE,
                                 related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["on", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} on {self.on}"

    @property
    def reason_label(self) -> str:
        labels = dict(DeclineReason.choices if self.to_status == ReferralStatus.DECLINED
                      else ClosureReason.choices)
        return str(labels.get(self.reason, self.reason))


class FollowUpWith(models.TextChoices):
    MEMBER_FAMILY = "member_family", _("The member or parent/guardian")
    PROVIDER = "provider", _("The service provider")
    OTHER = "other", _("Someone else on the care team")


class ReferralFollowUp(models.Model):
    """PS VI.D.2.a-b: whether services were received and met the member's need."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.PROTECT,
                                 related_name="follow_ups")
    followed_up_on = models.DateField(_("followed up on"))
    with_kind = models.CharField(_("followed up with"), max_length=20, blank=True,
                                 choices=FollowUpWith.choices)
    with_whom = models.CharField(_("with whom"), max_length=200, blank=True)
    services_received = models.BooleanField(_("services received"), null=True, blank=True)
    met_need = models.BooleanField(_("services met the member's need"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["followed_up_on", "pk"]

    def __str__(self) -> str:
        return f"follow-up {self.followed_up_on}"


class InquiryFrom(models.TextChoices):
    MEMBER_FAMILY = "member_family", _("The member or family")
    REFERRER = "referrer", _("The referring entity")
    PROVIDER = "provider", _("The service provider")
    OTHER = "other", _("Other")


class ReferralInquiry(models.Model):
    """An inquiry about a referral's status and its answer, owed within one business day
    (CLR: at a minimum, acknowledge the inquiry and give the referral's latest status)."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.PROTECT,
                                 related_name="inquiries")
    received_on = models.DateField(_("inquiry received on"))
    from_kind = models.CharField(_("inquiry from"), max_length=20, choices=InquiryFrom.choices)
    from_name = models.CharField(_("name of who asked"), max_length=200)
    question = models.TextField(_("what was asked"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer: the status given"), blank=True)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("referral inquiries")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"inquiry {self.received_on}"


class NoticeKind(models.TextChoices):
    DECLINE = "decline", _("Notice that the referral was declined")
    CLOSURE = "closure", _("Notice of the loop closure and its reason")


class NoticeMethod(models.TextChoices):
    SECURE_EMAIL = "secure_email", _("Secure e-mail")
    ELECTRONIC = "electronic", _("Other secure electronic method")
    MAIL = "mail", _("Mail")
    PHONE = "phone", _("Phone")
    OTHER = "other", _("Other agreed method")


class ReferralNotice(models.Model):
    """A notice to the referring entity (CLR): of the loop closure (within two business
    days) or of a decline (which makes a separate closure notice unnecessary)."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.PROTECT,
                                 related_name="notices")
    notice_kind = models.CharField(_("notice"), max_length=12, choices=NoticeKind.choices)
    sent_on = models.DateField(_("sent on"))
    sent_to = models.CharField(_("sent to"), max_length=200)
    notice_method = models.CharField(_("how"), max_length=20, choices=NoticeMethod.choices)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_notice_kind_display()} ({self.sent_on})"
