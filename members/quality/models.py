"""Quality management and audits (PS VII): requests for documentation from MassHealth or its
designee (PS VII.C, VII.D) and the member record packets that answer them, member experience
surveys (PS VII.A) and grievances.

Kept in the members app (like ``members.coverage``) because every one of these records points
at members and the deadline engine and dashboards, above this floor, read them. The packet is
*built* at program level (``cares.program.quality``), which reads every record of a member;
here it is only a row with its state and its sealed document."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


# --- Review and documentation requests (PS VII.C, VII.D) ----------------------------------------

class ReviewKind(models.TextChoices):
    UTILIZATION = "utilization", _("Utilization review")
    AUDIT = "audit", _("Provider review or audit")
    MEDICAL_NECESSITY = "medical_necessity", _("Medical necessity review")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


class ReviewRequest(models.Model):
    """A request from MassHealth or its designee for documentation, due on the date the
    requester gave ("within MassHealth's or its designee's time specifications")."""

    reference = models.CharField(_("requester's reference"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    requester = models.CharField(_("requested by"), max_length=200,
                                 help_text=_("MassHealth or the designee that asked."))
    requester_contact = models.CharField(_("requester's contact"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"), help_text=_("As given by the requester."))
    asked = models.TextField(_("what is asked"))
    records_from = models.DateField(_("records from"), null=True, blank=True)
    records_to = models.DateField(_("records to"), null=True, blank=True)
    members = models.ManyToManyField("members.Member", related_name="review_requests",
                                     verbose_name=_("members concerned"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_reason = models.CharField(_("why closed without an answer"), max_length=300,
                                     blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["due_on", "pk"]
        permissions = [
            ("manage_quality", "Can manage review requests, record packets, experience "
             "surveys and grievances"),
            ("view_survey_text", "Can read the free-text answers of experience surveys"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="review_request_due")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("received_on")),
                                   name="review_request_due_after_received"),
            models.CheckConstraint(condition=Q(answered_on__isnull=True)
                                   | Q(answered_on__gte=F("received_on")),
                                   name="review_request_answered_after_received"),
            models.CheckConstraint(condition=Q(records_from__isnull=True)
                                   | Q(records_to__isnull=True)
                                   | Q(records_to__gte=F("records_from")),
                                   name="review_request_range_ordered"),
            models.CheckConstraint(condition=~Q(status="answered") | Q(answered_on__isnull=False),
                                   name="review_request_answered_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class SendMethod(models.TextChoices):
    PORTAL = "portal", _("Secure portal upload")
    SECURE_EMAIL = "secure_email", _("Secure (encrypted) e-mail")
    MAIL = "mail", _("Mail")
    FAX = "fax", _("Fax")
    HAND = "hand", _("By hand")


class ReviewSubmission(models.Model):
    """What was sent in answer to a request: when, to whom, how, and which packets."""

    request = models.ForeignKey(ReviewRequest, on_delete=models.PROTECT,
                                related_name="submissions")
    sent_on = models.DateField(_("sent on"))
    sent_to = models.CharField(_("sent to"), max_length=200)
    method = models.CharField(_("how"), max_length=20, choices=SendMethod.choices)
    note = models.TextField(_("what was sent"), blank=True)
    packets = models.ManyToManyField("members.RecordPacket", related_name="submissions",
                                     blank=True, verbose_name=_("record packets"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review submission")
        verbose_name_plural = _("review submissions")
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"sent {self.sent_on}"


class PacketStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class RecordPacket(models.Model):
    """A member's record for a date range as one sealed PDF, made by a worker
    (``cares.program.quality``). ``progress`` of ``sections_total`` is shown while it runs."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="record_packets")
    request = models.ForeignKey(ReviewRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="packets", verbose_name=_("review request"))
    records_from = models.DateField(_("records from"))
    records_to = models.DateField(_("records to"))
    status = models.CharField(_("status"), max_length=10, choices=PacketStatus.choices,
                              default=PacketStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    sections_total = models.PositiveSmallIntegerField(default=0)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="record_packet")
    pages = models.PositiveIntegerField(null=True, blank=True)
    seconds = models.FloatField(_("seconds to make"), null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)  # a kind of failure, never PHI
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member record packet")
        verbose_name_plural = _("member record packets")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(records_to__gte=F("records_from")),
                                   name="packet_range_ordered"),
            models.CheckConstraint(condition=~Q(status="ready") | Q(document__isnull=False),
                                   name="packet_ready_has_document"),
        ]

    def __str__(self) -> str:
        return f"record packet #{self.pk} ({self.status})"


# --- Member experience surveys (PS VII.A) ------------------------------------------------------

class SurveyRound(models.Model):
    """One round of the member experience survey: the period it asks about, its questions and
    the languages it is offered in. Invited: every member enrolled on any day of the period
    (one response per member's household)."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    languages = models.JSONField(_("languages"), default=list, blank=True,
                                 help_text=_("Language tags the survey is offered in."))
    closed = models.BooleanField(_("closed"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("experience survey round")
        verbose_name_plural = _("experience survey rounds")
        ordering = ["-period_start", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                              name="survey_period_ordered")]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Rating from 1 (poor) to 5 (excellent)")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


class SurveyQuestion(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind of answer"), max_length=8, choices=QuestionKind.choices)
    text = models.TextField(_("question (English)"))
    translations = models.JSONField(_("translations"), default=dict, blank=True,
                                    help_text=_("The question in each of the round's "
                                                "languages, by language tag."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "position"],
                                               name="one_question_per_position")]

    def __str__(self) -> str:
        return f"Q{self.position}"


class ResponseMode(models.TextChoices):
    PAPER = "paper", _("Paper form, entered by staff")
    PHONE = "phone", _("By phone, entered by staff")
    IMPORTED = "imported", _("Imported from a file")


class SurveyResponse(models.Model):
    """One household's answers (the household of ``member``) to one round."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="survey_responses")
    received_on = models.DateField(_("received on"))
    mode = models.CharField(_("how it came in"), max_length=10, choices=ResponseMode.choices)
    language = models.CharField(_("language answered in"), max_length=35, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["received_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "member"],
                                               name="one_response_per_household")]

    def __str__(self) -> str:
        return f"response #{self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT,
                                 related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    yes = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_each"),
            models.CheckConstraint(condition=Q(score__isnull=True)
                                   | Q(score__gte=1, score__lte=5), name="score_one_to_five"),
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"


# --- Grievances and complaints -----------------------------------------------------------------

class GrievanceFrom(models.TextChoices):
    MEMBER = "member", _("The member")
    FAMILY = "family", _("Parent, guardian or family")
    PROVIDER = "provider", _("A provider")
    AGENCY = "agency", _("A state agency or MassHealth")
    OTHER = "other", _("Someone else")


class GrievanceTopic(models.TextChoices):
    COORDINATION = "coordination", _("Care coordination")
    STAFF = "staff", _("A staff member's conduct")
    TIMELINESS = "timeliness", _("Access or timeliness")
    LANGUAGE = "language", _("Language or communication")
    PRIVACY = "privacy", _("Privacy")
    OTHER = "other", _("Something else")


class Grievance(models.Model):
    """A grievance or complaint about the program, with its acknowledgement, resolution and
    any escalation. Targets for acknowledging and resolving are the program's settings
    (``staff.Program``)."""

    received_on = models.DateField(_("received on"))
    from_name = models.CharField(_("from"), max_length=200)
    from_kind = models.CharField(_("who they are"), max_length=10,
                                 choices=GrievanceFrom.choices)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="grievances",
                               verbose_name=_("member concerned"))
    topic = models.CharField(_("about"), max_length=14, choices=GrievanceTopic.choices)
    description = models.TextField(_("what it is about"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    escalated_to = models.CharField(_("escalated to"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["resolved_on", "received_on"], name="grievance_open")]
        constraints = [
            models.CheckConstraint(condition=Q(acknowledged_on__isnull=True)
                                   | Q(acknowledged_on__gte=F("received_on")),
                                   name="grievance_ack_after_received"),
            models.CheckConstraint(condition=Q(resolved_on__isnull=True)
                                   | Q(resolved_on__gte=F("received_on")),
                                   name="grievance_resolved_after_received"),
            models.CheckConstraint(condition=Q(resolved_on__isnull=True) | ~Q(resolution=""),
                                   name="grievance_resolved_has_resolution"),
            models.CheckConstraint(condition=Q(escalated_on__isnull=True)
                                   | Q(escalated_on__gte=F("received_on")),
                                   name="grievance_escalated_after_received"),
        ]

    def __str__(self) -> str:
        return f"grievance #{self.pk}"
