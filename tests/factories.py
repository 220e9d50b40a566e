"""factory_boy factories, all in one place. Fictional data only."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cares.base.staff.models import (
    Credential,
    Education,
    Program,
    Role,
    RoleAssignment,
    StaffProfile,
    Training,
    User,
)
from cares.base.staff.services import staff_sync_groups

PASSWORD = "correct-horse-battery-9"


@functools.cache
def password_hash() -> str:
    """One real Argon2 hash of PASSWORD, shared by all test users (hashing is slow on purpose)."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@staff.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.LazyFunction(password_hash)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = "Test CARES Program"
    phone = "617-555-0100"
    address = "1 Test Way, Boston, MA"


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    hire_date = date(2025, 1, 6)
    education = Education.BACHELOR
    relevant_experience_years = Decimal("2")
    target_population_years = Decimal("2")


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    staff = factory.SubFactory(StaffProfileFactory)
    type = "RN"
    license_number = factory.Sequence(lambda n: f"LIC{n:05d}")
    state = "MA"
    expires = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=730))


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    staff = factory.SubFactory(StaffProfileFactory)
    role = Role.CARE_COORDINATOR


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    staff = factory.SubFactory(StaffProfileFactory)
    topic = "care_coordination_principles"
    completed = date(2025, 2, 1)


def make_staff(role: str | None = None, *, credentials: tuple[str, ...] = (), **profile_fields):
    """A saved staff member holding ``role`` (bypassing the check: use for fixtures only),
    with its role group, so permissions work as in production."""
    profile = StaffProfileFactory(**profile_fields)
    for kind in credentials:
        CredentialFactory(staff=profile, type=kind)
    if role:
        RoleAssignmentFactory(staff=profile, role=role)
    staff_sync_groups(profile=profile)
    return profile


def make_director():
    return make_staff(
        Role.PROGRAM_DIRECTOR, credentials=("MD",), education=Education.DOCTORATE,
        clinical_experience_years=Decimal("10"), target_population_years=Decimal("5"),
        admin_experience_years=Decimal("2"),
    )


# --- Members --------------------------------------------------------------------------------

class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Member"

    class Params:
        # Two names each, hyphenated, so a member's name can never be a staff member's
        # (Faker draws both from one pool): "no PHI in this e-mail" checks cannot be fooled.
        first_a = factory.Faker("first_name")
        first_b = factory.Faker("first_name")
        last_a = factory.Faker("last_name")
        last_b = factory.Faker("last_name")

    legal_first_name = factory.LazyAttribute(lambda o: f"{o.first_a}-{o.first_b}")
    legal_last_name = factory.LazyAttribute(lambda o: f"{o.last_a}-{o.last_b}")
    date_of_birth = date(2015, 6, 15)
    masshealth_id = factory.Sequence(lambda n: f"{100000000000 + n:012d}")
    primary_language = "en"
    preferred_written_language = "en"
    city = "Boston"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Provider"

    kind = "pcp"
    organization = factory.Sequence(lambda n: f"Example Pediatrics {n}")
    person = "Dr. Example"
    phone = "617-555-0150"


def enrolled_member(coordinator, *, referral_date=date(2026, 1, 10), **member_fields):
    """A member taken through referral, eligibility, consent and enrollment, with
    ``coordinator`` (a StaffProfile holding a primary-contact role) as primary contact."""
    from members import services

    member = MemberFactory(**member_fields)
    episode = services.referral_create(member=member, referral_date=referral_date,
                                       referral_source="pcp", referring_entity="Example PCP")
    services.eligibility_record(episode=episode, evaluated_on=referral_date,
                                evaluator=coordinator, criteria=["under_21", "masshealth"],
                                eligible=True, rationale="Meets criteria.")
    services.engagement_record(episode=episode, educated_on=referral_date,
                               education_mode="telehealth", rights_given_on=referral_date,
                               choice_explained_on=referral_date, consent_on=referral_date,
                               consent_by="Parent Example", consent_relationship="mother")
    services.enrollment_create(episode=episode, effective_date=referral_date,
                               primary_contact=coordinator)
    return member


# --- Signing in -------------------------------------------------------------------------------

def totp_device(user):
    """The user's confirmed authenticator (created on first use)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator",
                                               confirmed=True)


def totp_code(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def sign_in(client, user):
    """Sign ``user`` in on the test client with both factors passed, as after a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


# --- Care plans -------------------------------------------------------------------------------

ASSESSMENT_TEXT = {
    "medical_history": "Born at 28 weeks; seizure disorder; G-tube since 2017.",
    "behavioral_history": "No behavioral health admissions.",
    "social": "Lives with mother and two siblings.", "educational": "Grade 3, IEP in place.",
    "emotional": "Anxious with new people.", "functional": "Needs help with all ADLs.",
    "developmental": "Global developmental delay.", "housing_screen": "no_need",
    "nutrition_screen": "met", "snap": "receiving", "wic": "not_applicable",
    "utilities_screen": "need", "utilities_notes": "Shut-off notice in March.",
    "transportation_screen": "need", "current_services": "PT weekly; CSN 40 h/week.",
    "medications": "Levetiracetam 250 mg twice daily.", "allergies": "Penicillin (hives).",
    "dme": "Wheelchair, feeding pump, suction.", "needs_identified": "Utility assistance; "
    "transportation to specialists.",
}


def completed_assessment(member, staff, *, kind: str = "initial", completed_on=None,
                         actor=None, **values):
    """An assessment of ``kind`` taken through the services to completion by ``staff``."""
    from careplans import services

    completed_on = completed_on or timezone.localdate()
    assessment = services.assessment_create(member=member, kind=kind, actor=actor)
    fields = dict(ASSESSMENT_TEXT) if kind != "abbreviated" else {
        "current_status": "Stable.", "risk_rescreen": "No new risk factors."}
    if kind != "initial":
        fields["continues_eligible"] = True
    if kind == "significant_change":
        fields["change_summary"] = "New tracheostomy."
    fields.update(values)
    services.assessment_update(assessment=assessment, values=fields, actor=actor, sources=[
        {"id": None, "kind": "parent_guardian", "name": "Ana Example",
         "consulted_on": completed_on},
        {"id": None, "kind": "medical_provider", "name": "Dr. Example",
         "consulted_on": completed_on}])
    return services.assessment_complete(assessment=assessment, completed_on=completed_on,
                                        completed_by=staff, actor=actor)


PLAN_TEXT = {
    "meeting_place": "At home",
    "medical_history": "Seizure disorder; G-tube.", "behavioral_history": "None.",
    "personal_circumstances": "Loves music.", "educational_circumstances": "Grade 3.",
    "behavioral_circumstances": "Calm with familiar people.",
    "social_circumstances": "Lives with mother.", "current_services": "PT weekly; CSN.",
    "iep": "in_place", "plan_504": "none", "school_services": "PT and nursing at school.",
    "educational_needs": "Nurse on the school bus.", "hrsn_housing": "None needed.",
    "hrsn_nutrition": "SNAP in place.", "hrsn_utilities": "Fuel assistance application.",
    "hrsn_transportation": "PT-1 rides to specialists.",
    "upcoming_transitions": "Move to middle school in the fall.",
    "continuity_strategies": "Transition meeting with the new school nurse.",
    "no_medications": False, "no_known_allergies": False,
    "diagnoses": "Epilepsy; cerebral palsy.", "baseline_status": "Non-verbal; smiles; SpO2 95%.",
    "accommodations": "Local anesthesia for IV access.", "emergency_notes": "",
}


def ready_care_plan(member, *, actor=None, meeting_on=None, **values):
    """A draft ICP with every required element (PS VI.A.1.c), through the services."""
    from careplans import services

    meeting_on = meeting_on or timezone.localdate()
    plan = services.care_plan_start(member=member, actor=actor)
    fields = {**PLAN_TEXT, "meeting_on": meeting_on, **values}
    team = [
        {"id": None, "role": "care_manager", "name": "Casey Coordinator",
         "organization": "Test CARES Program", "phone": "617-555-0100", "email": "",
         "emergency": False},
        {"id": None, "role": "pcp", "name": "Dr. Example", "organization": "Example Pediatrics",
         "phone": "617-555-0150", "email": "", "emergency": True},
        {"id": None, "role": "family", "name": "Ana Example", "organization": "mother",
         "phone": "617-555-0199", "email": "", "emergency": True},
    ]
    plan.team.all().delete()
    services.care_plan_update(plan=plan, values=fields, actor=actor, rows={
        "participants": [
            {"id": None, "kind": "member", "name": "Member Example", "relationship": ""},
            {"id": None, "kind": "parent_guardian", "name": "Ana Example",
             "relationship": "mother"}],
        "team": team,
        "goals": [
            {"id": None, "kind": kind, "term": term, "description": f"{kind} goal",
             "target_date": None if kind == "aspirational" else meeting_on
             + timedelta(days=180)}
            for kind, term in (("clinical", "short"), ("functional", "long"),
                               ("developmental", "short"), ("social", "long"),
                               ("aspirational", "long"))],
        "medications": [{"id": None, "name": "Levetiracetam", "dose": "250 mg",
                         "schedule": "twice daily"}],
        "allergies": [{"id": None, "allergen": "Penicillin", "reaction": "hives"}],
    })
    manager = plan.team.get(role="care_manager")
    services.care_plan_update(plan=plan, values={}, actor=actor, rows={"steps": [
        {"id": None, "goal": goal, "description": f"Step for {goal.description}",
         "responsible": manager, "accessibility": "Portuguese interpreter",
         "due_on": None} for goal in plan.goals.all()]})
    plan.refresh_from_db()
    return plan


def finalized_care_plan(member, staff, *, actor=None, on=None, **values):
    """A completed initial assessment and a finalized ICP for ``member``."""
    from careplans import services

    on = on or timezone.localdate()
    if not member.assessments.filter(completed_on__isnull=False).exists():
        completed_assessment(member, staff, completed_on=on, actor=actor)
    plan = ready_care_plan(member, actor=actor, meeting_on=on, **values)
    return services.care_plan_finalize(plan=plan, finalized_on=on, actor=actor)


# --- Letters ----------------------------------------------------------------------------------

def letter_ready_member(coordinator, *, language: str = "en", electronic: bool = True,
                        **member_fields):
    """An enrolled member whose enrollment letter has everything it needs: the program's name
    and phone, the coordinator's work phone, a home address, and a mother who receives
    letters (with an e-mail address when ``electronic``)."""
    from members.models import Guardian

    if not Program.objects.exists():
        ProgramFactory()
    if not coordinator.phone:
        coordinator.phone = "617-555-0142"
        coordinator.save(update_fields=["phone"])
    fields = {"primary_language": language, "preferred_written_language": language,
              "address_line1": "12 Elm Street", "city": "Boston", "postal_code": "02118",
              "electronic_contact_available": electronic, **member_fields}
    member = enrolled_member(coordinator, **fields)
    Guardian.objects.create(member=member, name="Ana Example", relationship="mother",
                            email="ana@family.example" if electronic else "",
                            receives_letters=True)
    return member


def terminate_member(member, *, reason: str = "goals_met", on=None):
    """Take an enrolled member through removal, a complete aftercare plan and termination."""
    from members import services

    on = on or timezone.localdate()
    episode = services.current_episode(member)
    removal = services.removal_initiate(episode=episode, initiated_on=on, reason=reason,
                                        planned_termination_date=on)
    services.aftercare_update(removal=removal, consent_signed_on=on,
                              consent_signed_by="Ana Example", recommendations="Continue PT.",
                              referrals="None needed", services_in_place="PT weekly.",
                              medications="None.")
    episode.refresh_from_db()
    return services.termination_complete(episode=episode, termination_date=on)


def approve_letter_templates(*languages: str) -> None:
    """Approve the shipped draft translations of ``languages`` (a translator is named)."""
    from notices.models import LetterTemplate
    from notices.services import template_approve

    for template in LetterTemplate.objects.filter(language__in=languages,
                                                  approved_at__isnull=True):
        template_approve(template=template, translator="Test Translator (ATA certified)")


# --- Coordination -----------------------------------------------------------------------------

def make_medical():
    """An active senior medical professional (PS IV.A.2), an MD."""
    return make_staff(Role.SENIOR_MEDICAL_PROFESSIONAL, credentials=("MD",))


def make_referral(member, *, service: str = "Pediatric pulmonology", referred_on=None,
                  actor=None, **fields):
    """A referral of ``member`` made through the service: pending, with its first status row
    (PS VI.D.2; CLR). The member needs an open episode (``enrolled_member``)."""
    from members.coordination import services

    return services.referral_create(member=member, service=service,
                                    referred_on=referred_on or timezone.localdate(),
                                    actor=actor, **fields)
