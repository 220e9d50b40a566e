"""What the access tests share: a member whose PHI and clinical detail are sentinel values,
the staff around them (one per role), records of the member for nested URLs, and how to
turn each URL pattern of the resolver into a URL for that member.

A new URL pattern that takes a member (``members/<int:pk>/...`` or a ``member_id`` /
``member_pk`` parameter) is found by ``member_routes`` without anyone adding it; if it also
takes the id of a record of the member, that parameter needs an entry in ``NESTED`` (the
tests fail loudly until it has one). A new pattern with some other parameter must be listed
in ``OTHER_RECORDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.utils import timezone

from cares.base.audit.models import AuditEvent
from cares.base.staff.models import StaffProfile, User
from members import services
from members.models import (
    CaseReview,
    ConsultationRequest,
    Contact,
    Guardian,
    HospitalStay,
    Member,
    MemberContact,
    MonitoringReview,
    OnCallCall,
    OnCallShift,
    Provider,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralStatusChange,
    ReleaseOfInformation,
    ServiceReferral,
    TransitionPlan,
)
from tests.factories import MemberFactory, ProviderFactory, make_director, make_staff
from tests.urlwalk import Route, concrete, fill, routes

# --- The member's PHI: sentinel values that must not leak ------------------------------------

FIRST = "Zephyrine"
LAST = "Quillfeather"
DOB = date(2013, 7, 29)
MASSHEALTH_ID = "987654321012"
ADDRESS = "4417 Larkspur Hollow"
CITY = "Wendellbury"
GUARDIAN = "Orsolya Brightwater"


def dob_formats(born: date = DOB) -> list[str]:
    """A date of birth as it could be written: ISO, US, and Django's default formats."""
    return [born.isoformat(), born.strftime("%m/%d/%Y"), f"{born.month}/{born.day}/{born.year}",
            born.strftime("%m/%d/%y"), born.strftime("%d/%m/%Y"),
            f"{born:%B} {born.day}, {born.year}", f"{born:%b}. {born.day}, {born.year}",
            born.strftime("%Y%m%d")]


PHI = [FIRST, LAST, MASSHEALTH_ID, ADDRESS, CITY, GUARDIAN, *dob_formats()]


def phi_in(text: str) -> list[str]:
    """The sentinel PHI values found in ``text`` (case-insensitive)."""
    lowered = text.lower()
    return [value for value in PHI if value.lower() in lowered]


# --- Clinical detail: one sentinel per clinical field -----------------------------------------

CLINICAL = {
    ("EligibilityEvaluation", "rationale"): "Clinsentinel-rationale-4471",
    ("EligibilityEvaluation", "criteria"): "clinsentinel_criterion_4472",
    ("Removal", "recommendations"): "Clinsentinel-recommendations-4473",
    ("Removal", "services_in_place"): "Clinsentinel-services-4474",
    ("Removal", "medications"): "Clinsentinel-medications-4475",
    ("Removal", "referrals"): "Clinsentinel-referrals-4476",
    # Care coordination (members.coordination): every narrative field is clinical.
    ("ServiceReferral", "icp_goal"): "Clinsentinel-icp-goal-4477",
    ("ServiceReferral", "exception_reason"): "Clinsentinel-exception-4478",
    ("ReferralStatusChange", "note"): "Clinsentinel-status-note-4479",
    ("ReferralFollowUp", "notes"): "Clinsentinel-follow-up-4480",
    ("ReferralInquiry", "question"): "Clinsentinel-inquiry-4481",
    ("ReferralInquiry", "answer"): "Clinsentinel-answer-4482",
    ("MonitoringReview", "notes"): "Clinsentinel-monitoring-4483",
    ("TransitionPlan", "medical_summary"): "Clinsentinel-medical-summary-4484",
    ("TransitionPlan", "emergency_plan"): "Clinsentinel-emergency-plan-4485",
    ("TransitionPlan", "condition_fact_sheet"): "Clinsentinel-fact-sheet-4486",
    ("TransitionPlan", "adult_clinicians"): "Clinsentinel-clinicians-4487",
    ("TransitionPlan", "primary_care_transfer"): "Clinsentinel-primary-transfer-4488",
    ("TransitionPlan", "subspecialty_transfer"): "Clinsentinel-subspecialty-4489",
    ("Contact", "summary"): "Clinsentinel-contact-4490",
    ("OnCallCall", "summary"): "Clinsentinel-call-4491",
    ("OnCallCall", "triage_notes"): "Clinsentinel-triage-4492",
    ("OnCallCall", "follow_up"): "Clinsentinel-call-follow-up-4493",
    ("CaseReview", "decisions"): "Clinsentinel-decisions-4494",
    ("ConsultationRequest", "question"): "Clinsentinel-consult-question-4495",
    ("ConsultationRequest", "response"): "Clinsentinel-consult-response-4496",
    ("HospitalStay", "reason"): "Clinsentinel-stay-reason-4497",
    ("HospitalStay", "follow_up_notes"): "Clinsentinel-stay-follow-up-4498",
    ("HospitalStay", "reassessment_reason"): "Clinsentinel-no-reassessment-4499",
}

# Each model with clinical fields, and the lookup from it to its member.
CLINICAL_MODELS = {
    "EligibilityEvaluation": ("members.EligibilityEvaluation", "episode__member"),
    "Removal": ("members.Removal", "episode__member"),
    "ServiceReferral": ("members.ServiceReferral", "member"),
    "ReferralStatusChange": ("members.ReferralStatusChange", "referral__member"),
    "ReferralFollowUp": ("members.ReferralFollowUp", "referral__member"),
    "ReferralInquiry": ("members.ReferralInquiry", "referral__member"),
    "MonitoringReview": ("members.MonitoringReview", "member"),
    "TransitionPlan": ("members.TransitionPlan", "member"),
    "Contact": ("members.Contact", "member"),
    "OnCallCall": ("members.OnCallCall", "member"),
    "CaseReview": ("members.CaseReview", "member"),
    "ConsultationRequest": ("members.ConsultationRequest", "member"),
    "HospitalStay": ("members.HospitalStay", "member"),
}


def clinical_values(model: str, field: str, member: Member) -> list[str]:
    """Every stored value of a clinical field for ``member`` (lists flattened to text)."""
    label, lookup = CLINICAL_MODELS[model]
    rows = apps.get_model(label)._base_manager.filter(**{lookup: member})
    return [" ".join(v) if isinstance(v, list) else str(v)
            for v in rows.values_list(field, flat=True)]

# --- The world ------------------------------------------------------------------------------

ROLES = ("director", "manager", "coordinator", "outsider", "family", "medical", "nobody")


@dataclass
class World:
    member: Member
    director: StaffProfile
    manager: StaffProfile  # senior care manager
    coordinator: StaffProfile  # care coordinator on the member's care team, primary contact
    outsider: StaffProfile  # care coordinator not on the member's care team
    family: StaffProfile  # family support staff on the member's care team
    medical: StaffProfile  # senior medical professional
    nobody: StaffProfile  # a staff member with no role
    provider: Provider
    records: dict[str, object]  # nested URL parameter -> a record of the member
    # A responder-link token that opens nothing (the public emergency plan page refuses it).
    responder_token: str = "not-a-valid-emergency-link-token"

    def user(self, role: str) -> User:
        return User.objects.get(pk=getattr(self, role).user_id)

    @property
    def on_call_shift(self):
        """A shift of the on-call roster (the care coordinator on call tonight)."""
        start = timezone.now().replace(second=0, microsecond=0)
        return OnCallShift.objects.filter(staff=self.coordinator).first() or \
            OnCallShift.objects.create(staff=self.coordinator, starts_at=start,
                                       ends_at=start + timedelta(hours=12))

    @property
    def grievance(self):
        """A grievance about the member, from the mother, not acknowledged yet."""
        from members.models import Grievance

        return Grievance.objects.filter(member=self.member).first() or \
            Grievance.objects.create(
                member=self.member, received_on=timezone.localdate() - timedelta(days=2),
                from_name="Parent Example", from_kind="family", topic="timeliness",
                description="Waited too long for a call back.")

    @property
    def review_request(self):
        """A documentation request from MassHealth concerning the world's member (PS VII.C)."""
        from members.models import ReviewRequest

        found = ReviewRequest.objects.filter(members=self.member).first()
        if found is None:
            today = timezone.localdate()
            found = ReviewRequest.objects.create(
                reference="UR-1", kind="utilization", requester="MassHealth",
                received_on=today, due_on=today + timedelta(days=10), asked="The record.")
            found.members.add(self.member)
        return found

    @property
    def letter_template(self):
        """A shipped letter template (created by the notices data migration)."""
        from notices.models import LetterTemplate

        return LetterTemplate.objects.order_by("pk").first()

    @property
    def survey_round(self):
        """An open experience survey round over the last 60 days, with a question of each
        kind (PS VII.A)."""
        from members.models import SurveyQuestion, SurveyRound

        today = timezone.localdate()
        found = SurveyRound.objects.filter(title="World survey").first()
        if found is None:
            found = SurveyRound.objects.create(
                title="World survey", period_start=today - timedelta(days=60),
                period_end=today, languages=["es"])
            for position, kind in enumerate(("scale", "yes_no", "text"), start=1):
                SurveyQuestion.objects.create(round=found, position=position, kind=kind,
                                              text=f"World question {position}")
        return found

    @property
    def record_packet(self):
        """A ready record packet of the member (a sealed stand-in PDF: no worker runs)."""
        from cares.base.documents.services import document_store
        from members.models import RecordPacket

        ready = RecordPacket.objects.filter(member=self.member, status="ready").first()
        if ready:
            return ready
        today = timezone.localdate()
        document = document_store(member=self.member, kind="record_packet",
                                  title="Record packet", content=b"%PDF-1.7 packet stand-in",
                                  actor=self.director.user)
        return RecordPacket.objects.create(
            member=self.member, records_from=today - timedelta(days=30), records_to=today,
            status="ready", progress=13, sections_total=13, document=document, pages=1,
            seconds=0.1, requested_by=self.director.user, finished_at=timezone.now())


def build_world(*, removal: bool = False) -> World:
    """An enrolled member with sentinel PHI and clinical detail, a care team of a care
    coordinator and a family support staff member, and one staff member per role. With
    ``removal`` the member's removal is under way, with an aftercare plan."""
    today = timezone.localdate()
    referred = today - timedelta(days=40)
    coordinator = make_staff("care_coordinator")
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    member = MemberFactory(legal_first_name=FIRST, legal_last_name=LAST, date_of_birth=DOB,
                           masshealth_id=MASSHEALTH_ID, address_line1=ADDRESS, city=CITY,
                           postal_code="01234")
    episode = services.referral_create(member=member, referral_date=referred,
                                       referral_source="pcp", referring_entity="Example PCP")
    services.eligibility_record(
        episode=episode, evaluated_on=referred, evaluator=coordinator,
        criteria=["under_21", "masshealth", CLINICAL["EligibilityEvaluation", "criteria"]],
        eligible=True, rationale=CLINICAL["EligibilityEvaluation", "rationale"])
    services.engagement_record(episode=episode, educated_on=referred,
                               education_mode="telehealth", rights_given_on=referred,
                               choice_explained_on=referred, consent_on=referred,
                               consent_by="Parent Example", consent_relationship="mother")
    services.enrollment_create(episode=episode, effective_date=referred,
                               primary_contact=coordinator,
                               team=[(family, "family_support")])
    if removal:
        episode.refresh_from_db()
        plan = services.removal_initiate(episode=episode, initiated_on=today,
                                         reason="family_declined",
                                         planned_termination_date=today + timedelta(days=30))
        services.aftercare_update(removal=plan, **{
            field: value for (model, field), value in CLINICAL.items() if model == "Removal"})
    provider = ProviderFactory()
    world = World(
        member=member, director=make_director(),
        manager=make_staff("senior_care_manager", credentials=("RN",)),
        coordinator=coordinator, outsider=make_staff("care_coordinator"), family=family,
        medical=make_staff("senior_medical_professional", credentials=("MD",)),
        nobody=make_staff(None), provider=provider, records={},
    )
    _coordination_records(world)
    used = {param for route in member_routes() for param in route.params}
    world.records = {name: make(world) for name, make in NESTED.items() if name in used}
    return world


def _coordination_records(world: World) -> None:
    """Care coordination records of the member, a sentinel in every clinical field: a
    referral accepted (with a status note, a follow-up, an answered and an open inquiry),
    a second one with a follow-up exception, a monitoring review asking for an ICP update, a
    transition plan, a contact, an on-call call, a case review, and two consultations
    (one answered)."""
    today = timezone.localdate()
    now = timezone.now()
    member, text = world.member, {field: value for (_model, field), value in CLINICAL.items()}
    referral = ServiceReferral.objects.create(
        member=member, service="Pediatric pulmonology", provider=world.provider,
        referrer_kind="professional", referrer_name="Example PCP",
        referred_on=today - timedelta(days=20), scheduled_on=today - timedelta(days=5),
        icp_goal=CLINICAL["ServiceReferral", "icp_goal"], status="accepted",
        status_changed_on=today - timedelta(days=15))
    ReferralStatusChange.objects.create(referral=referral, to_status="pending",
                                        on=referral.referred_on)
    ReferralStatusChange.objects.create(referral=referral, from_status="pending",
                                        to_status="accepted", on=today - timedelta(days=15),
                                        note=CLINICAL["ReferralStatusChange", "note"])
    ReferralFollowUp.objects.create(referral=referral, followed_up_on=today - timedelta(days=1),
                                    with_whom="Parent Example", services_received=True,
                                    met_need=True, notes=CLINICAL["ReferralFollowUp", "notes"])
    ReferralInquiry.objects.create(
        referral=referral, received_on=today - timedelta(days=10), from_kind="referrer",
        from_name="Example PCP", question=CLINICAL["ReferralInquiry", "question"],
        answered_on=today - timedelta(days=10), answer=CLINICAL["ReferralInquiry", "answer"])
    ReferralInquiry.objects.create(referral=referral, received_on=today,
                                   from_kind="member_family", from_name="Parent Example")
    ServiceReferral.objects.create(
        member=member, service="Durable medical equipment: feeding pump",
        referred_on=today - timedelta(days=30), scheduled_on=today - timedelta(days=3),
        exception_kind="unexpected", exception_recorded_on=today - timedelta(days=2),
        exception_reason=CLINICAL["ServiceReferral", "exception_reason"])
    MonitoringReview.objects.create(
        member=member, reviewed_on=today - timedelta(days=7), participants="Parent Example",
        services_per_icp=True, services_adequate=False, changes_reflected=False,
        icp_update_needed=True, notes=CLINICAL["MonitoringReview", "notes"])
    TransitionPlan.objects.create(member=member, recorded_on=today - timedelta(days=3),
                                  goals_actions="Learn to order own supplies.",
                                  **{f: text[f] for (m, f) in CLINICAL if m == "TransitionPlan"})
    Contact.objects.create(member=member, contact_at=now - timedelta(days=2),
                           contact_mode="phone", with_guardian=True,
                           participants="Parent Example", interpreter_used=True,
                           interpreter_language="es", summary=CLINICAL["Contact", "summary"])
    OnCallCall.objects.create(member=member, called_at=now - timedelta(days=4),
                              caller="Parent Example (mother)", call_category="dme",
                              triage_decision="dme_vendor",
                              **{f: text[f] for (m, f) in CLINICAL if m == "OnCallCall"})
    CaseReview.objects.create(member=member, held_on=today - timedelta(days=6),
                              meeting_mode="video", attendees="Care team; Parent Example",
                              guardian_attended=True,
                              decisions=CLINICAL["CaseReview", "decisions"])
    ConsultationRequest.objects.create(
        member=member, requested_at=now - timedelta(days=3), consultant=world.medical,
        requested_by=world.coordinator, question="Answered question.",
        responded_at=now - timedelta(days=2), response_mode="phone",
        response=CLINICAL["ConsultationRequest", "response"])
    ConsultationRequest.objects.create(
        member=member, requested_at=now - timedelta(hours=2), consultant=world.medical,
        requested_by=world.coordinator,
        question=CLINICAL["ConsultationRequest", "question"])
    HospitalStay.objects.create(
        member=member, setting="emergency", facility=world.provider,
        admitted_on=today - timedelta(days=9), discharged_on=today - timedelta(days=8),
        follow_up_on=today - timedelta(days=6), reassessment="dismissed",
        **{f: text[f] for (m, f) in CLINICAL if m == "HospitalStay"})


def _monitoring_review(world: World) -> MonitoringReview:
    """The review asking for an ICP update, and a finalized ICP version after it to link
    (the next free version number: other fixtures make their own versions first)."""
    from careplans.models import CarePlan

    versions = CarePlan.objects.filter(member=world.member).values_list("version", flat=True)
    CarePlan.objects.create(member=world.member, version=max(versions, default=0) + 1,
                            status="finalized", finalized_on=timezone.localdate())
    return MonitoringReview.objects.get(member=world.member)


def world_icp(world: World):
    """The latest finalized ICP version of the member (what a monitoring review links)."""
    from careplans.models import CarePlan

    return CarePlan.objects.filter(member=world.member, finalized_on__isnull=False) \
        .order_by("-version").first()


def _document(world: World):
    from cares.base.documents.services import document_store

    return document_store(member=world.member, kind="enrollment_letter",
                          title="Enrollment letter", content=b"%PDF-1.7 sentinel-free letter",
                          actor=world.coordinator.user)


def _careplan_record(world: World, kind: str):
    from careplans.models import Assessment, CarePlan, EmergencyAccessLink

    if kind == "assessment":
        return Assessment.objects.create(member=world.member, kind="initial")
    if kind == "plan":
        return CarePlan.objects.create(member=world.member, version=1)
    return EmergencyAccessLink.objects.create(
        member=world.member, token_sha256="0" * 64,
        expires_at=timezone.now() + timedelta(days=30))


def _finalized_goal(world: World):
    """A goal of a finalized ICP version of the member: an outcome is recorded about it."""
    from careplans.models import CarePlan, Goal

    versions = CarePlan.objects.filter(member=world.member).values_list("version", flat=True)
    plan = CarePlan.objects.create(member=world.member, version=max(versions, default=0) + 1)
    goal = Goal.objects.create(plan=plan, kind="functional", description="Walk with a walker",
                               target_date=timezone.localdate())
    CarePlan.objects.filter(pk=plan.pk).update(status="finalized",
                                               finalized_on=timezone.localdate())
    return goal


def _letter(world: World):
    from notices.models import Letter

    return Letter.objects.create(member=world.member, episode=world.member.episodes.first(),
                                 kind="enrollment")


# A record of the member for each nested URL parameter (``members/<int:pk>/.../<int:X>/``).
NESTED = {
    "guardian_id": lambda w: Guardian.objects.create(
        member=w.member, name=GUARDIAN, relationship="mother"),
    "contact_id": lambda w: MemberContact.objects.create(
        member=w.member, provider=ProviderFactory(), role="pcp"),
    "release_id": lambda w: ReleaseOfInformation.objects.create(
        member=w.member, party="Example School", purpose="IEP", scope="Care plan",
        signed_on=timezone.localdate() - timedelta(days=10), signed_by="Parent Example",
        expires_on=timezone.localdate() + timedelta(days=300)),
    "document_id": _document,
    # Letters: a draft enrollment letter of the member.
    "letter_id": lambda w: _letter(w),
    # Care plans: a draft assessment, a draft ICP version, a responder link.
    "assessment_id": lambda w: _careplan_record(w, "assessment"),
    "plan_id": lambda w: _careplan_record(w, "plan"),
    # Goal outcomes (PS VII.B): a goal of a finalized ICP version (next free version number).
    "goal_id": lambda w: _finalized_goal(w),
    "link_id": lambda w: _careplan_record(w, "link"),
    # Care coordination: the accepted referral, its open inquiry, the monitoring review that
    # asks for an ICP update, and the consultation not answered yet.
    "referral_id": lambda w: ServiceReferral.objects.get(member=w.member,
                                                         service="Pediatric pulmonology"),
    "inquiry_id": lambda w: ReferralInquiry.objects.get(referral__member=w.member,
                                                        answered_on__isnull=True),
    "review_id": _monitoring_review,
    "consult_id": lambda w: ConsultationRequest.objects.get(member=w.member,
                                                            responded_at__isnull=True),
    # Hospital stays: the emergency-department visit, discharged and followed up.
    "stay_id": lambda w: HospitalStay.objects.get(member=w.member),
}

# --- URL patterns ---------------------------------------------------------------------------

# Member URLs: under the member, or the member as a FHIR Patient (issue 21).
MEMBER_PREFIXES = ("members/<int:pk>/", "fhir/Patient/<int:pk>/")
MEMBER_PARAMS = ("member_id", "member_pk")

# Patterns with a parameter that is not a member: which world attribute fills it.
OTHER_RECORDS = {
    "staff:detail": {"pk": "coordinator"},
    "staff:edit": {"pk": "coordinator"},
    "staff:enrollment_link": {"pk": "coordinator"},
    "quality:survey": {"round_id": "survey_round"},
    "quality:survey_edit": {"round_id": "survey_round"},
    "quality:survey_response_add": {"round_id": "survey_round"},
    "quality:survey_import": {"round_id": "survey_round"},
    "quality:survey_export": {"round_id": "survey_round"},
    "directory:edit": {"provider_id": "provider"},
    "quality:grievance": {"grievance_id": "grievance"},
    "quality:grievance_edit": {"grievance_id": "grievance"},
    "quality:grievance_acknowledge": {"grievance_id": "grievance"},
    "quality:grievance_resolve": {"grievance_id": "grievance"},
    "quality:grievance_escalate": {"grievance_id": "grievance"},
    "letters:template": {"template_id": "letter_template"},
    "letters:template_preview": {"template_id": "letter_template"},
    "letters:template_live_preview": {"template_id": "letter_template"},
    "letters:template_open_preview": {"template_id": "letter_template"},
    "letters:template_approve": {"template_id": "letter_template"},
    "careplans:responder": {"token": "responder_token"},
    "quality:packet": {"packet_id": "record_packet"},
    "quality:packet_status": {"packet_id": "record_packet"},
    "quality:packet_download": {"packet_id": "record_packet"},
    "coverage:shift_edit": {"shift_id": "on_call_shift"},
    "coverage:shift_remove": {"shift_id": "on_call_shift"},
    "quality:request": {"request_id": "review_request"},
    "quality:request_edit": {"request_id": "review_request"},
    "quality:request_withdraw": {"request_id": "review_request"},
    "quality:request_packets": {"request_id": "review_request"},
    "quality:request_answer": {"request_id": "review_request"},
}


def is_member_route(route: Route) -> bool:
    return route.pattern.startswith(MEMBER_PREFIXES) or any(
        p in MEMBER_PARAMS for p in route.params)


def app_routes() -> list[Route]:
    """Every URL pattern except the Django admin's."""
    return [r for r in routes() if not r.is_admin]


def member_routes() -> list[Route]:
    return [r for r in app_routes() if is_member_route(r)]


def member_param(route: Route) -> str:
    return "pk" if route.pattern.startswith(MEMBER_PREFIXES) else next(
        p for p in route.params if p in MEMBER_PARAMS)


def member_url(route: Route, world: World, member: Member | None = None) -> str:
    """``route``'s URL for the world's member (or ``member``), nested ids filled with
    records of the world's member."""
    values: dict[str, object] = {member_param(route): member or world.member}
    for param in route.params:
        if param in values:
            continue
        assert param in world.records, (
            f"{route.pattern}: unknown parameter {param!r}. Add a factory for it to NESTED in "
            f"tests/security/world.py (a record of the member), so the access tests cover "
            f"this URL.")
        values[param] = world.records[param]
    return fill(route, values)


def url_for(route: Route, world: World) -> str:
    """A URL for any pattern: the world's member and records, or sample values for the
    admin's patterns."""
    if is_member_route(route):
        return member_url(route, world)
    if not route.params:
        return fill(route, {})
    if route.key in OTHER_RECORDS:
        return fill(route, {p: getattr(world, a) for p, a in OTHER_RECORDS[route.key].items()})
    assert route.is_admin, (
        f"{route.pattern} takes {route.params} but is neither a member URL nor listed in "
        f"OTHER_RECORDS (tests/security/world.py): say what it is so it is tested.")
    return concrete(route.pattern)


# --- The database, to prove nothing changed -------------------------------------------------

CONTENT_APPS = {"members", "staff", "audit", "documents", "careplans", "notices", "auth"}


def database_state() -> dict[str, object]:
    """Every row of the applications' tables (history tables included) and the row count of
    every other table; the audit log (which a denial writes to) is left out."""
    state: dict[str, object] = {}
    for model in apps.get_models(include_auto_created=True):
        if model is AuditEvent:
            continue
        rows = model._base_manager.all()
        if model._meta.app_label in CONTENT_APPS:
            state[model._meta.label] = list(rows.order_by("pk").values())
        else:
            state[model._meta.label] = rows.count()
    return state


def new_audit_events(since: int) -> list[tuple[str, int | None, int | None]]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk")
                .values_list("action", "member_id", "actor_id"))


def last_audit_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
