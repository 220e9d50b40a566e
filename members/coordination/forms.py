"""Forms for the care coordination pages. They validate input; a service in
``members.coordination.services`` decides and writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cares.base.staff.forms import DATE_INPUT
from cares.base.staff.models import Role, StaffProfile
from members.coordination.models import (
    CONTACT_PARTIES,
    CaseReview,
    ClosureReason,
    ConsultationRequest,
    ConsultMode,
    Contact,
    DeclineReason,
    ExceptionKind,
    MonitoringReview,
    OnCallCall,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatus,
    ServiceReferral,
    TransitionPlan,
)
from members.coordination.services import TRANSITION_FIELDS
from members.forms import TEXTAREA, LanguageField
from members.models import Provider
from members.staff_choices import StaffChoiceField, active_staff, default_staff

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


def yes_no(label, *, required: bool = True, help_text: str = "") -> forms.TypedChoiceField:
    """A yes/no question answered explicitly (None when left unanswered)."""
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "yes",
                                  empty_value=None, required=required,
                                  widget=forms.RadioSelect, help_text=help_text)


def _default(form: forms.BaseForm, name: str, value) -> None:
    """A default for an empty field. (A model form's initial data comes from its instance,
    whose empty fields would hide the field's own ``initial``.)"""
    if form.initial.get(name) in (None, ""):
        form.initial[name] = value() if callable(value) else value


def _active_providers(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].queryset = Provider.objects.filter(active=True)


# --- Referrals ------------------------------------------------------------------------------------

class ReferralForm(forms.ModelForm):
    """A referral to a service (PS VI.B.1.f, VI.D.2; CLR)."""

    class Meta:
        model = ServiceReferral
        fields = ["service", "provider", "provider_person", "referred_on", "scheduled_on",
                  "referrer_kind", "referrer_name", "referrer_contact", "goal", "icp_goal"]
        widgets = {"referred_on": DATE_INPUT, "scheduled_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _active_providers(self, "provider", "referrer_contact")
        # The goals of the member's finalized ICP (PS VI.A.1.c.5.b.ii), through the foreign
        # key: coordination sits below careplans and imports nothing from it.
        goal = self.fields["goal"]
        goal.queryset = goal.queryset.in_finalized_plan_of(self.instance.member_id)
        if "referred_on" in self.fields:
            _default(self, "referred_on", timezone.localdate)


class ReferralEditForm(ReferralForm):
    class Meta(ReferralForm.Meta):
        fields = [f for f in ReferralForm.Meta.fields if f != "referred_on"]


class ReferralStatusForm(forms.Form):
    """A move along the CLR statuses, with its date, reason and note."""

    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in ReferralStatus if s != ReferralStatus.PENDING])
    changed_on = forms.DateField(label=_("Effective on"), widget=DATE_INPUT,
                                 initial=timezone.localdate)
    decline_reason = forms.ChoiceField(
        label=_("Decline reason"), required=False,
        choices=[("", "---------"), *DeclineReason.choices],
        help_text=_("When the provider declined (CLR)."))
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"), required=False,
        choices=[("", "---------"), *ClosureReason.choices],
        help_text=_("When the loop closes (CLR)."))
    status_note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA)

    def change(self) -> dict:
        data = self.cleaned_data
        reason = {ReferralStatus.DECLINED: data["decline_reason"],
                  ReferralStatus.CLOSED: data["closure_reason"]}.get(data["to_status"], "")
        return {"to_status": data["to_status"], "on": data["changed_on"], "reason": reason,
                "note": data["status_note"]}


class FollowUpForm(forms.ModelForm):
    """PS VI.D.2.a-b: whether services were received and met the member's need."""

    services_received = yes_no(_("Were the services received?"))
    met_need = yes_no(_("Did they meet the member's need?"), required=False,
                      help_text=_("When the services were received."))

    class Meta:
        model = ReferralFollowUp
        fields = ["followed_up_on", "with_kind", "with_whom", "services_received", "met_need",
                  "notes"]
        widgets = {"followed_up_on": DATE_INPUT, "notes": TEXTAREA}

    close_loop = forms.BooleanField(
        label=_("Close the referral loop now: services received and met the need"),
        required=False,
        help_text=_("Closes the referral with the CLR closure reason \"services received\", "
                    "dated the follow-up, in this same step."))

    def __init__(self, *args, referral: ServiceReferral | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "followed_up_on", timezone.localdate)
        self.fields["with_kind"].required = True
        if referral is None or referral.status == ReferralStatus.CLOSED:
            del self.fields["close_loop"]  # nothing left to close


class ExceptionForm(forms.Form):
    """PS VI.D.2.b-c: why a 30-day follow-up cannot be made."""

    exception_kind = forms.ChoiceField(label=_("Exception"), choices=ExceptionKind.choices,
                                       widget=forms.RadioSelect)
    exception_reason = forms.CharField(label=_("Documented reason"), widget=TEXTAREA)


class InquiryForm(forms.ModelForm):
    """An inquiry about the referral's status (CLR), with its answer if given at once."""

    class Meta:
        model = ReferralInquiry
        fields = ["received_on", "from_kind", "from_name", "question", "answered_on",
                  "answer"]
        widgets = {"received_on": DATE_INPUT, "answered_on": DATE_INPUT, "question": TEXTAREA,
                   "answer": TEXTAREA}
        help_texts = {"answered_on": _("Due within one business day (CLR).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "received_on", timezone.localdate)


class InquiryAnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE_INPUT,
                                  initial=timezone.localdate)
    answer = forms.CharField(label=_("Answer: the status given"), widget=TEXTAREA)


class NoticeForm(forms.ModelForm):
    """A notice to the referring entity (CLR)."""

    class Meta:
        model = ReferralNotice
        fields = ["notice_kind", "sent_on", "sent_to", "notice_method"]
        widgets = {"sent_on": DATE_INPUT}

    def __init__(self, *args, referral: ServiceReferral | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "sent_on", timezone.localdate)
        if referral is not None:
            _default(self, "sent_to", referral.referrer_name)


# --- Monitoring and the transition plan -----------------------------------------------------------

class MonitoringForm(forms.ModelForm):
    """PS VI.D.1 a-c and whether the ICP must be updated."""

    services_per_icp = yes_no(_("Are services furnished in accordance with the ICP? "
                                "(VI.D.1.a)"))
    services_adequate = yes_no(_("Are the services in the ICP adequate? (VI.D.1.b)"))
    changes_reflected = yes_no(_("Are changes in the member's needs or status reflected in "
                                 "the ICP? (VI.D.1.c)"))

    class Meta:
        model = MonitoringReview
        fields = ["reviewed_on", "participants", "services_per_icp", "services_adequate",
                  "changes_reflected", "icp_update_needed", "notes"]
        widgets = {"reviewed_on": DATE_INPUT, "notes": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "reviewed_on", timezone.localdate)
        self.fields["participants"].required = True


class MonitoringIcpForm(forms.Form):
    care_plan = forms.ModelChoiceField(label=_("Updated ICP version"), queryset=None)

    def __init__(self, *args, review: MonitoringReview, **kwargs):
        super().__init__(*args, **kwargs)
        # careplans.CarePlan, through the foreign key (coordination imports nothing from it).
        care_plans = MonitoringReview._meta.get_field("new_care_plan").related_model.objects
        self.fields["care_plan"].queryset = care_plans.finalized_on_or_after(
            review.member_id, review.reviewed_on)


class TransitionPlanForm(forms.ModelForm):
    """PS VI.C 1-5."""

    plan_on = forms.DateField(label=_("Recorded or updated on"), widget=DATE_INPUT,
                              initial=timezone.localdate)
    subspecialty_involved = yes_no(_("Is subspecialty care involved?"), required=False,
                                   help_text=_("From age 20 (PS VI.C.5)."))

    class Meta:
        model = TransitionPlan
        fields = ["plan_on", *TRANSITION_FIELDS]
        widgets = {name: TEXTAREA for name in TRANSITION_FIELDS
                   if name not in ("guardianship_need", "subspecialty_involved",
                                   "primary_care_transfer_on", "subspecialty_transfer_on")}
        widgets.update(primary_care_transfer_on=DATE_INPUT, subspecialty_transfer_on=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.subspecialty_involved is not None:
            self.initial["subspecialty_involved"] = (
                "yes" if self.instance.subspecialty_involved else "no")

    def plan(self) -> dict:
        return {name: self.cleaned_data[name] for name in TRANSITION_FIELDS}


# --- Contacts, on-call, case reviews, consultations -----------------------------------------------

class ContactForm(forms.ModelForm):
    """A contact with the member, their family or the people around them (PS VI.B.1.a)."""

    parties = forms.MultipleChoiceField(
        label=_("With whom"), choices=CONTACT_PARTIES, widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A contact with the member or a parent/guardian, in person or by "
                    "telehealth, is the regular contact PS VI.B.1.a asks for."))
    staff = StaffChoiceField(label=_("Staff member"), queryset=StaffProfile.objects.none(),
                             required=False)

    class Meta:
        model = Contact
        fields = ["contact_at", "contact_mode", "parties", "participants", "staff",
                  "duration_minutes", "interpreter_used", "interpreter_language", "summary"]
        widgets = {"contact_at": DATETIME_INPUT, "summary": TEXTAREA}
        field_classes = {"interpreter_language": LanguageField}

    def __init__(self, *args, profile: StaffProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "contact_at", now_local)
        field = self.fields["staff"]
        field.queryset = active_staff(StaffProfile.objects.filter(roles__isnull=False))
        _default(self, "staff", default_staff(field.queryset, profile))
        self.fields["summary"].required = True
        self.fields["duration_minutes"].widget.attrs.update(min=1, max=1440)


class OnCallForm(forms.ModelForm):
    """A call to the 24/7 on-call line (PS VI.B.1.b)."""

    handled_by = StaffChoiceField(label=_("Answered by"), queryset=StaffProfile.objects.none(),
                                  required=False)

    class Meta:
        model = OnCallCall
        fields = ["called_at", "answered_live", "first_callback_at", "caller", "call_category",
                  "summary", "triage_decision", "triage_notes", "follow_up", "handled_by"]
        widgets = {"called_at": DATETIME_INPUT, "first_callback_at": DATETIME_INPUT,
                   "summary": TEXTAREA, "triage_notes": TEXTAREA, "follow_up": TEXTAREA}

    def __init__(self, *args, profile: StaffProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "called_at", now_local)
        field = self.fields["handled_by"]
        field.queryset = active_staff(StaffProfile.objects.filter(roles__isnull=False))
        _default(self, "handled_by", default_staff(field.queryset, profile))


class CaseReviewForm(forms.ModelForm):
    """An interdisciplinary case review meeting (PS III)."""

    class Meta:
        model = CaseReview
        fields = ["held_on", "meeting_mode", "attendees", "member_attended",
                  "guardian_attended", "absence_reason", "decisions"]
        widgets = {"held_on": DATE_INPUT, "attendees": TEXTAREA, "decisions": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "held_on", timezone.localdate)


def consultant_choices():
    """Active senior medical professionals, backup coverage included (PS IV.A.2, IV.A.4)."""
    return StaffProfile.objects.filter(
        active=True, roles__role=Role.SENIOR_MEDICAL_PROFESSIONAL).distinct() \
        .select_related("user")


class ConsultRequestForm(forms.ModelForm):
    """A request for consultation with the senior medical professional (PS IV.A.2)."""

    class Meta:
        model = ConsultationRequest
        fields = ["requested_at", "consultant", "question"]
        widgets = {"requested_at": DATETIME_INPUT, "question": TEXTAREA}
        help_texts = {"consultant": _("The answer is due within one business day.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _default(self, "requested_at", now_local)
        consultants = consultant_choices()
        self.fields["consultant"].queryset = consultants
        if len(consultants) == 1:
            _default(self, "consultant", consultants[0].pk)


class ConsultResponseForm(forms.Form):
    responded_at = forms.DateTimeField(label=_("Responded at"), widget=DATETIME_INPUT,
                                       initial=now_local)
    response_mode = forms.ChoiceField(label=_("How"), choices=ConsultMode.choices)
    response = forms.CharField(label=_("Response"), widget=TEXTAREA)
