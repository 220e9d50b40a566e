"""Writing one staff record through the staff service (``staff_save``: the role check of
PS IV.B, role groups, history)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cares.base.staff.models import Credential, RoleAssignment, StaffProfile, Training, User
from cares.base.staff.services import staff_save
from cares.program.interchange.importer.errors import CaseloadImportError
from cares.program.interchange.importer.values import day, years
from cares.program.interchange.importer.writing import (
    CREDENTIAL_FIELDS,
    PROFILE_FIELDS,
    ROLE_FIELDS,
    STAFF_FIELDS,
    TRAINING_FIELDS,
    USER_FIELDS,
    Counts,
    check,
    model_errors,
)


def _person(record: dict) -> tuple[User, StaffProfile]:
    """The stored user and profile (matched by key, else the user by e-mail), set from the
    file."""
    profile = StaffProfile.objects.filter(key=record["key"]).select_related("user").first()
    user = profile.user if profile else (
        User.objects.filter(email__iexact=record["email"]).first() or User())
    if profile is None:
        profile = StaffProfile(key=record["key"])
    user.email = record["email"].lower()
    user.first_name, user.last_name = record["first_name"], record["last_name"]
    profile.education = record.get("education") or "none"
    profile.human_services_degree = bool(record.get("human_services_degree"))
    for name in ("clinical_experience_years", "target_population_years",
                 "relevant_experience_years", "admin_experience_years"):
        setattr(profile, name, years(record.get(name)))
    profile.caregiver_of_special_needs_youth = bool(record.get("caregiver_of_special_needs_youth"))
    profile.certified_chw = bool(record.get("certified_chw"))
    profile.hire_date = day(record["hire_date"])
    profile.active = True
    return user, profile


def _rows(record: dict, profile: StaffProfile) -> tuple[list, list, list]:
    """(credentials, roles, trainings) as the file gives them, stored rows reused."""
    stored_creds = {(c.type, c.license_number): c for c in profile.credentials.all()} \
        if profile.pk else {}
    credentials = []
    for c in record.get("credentials") or []:
        number = c.get("license_number") or ""
        obj = stored_creds.get((c["type"], number)) or Credential(type=c["type"],
                                                                  license_number=number)
        obj.state = (c.get("state") or obj.state or "MA").upper()
        obj.expires = day(c["expires"])
        credentials.append(obj)
    stored_roles = {(r.role, r.is_backup): r for r in profile.roles.all()} if profile.pk else {}
    roles = [stored_roles.get((record["role"], False)) or RoleAssignment(role=record["role"])]
    stored_trainings = {(t.topic, t.completed): t for t in profile.trainings.all()} \
        if profile.pk else {}
    trainings = [stored_trainings.get((t["topic"], day(t["completed"])))
                 or Training(topic=t["topic"], completed=day(t["completed"]))
                 for t in record.get("trainings") or []]
    return credentials, roles, trainings


def import_staff(record: dict, counts: Counts, at: str) -> StaffProfile:
    user, profile = _person(record)
    before = (profile.pk, profile.history.count() if profile.pk else 0)
    credentials, roles, trainings = _rows(record, profile)
    # Check every record first, so each problem is named by its own path (staff_save stops
    # at the first record it cannot save).
    problems = check(user, at, USER_FIELDS, exclude=["password"])
    problems += check(profile, at, PROFILE_FIELDS, exclude=["user"])
    for j, obj in enumerate(credentials):
        problems += check(obj, f"{at}.credentials[{j}]", CREDENTIAL_FIELDS, exclude=["staff"])
    for obj in roles:
        problems += check(obj, f"{at}.role", ROLE_FIELDS, exclude=["staff"])
    for j, obj in enumerate(trainings):
        problems += check(obj, f"{at}.trainings[{j}]", TRAINING_FIELDS, exclude=["staff"])
    if problems:
        raise CaseloadImportError(problems)
    try:
        saved = staff_save(user=user, profile=profile, credentials=credentials, roles=roles,
                           trainings=trainings)
    except ValidationError as exc:  # a refused qualification included
        raise CaseloadImportError(model_errors(exc, at, STAFF_FIELDS)) from exc
    after = saved.history.count()
    if before[0] is None:
        counts.created["staff"] += 1
    elif after != before[1]:
        counts.updated["staff"] += 1
    return saved
