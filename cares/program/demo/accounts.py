"""Demo program and staff: fictional people only, one or more for every role."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.access import ROLE_GROUPS
from cares.base.staff.models import (
    Credential,
    Education,
    Program,
    Role,
    RoleAssignment,
    StaffProfile,
    Training,
    TrainingTopic,
    User,
)
from cares.base.staff.services import staff_save
from cares.base.staff.training import required_initial_topics

DEMO_PASSWORD = "cares-demo-2026"  # noqa: S105  (demo data only; printed by `make run`)
DEMO_DOMAIN = "demo.cares-kids.example"


@dataclass(frozen=True)
class DemoStaff:
    key: str
    first_name: str
    last_name: str
    role: str
    education: str
    credentials: tuple[str, ...] = ()
    clinical: int = 0
    target: int = 0
    relevant: int = 0
    admin: int = 0
    caregiver: bool = False
    human_services: bool = False

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


DEMO_STAFF = (
    DemoStaff("director", "Dana", "Whitfield", Role.PROGRAM_DIRECTOR, Education.DOCTORATE,
              ("MD",), clinical=12, target=8, relevant=8, admin=4),
    DemoStaff("scm.rn", "Rosa", "Almeida", Role.SENIOR_CARE_MANAGER, Education.BACHELOR,
              ("RN",), clinical=9, target=6, relevant=6),
    DemoStaff("scm.sw", "Samuel", "Okafor", Role.SENIOR_CARE_MANAGER, Education.MASTER,
              ("LICSW",), clinical=7, target=5, relevant=5),
    DemoStaff("coordinator", "Linh", "Pham", Role.CARE_COORDINATOR, Education.BACHELOR,
              relevant=2, target=2),
    DemoStaff("coordinator2", "Marisol", "Reyes", Role.CARE_COORDINATOR, Education.ASSOCIATE,
              relevant=3, target=3),
    DemoStaff("family", "Wei", "Chen", Role.FAMILY_SUPPORT, Education.HIGH_SCHOOL,
              relevant=1, caregiver=True),
    DemoStaff("medical", "Priya", "Raman", Role.SENIOR_MEDICAL_PROFESSIONAL, Education.MASTER,
              ("NP",), clinical=10, target=4),
)


def demo_totp_device(user: User) -> TOTPDevice:
    """A confirmed authenticator for a demo user, with a key derived from the e-mail so that
    ``demo_code`` can print the current code (demo data only)."""
    key = hashlib.sha256(f"cares-demo-totp:{user.email}".encode()).hexdigest()[:40]
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"key": key, "confirmed": True})
    return device


def demo_code(email: str) -> str:
    device = TOTPDevice.objects.get(user__email=email, name="Demo authenticator")
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


@transaction.atomic
def seed_demo_staff() -> list[DemoStaff]:
    """Create or update the demo program and staff. Running it twice changes nothing.

    Demo accounts are shared, well-known logins: refused unless DEBUG is on."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts are created only with DEBUG on.")
    today = timezone.localdate()
    Program.objects.get_or_create(
        pk=1,
        defaults={"name": "Harbor Children's CARES Program (demo)", "phone": "617-555-0100",
                  "address": "100 Example Way, Boston, MA 02110"},
    )
    hire = date(today.year - 2, 1, 5)
    for demo in DEMO_STAFF:
        profile = StaffProfile.objects.filter(key=demo.key).select_related("user").first()
        if profile is None:
            profile = StaffProfile(key=demo.key)
            user = User(email=demo.email)
            password = DEMO_PASSWORD
        else:
            user = profile.user
            password = None
        user.first_name, user.last_name = demo.first_name, demo.last_name
        profile.phone = "617-555-01" + str(10 + DEMO_STAFF.index(demo))
        profile.hire_date = profile.hire_date or hire
        profile.education = demo.education
        profile.clinical_experience_years = Decimal(demo.clinical)
        profile.target_population_years = Decimal(demo.target)
        profile.relevant_experience_years = Decimal(demo.relevant)
        profile.admin_experience_years = Decimal(demo.admin)
        profile.caregiver_of_special_needs_youth = demo.caregiver
        profile.human_services_degree = demo.human_services
        profile.active = True
        existing_creds = {c.type: c for c in profile.credentials.all()} if profile.pk else {}
        credentials = [
            existing_creds.get(kind) or Credential(
                type=kind, license_number=f"{kind}-DEMO-{100 + DEMO_STAFF.index(demo)}",
                state="MA", expires=today + relativedelta(years=2),
            )
            for kind in demo.credentials
        ]
        roles = list(profile.roles.all()) if profile.pk else [RoleAssignment(role=demo.role)]
        trainings = list(profile.trainings.all()) if profile.pk else [
            Training(topic=topic, completed=profile.hire_date + relativedelta(months=1))
            for topic in required_initial_topics([demo.role])
        ] + [Training(topic=TrainingTopic.ANNUAL, completed=today - relativedelta(months=3))]
        saved = staff_save(user=user, profile=profile, credentials=credentials, roles=roles,
                           trainings=trainings, password=password)
        demo_totp_device(saved.user)
    return list(DEMO_STAFF)


# --- Staff for a synthetic program of N members (seed_demo --members N) -------------------------

MEMBERS_PER_COORDINATOR = 45
MEMBERS_PER_SCM = 600
MEMBERS_PER_FAMILY_SUPPORT = 150
STAFF_PREFIX = "demo-"

FIRST = ("Ava", "Liam", "Sofia", "Noah", "Mia", "Lucas", "Isabela", "Mateo", "Amara", "Elijah",
         "Chloe", "Jayden", "Zoe", "Gabriel", "Nia", "Adrian", "Leila", "Owen", "Maya", "Ethan",
         "Ana", "Thiago", "Linh", "Minh", "Mei", "Wen", "Jean", "Marie", "Kiara", "Darius",
         "Yara", "Rafael", "Hana", "Samir", "Priya", "Arjun", "Imani", "Caleb", "Rosa", "Luis")
LAST = ("Almeida", "Baptiste", "Chen", "Diaz", "Evans", "Fernandes", "Garcia", "Huang",
        "Ibrahim", "Jean-Louis", "Kelly", "Lopes", "Martins", "Nguyen", "O'Brien", "Pereira",
        "Quinn", "Rivera", "Santos", "Tran", "Usman", "Vargas", "Walsh", "Xavier", "Yamamoto",
        "Zhang", "Costa", "Pierre", "Le", "Murphy", "Sullivan", "Silva", "Okafor", "Patel",
        "Reyes", "Cruz", "Joseph", "Liu", "Pham", "Moreau")


def _rng(seed: str) -> random.Random:
    """A seeded generator: the same synthetic people on every run (not for secrets)."""
    return random.Random(seed)  # noqa: S311



@dataclass
class ProgramStaff:
    coordinators: list[StaffProfile]
    managers: list[StaffProfile]
    family: list[StaffProfile]


def _staff_needed(n: int) -> dict[str, int]:
    return {Role.CARE_COORDINATOR: max(2, math.ceil(n / MEMBERS_PER_COORDINATOR)),
            Role.SENIOR_CARE_MANAGER: max(2, math.ceil(n / MEMBERS_PER_SCM)),
            Role.FAMILY_SUPPORT: max(1, math.ceil(n / MEMBERS_PER_FAMILY_SUPPORT))}


STAFF_CODES = {Role.CARE_COORDINATOR: "cc", Role.SENIOR_CARE_MANAGER: "scm",
               Role.FAMILY_SUPPORT: "fs"}


def _holders(role: str) -> list[StaffProfile]:
    """Active holders of ``role`` among the demo staff: the named demo accounts first."""
    qs = StaffProfile.objects.filter(roles__role=role, roles__is_backup=False, active=True,
                                     user__email__endswith=f"@{DEMO_DOMAIN}") \
        .select_related("user").distinct()
    return sorted(qs, key=lambda p: (p.key.startswith(STAFF_PREFIX), p.key or "", p.pk))


def ensure_program_staff(n: int, today: date) -> ProgramStaff:
    """Enough synthetic care coordinators, senior care managers and family support staff for
    ``n`` members (about 45, 600 and 150 members each), qualified for their roles, with
    training records; a few have training overdue or a licence expiring soon. They cannot
    sign in (no password); the named demo accounts of ``seed_demo`` can."""
    password = make_password(None)
    for role, wanted in _staff_needed(n).items():
        have = _holders(role)
        missing = wanted - len(have)
        if missing > 0:
            _create_staff(role, len(have), missing, today, password)
    return ProgramStaff(_holders(Role.CARE_COORDINATOR), _holders(Role.SENIOR_CARE_MANAGER),
                        _holders(Role.FAMILY_SUPPORT))


@transaction.atomic
def _create_staff(role: str, start: int, count: int, today: date, password: str) -> None:
    code = STAFF_CODES[role]
    group = Group.objects.get(name=ROLE_GROUPS[role])
    taken = set(StaffProfile.objects.filter(key__startswith=f"{STAFF_PREFIX}{code}")
                .values_list("key", flat=True))
    numbers = []
    j = start
    while len(numbers) < count:
        j += 1
        if f"{STAFF_PREFIX}{code}{j:04d}" not in taken:
            numbers.append(j)
    users, profiles = [], []
    for j in numbers:
        rng = _rng(f"cares-demo-staff-{code}-{j}")
        users.append(User(email=f"{code}{j:04d}@{DEMO_DOMAIN}", first_name=rng.choice(FIRST),
                          last_name=rng.choice(LAST), password=password))
    User.objects.bulk_create(users)
    for j, user in zip(numbers, users, strict=True):
        rng = _rng(f"cares-demo-staff-{code}-{j}")
        hire = today - timedelta(days=rng.randint(120, 6 * 365))
        profile = StaffProfile(user=user, key=f"{STAFF_PREFIX}{code}{j:04d}",
                               hire_date=hire, phone=f"617-555-{2000 + j % 8000:04d}")
        if role == Role.CARE_COORDINATOR:
            profile.education, profile.relevant_experience_years = Education.BACHELOR, 2
            profile.target_population_years = Decimal(2)
        elif role == Role.SENIOR_CARE_MANAGER:
            profile.education, profile.clinical_experience_years = Education.BACHELOR, 6
            profile.target_population_years = profile.relevant_experience_years = Decimal(4)
        else:
            profile.education, profile.relevant_experience_years = Education.HIGH_SCHOOL, 2
            profile.caregiver_of_special_needs_youth = True
        profiles.append(profile)
    StaffProfile.objects.bulk_create(profiles)
    roles, credentials, trainings = [], [], []
    for j, profile in zip(numbers, profiles, strict=True):
        rng = _rng(f"cares-demo-staff-training-{code}-{j}")
        roles.append(RoleAssignment(staff=profile, role=role))
        if role == Role.SENIOR_CARE_MANAGER:
            soon = rng.random() < 0.08
            expires = today + timedelta(days=rng.randint(5, 55) if soon else
                                        rng.randint(200, 900))
            credentials.append(Credential(staff=profile, type=rng.choice(("RN", "LICSW")),
                                          license_number=f"DEMO-{code.upper()}-{j:04d}",
                                          state="MA", expires=expires))
        done = profile.hire_date + timedelta(days=rng.randint(10, 80))
        for topic in required_initial_topics([role]):
            trainings.append(Training(staff=profile, topic=topic, completed=done))
        lapsed = rng.random() < 0.05
        anchor = done
        while True:
            nxt = anchor + timedelta(days=rng.randint(300, 360))
            if nxt > today or (lapsed and nxt > today - timedelta(days=400)):
                break
            trainings.append(Training(staff=profile, topic=TrainingTopic.ANNUAL, completed=nxt))
            anchor = nxt
    RoleAssignment.objects.bulk_create(roles)
    Credential.objects.bulk_create(credentials)
    Training.objects.bulk_create(trainings, batch_size=1000)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users])
