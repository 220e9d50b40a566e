"""Care coordination records (PS III, IV.A.2, VI.B-D; the closed-loop referral FAQ, "CLR").

The first four (``ServiceReferral``, ``ReferralFollowUp``, ``MonitoringReview``,
``TransitionPlan``) are the core the deadline engine reads (``cares.deadlines.facts``); their
original fields keep their meaning: a referral's ``key``, ``service``, ``provider``,
``referred_on``, ``scheduled_on`` and ``exception_reason``, a follow-up's ``followed_up_on``, a
review's ``reviewed_on`` and a plan's ``recorded_on``. Every other field has a default, so the
caseload import (which sets only those) keeps working.

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


# --- Closed-loop referrals (PS VI.D.2; CLR) -------------------------------------------------------

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


# --- Monitoring (PS VI.D.1) -----------------------------------------------------------------------

class MonitoringReview(models.Model):
    """PS VI.D.1: at least every six months, the three determinations a-c."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="monitoring_reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    participants = models.CharField(
        _("participants"), max_length=300, blank=True,
        help_text=_("The member and parent/guardian and the care team members who took "
                    "part."))
    services_per_icp = models.BooleanField(
        _("services are furnished in accordance with the ICP (VI.D.1.a)"), null=True,
        blank=True)
    services_adequate = models.BooleanField(
        _("services in the ICP are adequate (VI.D.1.b)"), null=True, blank=True)
    changes_reflected = models.BooleanField(
        _("changes in needs or status are reflected in the ICP (VI.D.1.c)"), null=True,
        blank=True)
    icp_update_needed = models.BooleanField(_("the ICP must be updated"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    new_care_plan = models.ForeignKey(
        "careplans.CarePlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="monitoring_reviews", verbose_name=_("updated ICP version"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"monitoring {self.reviewed_on}"

    @property
    def icp_update_pending(self) -> bool:
        return self.icp_update_needed and self.new_care_plan_id is None


# --- Transition to adulthood (PS VI.C) ------------------------------------------------------------

class GuardianshipNeed(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No decision-making support needed")
    SUPPORTED = "supported", _("Supported decision-making, no guardianship")
    GUARDIANSHIP = "guardianship", _("Guardianship may be needed")
    UNDETERMINED = "undetermined", _("Not yet determined")


class TransitionPlan(models.Model):
    """PS VI.C: the plan for transition to adulthood (from age 16), updated regularly; from
    age 20 the timing of the transfer of primary and subspecialty care (VI.C.5)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="transition_plans")
    recorded_on = models.DateField(_("recorded on"))
    updated_on = models.DateField(_("last updated on"), null=True, blank=True)
    # VI.C.1
    goals_actions = models.TextField(_("the member's goals and prioritized actions"),
                                     blank=True)
    medical_summary = models.TextField(_("medical summary"), blank=True)
    emergency_plan = models.TextField(_("emergency care plan"), blank=True)
    condition_fact_sheet = models.TextField(
        _("condition fact sheet (if needed)"), blank=True)
    legal_documents = models.TextField(
        _("legal documents (if needed)"), blank=True,
        help_text=_("e.g. health care proxy, power of attorney, release forms."))
    # VI.C.2
    adult_clinicians = models.TextField(
        _("adult clinicians identified"), blank=True,
        help_text=_("Adult primary care and specialists the member has chosen or will meet."))
    insurance_linkages = models.TextField(_("linkages to insurance resources"), blank=True)
    community_linkages = models.TextField(
        _("self-care management information and community support services"), blank=True,
        help_text=_("Including long-term services and supports, and referrals made."))
    # VI.C.3
    guardianship_need = models.CharField(_("decision-making supports needed"), max_length=16,
                                         blank=True, choices=GuardianshipNeed.choices)
    decision_making_supports = models.TextField(_("decision-making supports"), blank=True)
    legal_referrals = models.TextField(_("referrals to legal resources"), blank=True)
    # VI.C.4
    adult_care_preparation = models.TextField(
        _("preparation for the adult approach to care"), blank=True,
        help_text=_("Legal changes in decision-making, privacy and consent, self-advocacy, "
                    "access to information."))
    # VI.C.5 (from age 20)
    primary_care_transfer_on = models.DateField(_("planned transfer of primary care"),
                                                null=True, blank=True)
    primary_care_transfer = models.TextField(_("timing of the transfer of primary care"),
                                             blank=True)
    subspecialty_involved = models.BooleanField(_("subspecialty care is involved"),
                                                null=True, blank=True)
    subspecialty_transfer_on = models.DateField(_("planned transfer of subspecialty care"),
                                                null=True, blank=True)
    subspecialty_transfer = models.TextField(_("timing of the transfer of subspecialty care"),
                                             blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "recorded_on", "pk"]

    def __str__(self) -> str:
        return f"transition plan {self.recorded_on}"

    ELEMENTS = (
        ("PS VI.C.1", _("the member's goals and prioritized actions, medical summary and "
                        "emergency care plan")),
        ("PS VI.C.2", _("adult clinicians, insurance and community linkages")),
        ("PS VI.C.3", _("the need for decision-making supports, including guardianship")),
        ("PS VI.C.4", _("preparation for the adult approach to care")),
        ("PS VI.C.5", _("timing of the transfer of primary care, and of subspecialty care if "
                        "involved")),
    )

    def missing_elements(self, *, age: int) -> list[str]:
        """The PS VI.C elements still missing, in plain words with their citations; VI.C.5
        only from age 20."""
        def filled(*names: str) -> bool:
            return all(str(getattr(self, n) or "").strip() for n in names)

        present = [
            filled("goals_actions", "medical_summary", "emergency_plan"),
            filled("adult_clinicians", "insurance_linkages", "community_linkages"),
            self.guardianship_need == GuardianshipNeed.NOT_NEEDED
            or (self.guardianship_need == GuardianshipNeed.SUPPORTED
                and filled("decision_making_supports"))
            or (self.guardianship_need == GuardianshipNeed.GUARDIANSHIP
                and filled("decision_making_supports", "legal_referrals")),
            filled("adult_care_preparation"),
            age < 20 or (
                (filled("primary_care_transfer") or self.primary_care_transfer_on is not None)
                and self.subspecialty_involved is not None
                and (not self.subspecialty_involved or filled("subspecialty_transfer")
                     or self.subspecialty_transfer_on is not None)),
        ]
        return [f"{text} ({cite})" for (cite, text), ok in zip(self.ELEMENTS, present,
                                                               strict=True) if not ok]


# --- Contacts, the on-call line, case reviews, consultations --------------------------------------

class ContactMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    TELEHEALTH = "telehealth", _("Telehealth (video)")
    PHONE = "phone", _("Phone")


class ContactNote(models.Model):
    """A contact with the member, their family or their providers (PS VI.B.1.a)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="contact_notes")
    contact_at = models.DateTimeField(_("date and time"))
    contact_mode = models.CharField(_("how"), max_length=16, choices=ContactMode.choices)
    participants = models.CharField(_("participants"), max_length=300)
    summary = models.TextField(_("what happened"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "contact_at", "pk"]

    def __str__(self) -> str:
        return f"contact {self.contact_at:%Y-%m-%d %H:%M}"


class CallCategory(models.TextChoices):
    """What the 24/7 on-call line responds to and triages (PS VI.B.1.b)."""

    MEDICAL_QUESTION = "medical_question", _("Medical question")
    DME = "dme", _("Durable medical equipment need or failure")
    ACCESS = "access", _("Help accessing medical services")
    CRISIS = "crisis", _("Medical crisis or emergency")


class TriageDecision(models.TextChoices):
    ADVICE = "advice", _("Advice given, no further action")
    CALL_BACK = "call_back", _("Care team to call back next business day")
    CONTACT_CLINICIAN = "contact_clinician", _("PCP or specialist contacted")
    DME_VENDOR = "dme_vendor", _("DME supplier contacted")
    URGENT_VISIT = "urgent_visit", _("Urgent visit arranged")
    EMERGENCY = "emergency", _("Sent to the emergency department / 911")
    OTHER = "other", _("Other (see notes)")


class OnCallCall(models.Model):
    """A call to the dedicated 24/7 on-call line (PS VI.B.1.b, IV.A.5)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="on_call_calls")
    called_at = models.DateTimeField(_("call time"))
    caller = models.CharField(_("caller"), max_length=200,
                              help_text=_("Name and relationship to the member."))
    call_category = models.CharField(_("category"), max_length=20,
                                     choices=CallCategory.choices)
    summary = models.TextField(_("what the caller needed"))
    triage_decision = models.CharField(_("triage decision"), max_length=20,
                                       choices=TriageDecision.choices)
    triage_notes = models.TextField(_("triage notes"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True,
                                 help_text=_("What the care team does next, and by when."))
    handled_by = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("answered by"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("on-call call")
        ordering = ["member", "called_at", "pk"]

    def __str__(self) -> str:
        return f"on-call {self.called_at:%Y-%m-%d %H:%M}"


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video conference")
    AUDIO = "audio", _("Audio conference")
    HYBRID = "hybrid", _("In person and remote")


class CaseReview(models.Model):
    """An interdisciplinary case review meeting (PS III): all of the interdisciplinary team
    and the member and their parent/guardian."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="case_reviews")
    held_on = models.DateField(_("held on"))
    meeting_mode = models.CharField(_("how"), max_length=12, choices=MeetingMode.choices)
    attendees = models.TextField(_("attendees"),
                                 help_text=_("Names and roles of everyone present."))
    member_attended = models.BooleanField(_("the member attended"), default=False)
    guardian_attended = models.BooleanField(_("the parent/guardian attended"), default=False)
    absence_reason = models.CharField(
        _("why the member and parent/guardian were absent"), max_length=300, blank=True)
    decisions = models.TextField(_("decisions"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "held_on", "pk"]

    def __str__(self) -> str:
        return f"case review {self.held_on}"


class ConsultMode(models.TextChoices):
    PHONE = "phone", _("Phone")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    TELEHEALTH = "telehealth", _("Telehealth (video)")


class ConsultationRequest(models.Model):
    """A care team member's request for consultation with the senior medical professional,
    answered within one business day (PS IV.A.2). The deadline belongs to the senior
    medical professional asked (a staff deadline)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="consultations")
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("requested by"))
    consultant = models.ForeignKey("staff.StaffProfile", on_delete=models.PROTECT,
                                   related_name="consultations",
                                   verbose_name=_("senior medical professional"))
    question = models.TextField(_("question"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_mode = models.CharField(_("how"), max_length=16, blank=True,
                                     choices=ConsultMode.choices)
    response = models.TextField(_("response"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "requested_at", "pk"]
        indexes = [models.Index(fields=["consultant", "requested_at"])]

    def __str__(self) -> str:
        return f"consultation {self.requested_at:%Y-%m-%d %H:%M}"
