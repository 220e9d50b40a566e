"""``import_caseload``: load a whole caseload (``shared/spec/interchange.md``) in one
transaction. All of it, or nothing and every error with the JSON path of the bad value.
Importing the same file twice changes nothing (records are matched by key, or by their
natural identity where the file has no key)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from careplans.models import Assessment, CarePlan, CarePlanDelivery, CarePlanStatus
from cares.base.audit.models import Action
from cares.base.audit.services import audit_record
from cares.base.languages import validate_language_tag
from cares.base.staff.models import (
    Credential,
    Program,
    Role,
    RoleAssignment,
    StaffProfile,
    Training,
    User,
)
from cares.base.staff.qualifications import CredentialFacts, StaffFacts, check_role
from cares.base.staff.services import staff_save
from members.models import (
    CareTeamMember,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Guardian,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    Removal,
    ServiceReferral,
    TransitionPlan,
    age_on,
)
from members.services import PRIMARY_CONTACT_ROLES
from notices.models import Letter, LetterKind, LetterStatus

SCHEMA_PATH = Path(__file__).with_name("schemas") / "caseload.schema.json"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CaseloadImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- Validation ---------------------------------------------------------------------------------

format_checker = FormatChecker(formats=())


@format_checker.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _ISO_DATE.match(value):
        raise ValueError("not a date")
    date.fromisoformat(value)
    return True


@format_checker.checks("email")
def _is_email(value) -> bool:
    """An address Django's EmailField accepts too, so the model never refuses it later."""
    if not isinstance(value, str):
        return True
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@format_checker.checks("language-tag")
def _is_language(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        validate_language_tag(value)
    except Exception:
        return False
    return True


def json_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _message(error) -> tuple[str, str]:
    """(path, message) in plain words for one JSON Schema error."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties") or ())
        unknown = sorted(k for k in error.instance if k not in known) \
            if isinstance(error.instance, dict) else []
        return json_path([*path, unknown[0] if unknown else "?"]), \
            "unknown key (not in the caseload format; check its spelling)"
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return json_path([*path, missing.group(1) if missing else "?"]), "missing"
    if error.validator == "format":
        return json_path(path), {
            "date": "not a date", "email": "not an e-mail address",
            "language-tag": "not a language tag (e.g. en, es, pt-BR, zh-Hant)",
        }.get(error.validator_value, f"not a valid {error.validator_value}")
    if error.validator == "enum":
        return json_path(path), "must be one of " + ", ".join(map(str, error.validator_value))
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        if "date" in str(error.schema.get("format", "")):
            return json_path(path), "not a date"
        return json_path(path), f"must be {expected}"
    if error.validator == "pattern" and path and path[-1] == "masshealth_id":
        return json_path(path), "not a MassHealth ID (12 digits)"
    if error.validator in ("minimum", "maximum"):
        return json_path(path), f"out of range ({error.message})"
    if error.validator == "minLength":
        if error.validator_value == 1:
            return json_path(path), "empty"
        return json_path(path), f"too short (at least {error.validator_value} characters)"
    if error.validator == "maxLength":
        return json_path(path), f"too long (at most {error.validator_value} characters)"
    return json_path(path), error.message


MAX_DEPTH = 12  # the format nests six levels; anything far deeper is not a caseload


def shape_errors(data) -> list[str]:
    """What the JSON Schema cannot say safely: numbers that are not finite (``NaN``,
    ``Infinity``: Python's JSON reader accepts them) and nesting far deeper than the format
    (walked without recursion, so a hostile file cannot exhaust the stack)."""
    found: list[str] = []
    stack: list[tuple[object, tuple, int]] = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(f"{json_path(path)}: not a number")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                found.append(f"{json_path(path)}: nested too deeply (not the caseload format)")
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, (*path, k), depth + 1) for k, v in items)
    return sorted(set(found))


def schema_errors(data) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = Draft202012Validator(schema, format_checker=format_checker)
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str,
                                                                             e.absolute_path))):
        path, message = _message(error)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties") or ())
            at = list(error.absolute_path)
            found.extend(f"{json_path([*at, k])}: {message}"
                         for k in sorted(error.instance) if k not in known)
            continue
        found.append(f"{path}: {message}")
    return list(dict.fromkeys(found))


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _years(value) -> Decimal:
    return Decimal(str(value or 0))


def staff_facts_of(record: dict) -> StaffFacts:
    return StaffFacts(
        education=record.get("education") or "none",
        human_services_degree=bool(record.get("human_services_degree")),
        clinical_experience_years=_years(record.get("clinical_experience_years")),
        target_population_years=_years(record.get("target_population_years")),
        relevant_experience_years=_years(record.get("relevant_experience_years")),
        admin_experience_years=_years(record.get("admin_experience_years")),
        caregiver_of_special_needs_youth=bool(record.get("caregiver_of_special_needs_youth")),
        certified_chw=bool(record.get("certified_chw")),
        credentials=tuple(CredentialFacts(c["type"], (c.get("state") or "MA").upper(),
                                          _d(c["expires"]))
                          for c in record.get("credentials") or []),
    )


def semantic_errors(data: dict, today: date) -> list[str]:
    errors: list[str] = []
    staff = data.get("staff") or []
    members = data.get("members") or []

    def duplicates(items, path_of, what):
        """Identifiers are named by their JSON path, never by their value (no MassHealth ID
        or e-mail address in an error message or a log)."""
        seen: dict[str, str] = {}
        for path, value in items:
            if value in seen:
                errors.append(f"{path}: duplicate {what} (also at {seen[value]})")
            else:
                seen[value] = path
        return seen

    staff_keys = duplicates(((f"staff[{i}].key", s["key"]) for i, s in enumerate(staff)),
                            None, "staff key")
    duplicates(((f"staff[{i}].email", s["email"].lower()) for i, s in enumerate(staff)),
               None, "e-mail")
    duplicates(((f"members[{i}].key", m["key"]) for i, m in enumerate(members)), None,
               "member key")
    duplicates(((f"members[{i}].masshealth_id", m["masshealth_id"])
                for i, m in enumerate(members)), None, "MassHealth ID")
    duplicates(((f"members[{i}].referrals[{j}].key", r["key"])
                for i, m in enumerate(members) for j, r in enumerate(m.get("referrals") or [])),
               None, "referral key")
    roles = {s["key"]: s["role"] for s in staff}

    for i, record in enumerate(staff):
        for problem in check_role(record["role"], staff_facts_of(record), today):
            errors.append(f"staff[{i}]: {problem}")
        existing = User.objects.filter(email__iexact=record["email"]).exclude(
            staff_profile__key=record["key"]).first()
        if existing is not None:
            errors.append(f"staff[{i}].email: already used by another account")

    for i, m in enumerate(members):
        at = f"members[{i}]"
        born, referred = _d(m["date_of_birth"]), _d(m["referral_date"])
        if referred < born:
            errors.append(f"{at}.referral_date: before the date of birth")
        elif age_on(born, referred) >= 21:
            errors.append(f"{at}.referral_date: the member is 21 or older on this date "
                          "(CARES serves members under 21)")
        clash = Member.objects.filter(masshealth_id=m["masshealth_id"]).exclude(
            key=m["key"]).first()
        if clash is not None:
            errors.append(f"{at}.masshealth_id: already belongs to another member")
        contact = m.get("primary_contact")
        if contact is not None:
            if contact not in staff_keys and not StaffProfile.objects.filter(key=contact).exists():
                errors.append(f"{at}.primary_contact: no staff member with key {contact!r}")
            elif contact in roles and roles[contact] not in PRIMARY_CONTACT_ROLES:
                errors.append(f"{at}.primary_contact: {contact!r} is not a care coordinator or "
                              "senior care manager (PS VI.B.1.a)")
        enrollment = m.get("enrollment")
        if enrollment and _d(enrollment["effective_date"]) < referred:
            errors.append(f"{at}.enrollment.effective_date: before the referral date")
        if enrollment and contact is None:
            errors.append(f"{at}.primary_contact: an enrolled member needs a primary contact")
        closed = m.get("closed_before_enrollment")
        if closed:  # reading 12
            if enrollment:
                errors.append(f"{at}.closed_before_enrollment: the member has an enrollment; "
                              "an episode closed before enrollment cannot also be enrolled "
                              "(PS VIII, deadlines.md reading 12)")
            if _d(closed["date"]) < referred:
                errors.append(f"{at}.closed_before_enrollment.date: before the referral date")
        for key in ("contacts", "hospital_stays"):
            if m.get(key):
                errors.append(f"{at}.{key}: not imported by this version yet (readings 13-14); "
                              "remove the entries or use an empty list")
        for key in ("assessments", "monitoring"):
            for j, entry in enumerate(m.get(key) or []):
                if entry.get("icp_update_needed"):
                    errors.append(f"{at}.{key}[{j}].icp_update_needed: not imported by this "
                                  "version yet (reading 15)")
        termination = m.get("termination")
        if termination:
            if not enrollment:
                errors.append(f"{at}.termination: the member was never enrolled")
            elif _d(termination["date"]) < _d(enrollment["effective_date"]):
                errors.append(f"{at}.termination.date: before the enrollment effective date")
            if termination["reason"] == "independent_choice" and age_on(
                    born, _d(termination["date"])) < 18:
                errors.append(f"{at}.termination.reason: independent choice (PS IX.A.8) needs "
                              "a member 18 or older (or pregnant, a parent or married)")
        for j, r in enumerate(m.get("referrals") or []):
            clash = ServiceReferral.objects.filter(key=r["key"]).exclude(
                member__key=m["key"]).exists()
            if clash:
                errors.append(f"{at}.referrals[{j}].key: already used by another member")
    return errors


# --- Writing ------------------------------------------------------------------------------------

@dataclass
class Counts:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [f"{k}: {self.created[k]} created, {self.updated[k]} updated, "
                f"{self.deleted[k]} deleted" for k in kinds] or ["nothing changed"]

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(
            self.deleted.values())


# Where a model field's value came from in the file: model field -> JSON key relative to the
# record's path ("" is the record's path itself). Fields not named here are reported with the
# record's path and the model field's name.
PROGRAM_FIELDS = {"name": "name", "phone": "phone", "address": "address"}
USER_FIELDS = {"email": "email", "first_name": "first_name", "last_name": "last_name"}
PROFILE_FIELDS = {name: name for name in (
    "key", "education", "human_services_degree", "clinical_experience_years",
    "target_population_years", "relevant_experience_years", "admin_experience_years",
    "caregiver_of_special_needs_youth", "certified_chw", "hire_date")}
STAFF_FIELDS = USER_FIELDS | PROFILE_FIELDS
CREDENTIAL_FIELDS = {"type": "type", "license_number": "license_number", "state": "state",
                     "expires": "expires"}
ROLE_FIELDS = {"role": ""}
TRAINING_FIELDS = {"topic": "topic", "completed": "completed"}
MEMBER_FIELDS = {"key": "key", "legal_first_name": "first_name",
                 "legal_last_name": "last_name", "date_of_birth": "date_of_birth",
                 "masshealth_id": "masshealth_id", "primary_language": "primary_language",
                 "preferred_written_language": "primary_language"}
EPISODE_FIELDS = {"referral_date": "referral_date", "effective_date": "enrollment.effective_date",
                  "primary_contact": "primary_contact", "termination_date": "termination.date",
                  "closed_on": "closed_before_enrollment.date",
                  "closure_reason": "closed_before_enrollment.reason"}
GUARDIAN_FIELDS = {name: name for name in ("name", "relationship", "phone", "email", "address")}
LETTER_FIELDS = {"sent_on": "letter_sent"}
ASSESSMENT_FIELDS = {"kind": "kind", "completed_on": "completed"}
CARE_PLAN_FIELDS = {"finalized_on": "finalized"}
DELIVERY_FIELDS = {"language": "language", "medium": "medium", "delivered_on": "date"}
MONITORING_FIELDS = {"reviewed_on": "date"}
REFERRAL_FIELDS = {"key": "key", "service": "service", "referred_on": "referred",
                   "scheduled_on": "scheduled", "exception_reason": "exception_reason"}
DATE_FIELD = {"followed_up_on": "", "recorded_on": ""}
REMOVAL_FIELDS = {"initiated_on": "date", "planned_termination_date": "date",
                  "reason": "reason", "plan_completed_on": "aftercare_plan"}


def _model_errors(exc: ValidationError, at: str, fields: dict) -> list[str]:
    """A model's ValidationError as ``path: message`` lines, one per message."""
    if not hasattr(exc, "error_dict"):
        return [f"{at}: {message}" for message in exc.messages]
    found = []
    for name, messages in exc.message_dict.items():
        for message in messages:
            if name == NON_FIELD_ERRORS:
                found.append(f"{at}: {message}")
            elif name in fields:
                path = f"{at}.{fields[name]}" if fields[name] else at
                found.append(f"{path}: {message}")
            else:
                found.append(f"{at}: {name}: {message}")
    return list(dict.fromkeys(found))


def _check(obj, at: str, fields: dict, exclude=()) -> list[str]:
    """Every model-level problem of ``obj`` (nothing is written)."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        return _model_errors(exc, at, fields)
    return []


def _save(obj, values: dict, counts: Counts, label: str, at: str, fields: dict) -> bool:
    """Set ``values`` on ``obj`` and save only if something differs.

    A value the model refuses raises CaseloadImportError naming ``at`` (the record's JSON
    path) and the field's key in the file."""
    created = obj._state.adding
    changed = created or any(getattr(obj, k) != v for k, v in values.items())
    if not changed:
        return False
    for k, v in values.items():
        setattr(obj, k, v)
    try:
        obj.full_clean()
        obj.save()
    except ValidationError as exc:
        raise CaseloadImportError(_model_errors(exc, at, fields)) from exc
    (counts.created if created else counts.updated)[label] += 1
    return True


def _sync(existing, wanted: dict, make, counts: Counts, label: str, *, at: str, fields: dict,
          errors: list[str]) -> dict:
    """Keep exactly ``wanted`` (natural key -> (JSON path, field values)) among ``existing``
    rows. Records the model refuses are added to ``errors`` and left out of the result;
    ``at`` is the JSON path of the whole list (for rows that cannot be deleted)."""
    by_key: dict = {}
    for obj in existing:
        by_key.setdefault(make.key_of(obj), obj)
    kept = {}
    for key, (path, values) in wanted.items():
        obj = by_key.pop(key, None) or make.new()
        try:
            _save(obj, values, counts, label, path, fields)
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
            continue
        kept[key] = obj
    for obj in by_key.values():
        try:
            obj.delete()
        except ValidationError as exc:
            errors.extend(_model_errors(exc, at, {}))
            continue
        counts.deleted[label] += 1
    return kept


@dataclass
class Maker:
    new: object
    key_of: object


def _import_staff(record: dict, counts: Counts, at: str) -> StaffProfile:
    profile = StaffProfile.objects.filter(key=record["key"]).select_related("user").first()
    user = profile.user if profile else (
        User.objects.filter(email__iexact=record["email"]).first() or User())
    if profile is None:
        profile = StaffProfile(key=record["key"])
    before = (profile.pk, profile.history.count() if profile.pk else 0)
    user.email = record["email"].lower()
    user.first_name, user.last_name = record["first_name"], record["last_name"]
    profile.education = record.get("education") or "none"
    profile.human_services_degree = bool(record.get("human_services_degree"))
    for name in ("clinical_experience_years", "target_population_years",
                 "relevant_experience_years", "admin_experience_years"):
        setattr(profile, name, _years(record.get(name)))
    profile.caregiver_of_special_needs_youth = bool(record.get("caregiver_of_special_needs_youth"))
    profile.certified_chw = bool(record.get("certified_chw"))
    profile.hire_date = _d(record["hire_date"])
    profile.active = True
    stored_creds = {(c.type, c.license_number): c for c in profile.credentials.all()} \
        if profile.pk else {}
    credentials = []
    for c in record.get("credentials") or []:
        number = c.get("license_number") or ""
        obj = stored_creds.get((c["type"], number)) or Credential(type=c["type"],
                                                                  license_number=number)
        obj.state = (c.get("state") or obj.state or "MA").upper()
        obj.expires = _d(c["expires"])
        credentials.append(obj)
    stored_roles = {(r.role, r.is_backup): r for r in profile.roles.all()} if profile.pk else {}
    roles = [stored_roles.get((record["role"], False)) or RoleAssignment(role=record["role"])]
    stored_trainings = {(t.topic, t.completed): t for t in profile.trainings.all()} \
        if profile.pk else {}
    trainings = [stored_trainings.get((t["topic"], _d(t["completed"])))
                 or Training(topic=t["topic"], completed=_d(t["completed"]))
                 for t in record.get("trainings") or []]
    # Check every record first, so each problem is named by its own path (staff_save stops
    # at the first record it cannot save).
    problems = _check(user, at, USER_FIELDS, exclude=["password"])
    problems += _check(profile, at, PROFILE_FIELDS, exclude=["user"])
    for j, obj in enumerate(credentials):
        problems += _check(obj, f"{at}.credentials[{j}]", CREDENTIAL_FIELDS, exclude=["staff"])
    for obj in roles:
        problems += _check(obj, f"{at}.role", ROLE_FIELDS, exclude=["staff"])
    for j, obj in enumerate(trainings):
        problems += _check(obj, f"{at}.trainings[{j}]", TRAINING_FIELDS, exclude=["staff"])
    if problems:
        raise CaseloadImportError(problems)
    try:
        saved = staff_save(user=user, profile=profile, credentials=credentials, roles=roles,
                           trainings=trainings)
    except ValidationError as exc:  # QualificationRefused included
        raise CaseloadImportError(_model_errors(exc, at, STAFF_FIELDS)) from exc
    after = saved.history.count()
    if before[0] is None:
        counts.created["staff"] += 1
    elif after != before[1]:
        counts.updated["staff"] += 1
    return saved


def _import_member(record: dict, staff_by_key: dict, counts: Counts, at: str,
                   errors: list[str]) -> Member:
    """Load one member. A member or episode the model refuses raises CaseloadImportError;
    refused records below them are added to ``errors`` and the rest is still checked."""
    member = Member.objects.filter(key=record["key"]).first() or Member(key=record["key"])
    _save(member, {
        "legal_first_name": record["first_name"], "legal_last_name": record["last_name"],
        "date_of_birth": _d(record["date_of_birth"]), "masshealth_id": record["masshealth_id"],
        "primary_language": record.get("primary_language") or "en",
        "preferred_written_language": record.get("primary_language") or "en",
    }, counts, "members", at, MEMBER_FIELDS)

    enrollment = record.get("enrollment")
    termination = record.get("termination")
    contact_key = record.get("primary_contact")
    contact = None
    if contact_key is not None:
        # None only when that staff member was refused (already reported).
        contact = staff_by_key.get(contact_key) or StaffProfile.objects.filter(
            key=contact_key).first()
    referral_date = _d(record["referral_date"])
    closed = record.get("closed_before_enrollment")  # reading 12
    status = EpisodeStatus.TERMINATED if termination else (
        EpisodeStatus.ENROLLED if enrollment else
        EpisodeStatus.INELIGIBLE if closed and closed["reason"] == "ineligible" else
        EpisodeStatus.CLOSED_UNENROLLED if closed else EpisodeStatus.REFERRED)
    episodes = list(member.episodes.order_by("referral_date", "pk")) if member.pk else []
    episode = next((e for e in episodes if e.referral_date == referral_date), None) or (
        episodes[-1] if episodes else Episode(member=member))
    new_episode = episode.pk is None
    _save(episode, {
        "referral_date": referral_date,
        "referral_source": episode.referral_source or "other",
        "referring_entity": episode.referring_entity or "Imported caseload",
        "status": status,
        "effective_date": _d(enrollment["effective_date"]) if enrollment else None,
        "primary_contact": contact if enrollment else None,
        "termination_date": _d(termination["date"]) if termination else None,
        "closed_on": _d(closed["date"]) if closed else None,
        "closure_reason": closed["reason"] if closed else "",
    }, counts, "episodes", at, EPISODE_FIELDS)
    if new_episode:
        EpisodeStatusChange.objects.create(
            episode=episode, to_status=status,
            on=(_d(termination["date"]) if termination else
                _d(enrollment["effective_date"]) if enrollment else
                _d(closed["date"]) if closed else referral_date))

    if contact is not None:
        since = _d(enrollment["effective_date"]) if enrollment else referral_date
        role = next((r.role for r in contact.roles.all()
                     if r.role in PRIMARY_CONTACT_ROLES and not r.is_backup),
                    Role.CARE_COORDINATOR)
        if not CareTeamMember.objects.filter(member=member, staff=contact,
                                             until__isnull=True).exists():
            CareTeamMember.objects.create(member=member, staff=contact, role=role, since=since)
            counts.created["care team"] += 1

    _sync(member.guardians.all(), {
        g["name"]: (f"{at}.guardians[{j}]", {
            "name": g["name"], "relationship": g.get("relationship") or "",
            "phone": g.get("phone") or "", "email": g.get("email") or "",
            "address": g.get("address") or ""})
        for j, g in enumerate(record.get("guardians") or [])},
        Maker(lambda: Guardian(member=member), lambda o: o.name), counts, "guardians",
        at=f"{at}.guardians", fields=GUARDIAN_FIELDS, errors=errors)

    letters = {}
    if enrollment and enrollment.get("letter_sent"):
        letters[LetterKind.ENROLLMENT] = (f"{at}.enrollment", _d(enrollment["letter_sent"]))
    if termination and termination.get("letter_sent"):
        letters[LetterKind.TERMINATION] = (f"{at}.termination", _d(termination["letter_sent"]))
    _sync(member.letters.filter(episode=episode), {
        kind: (path, {"kind": kind, "sent_on": sent, "status": LetterStatus.SENT,
                      "language": member.primary_language})
        for kind, (path, sent) in letters.items()},
        Maker(lambda: Letter(member=member, episode=episode), lambda o: o.kind), counts,
        "letters", at=at, fields=LETTER_FIELDS, errors=errors)

    _sync(member.assessments.all(), {
        (a["kind"], _d(a.get("completed")), n): (f"{at}.assessments[{j}]", {
            "kind": a["kind"], "completed_on": _d(a.get("completed"))})
        for j, (n, a) in enumerate(_numbered(record.get("assessments") or [],
                                             lambda a: (a["kind"], a.get("completed"))))},
        Maker(lambda: Assessment(member=member),
              _numbering(lambda o: (o.kind, o.completed_on))), counts, "assessments",
        at=f"{at}.assessments", fields=ASSESSMENT_FIELDS, errors=errors)

    plans = record.get("care_plans") or []
    last_final = max((i for i, p in enumerate(plans) if p.get("finalized")), default=None)
    kept = _sync(member.care_plans.all(), {
        i + 1: (f"{at}.care_plans[{i}]", {
            "version": i + 1, "finalized_on": _d(p.get("finalized")),
            "status": (CarePlanStatus.DRAFT if not p.get("finalized") else
                       CarePlanStatus.FINALIZED if i == last_final
                       else CarePlanStatus.SUPERSEDED)})
        for i, p in enumerate(plans)},
        Maker(lambda: CarePlan(member=member), lambda o: o.version), counts, "care plans",
        at=f"{at}.care_plans", fields=CARE_PLAN_FIELDS, errors=errors)
    for i, p in enumerate(plans):
        plan = kept.get(i + 1)
        if plan is None:  # refused, already reported
            continue
        _sync(plan.deliveries.all(), {
            (d["language"], d["medium"], _d(d["date"]), n): (
                f"{at}.care_plans[{i}].deliveries[{j}]", {
                    "language": d["language"], "medium": d["medium"],
                    "delivered_on": _d(d["date"])})
            for j, (n, d) in enumerate(_numbered(
                p.get("deliveries") or [], lambda d: (d["language"], d["medium"], d["date"])))},
            Maker(lambda plan=plan: CarePlanDelivery(care_plan=plan),
                  _numbering(lambda o: (o.language, o.medium, o.delivered_on))),
            counts, "deliveries", at=f"{at}.care_plans[{i}].deliveries",
            fields=DELIVERY_FIELDS, errors=errors)

    _sync(member.monitoring_reviews.all(), {
        (_d(r["date"]), n): (f"{at}.monitoring[{j}]", {"reviewed_on": _d(r["date"])})
        for j, (n, r) in enumerate(_numbered(record.get("monitoring") or [],
                                             lambda r: r["date"]))},
        Maker(lambda: MonitoringReview(member=member),
              _numbering(lambda o: o.reviewed_on)), counts, "monitoring reviews",
        at=f"{at}.monitoring", fields=MONITORING_FIELDS, errors=errors)

    referrals = _sync(member.referrals.all(), {
        r["key"]: (f"{at}.referrals[{j}]", {
            "key": r["key"], "service": r["service"], "referred_on": _d(r["referred"]),
            "scheduled_on": _d(r.get("scheduled")),
            "exception_reason": r.get("exception_reason") or ""})
        for j, r in enumerate(record.get("referrals") or [])},
        Maker(lambda: ServiceReferral(member=member), lambda o: o.key), counts, "referrals",
        at=f"{at}.referrals", fields=REFERRAL_FIELDS, errors=errors)
    for j, r in enumerate(record.get("referrals") or []):
        referral = referrals.get(r["key"])
        if referral is None:  # refused, already reported
            continue
        path = f"{at}.referrals[{j}].follow_up"
        wanted = {_d(r["follow_up"]): (path, {"followed_up_on": _d(r["follow_up"])})} \
            if r.get("follow_up") else {}
        _sync(referral.follow_ups.all(), wanted,
              Maker(lambda referral=referral: ReferralFollowUp(referral=referral),
                    lambda o: o.followed_up_on), counts, "follow-ups",
              at=path, fields=DATE_FIELD, errors=errors)

    plan = record.get("transition_plan")
    path = f"{at}.transition_plan"
    _sync(member.transition_plans.all(),
          {_d(plan["recorded"]): (f"{path}.recorded", {"recorded_on": _d(plan["recorded"])})}
          if plan else {},
          Maker(lambda: TransitionPlan(member=member), lambda o: o.recorded_on), counts,
          "transition plans", at=path, fields=DATE_FIELD, errors=errors)

    if termination:
        removal = Removal.objects.filter(episode=episode).first() or Removal(episode=episode)
        day = _d(termination["date"])
        try:
            _save(removal, {
                "initiated_on": removal.initiated_on or day, "reason": termination["reason"],
                "planned_termination_date": day,
                "plan_completed_on": _d(termination.get("aftercare_plan")),
            }, counts, "removals", f"{at}.termination", REMOVAL_FIELDS)
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
    else:
        removal = Removal.objects.filter(episode=episode).first()
        if removal is not None:
            try:
                removal.delete()
            except ValidationError as exc:
                errors.extend(_model_errors(exc, f"{at}.termination", {}))
            else:
                counts.deleted["removals"] += 1
    return member


def _numbered(items, key):
    """Pair items with their occurrence number among equal ones, so duplicates are kept."""
    seen: Counter = Counter()
    for item in items:
        k = key(item)
        yield seen[k], item
        seen[k] += 1


def _numbering(key):
    seen: Counter = Counter()

    def key_of(obj):
        k = key(obj)
        n = seen[k]
        seen[k] += 1
        return (*k, n) if isinstance(k, tuple) else (k, n)

    return key_of


def import_caseload(data, *, dry_run: bool = False, today: date | None = None) -> Counts:
    """Validate and load ``data``; raises CaseloadImportError listing every problem."""
    today = today or timezone.localdate()
    errors = shape_errors(data)
    if errors:
        raise CaseloadImportError(errors)
    errors = schema_errors(data)
    if errors:
        raise CaseloadImportError(errors)
    errors = semantic_errors(data, today)
    if errors:
        raise CaseloadImportError(errors)
    counts = Counts()
    errors: list[str] = []
    try:
        with transaction.atomic():
            _write(data, counts, errors, dry_run)
    except ValidationError as exc:  # a model refusal not tied to one record of the file
        raise CaseloadImportError([f"(file): {m}" for m in exc.messages]) from exc
    return counts


def _write(data: dict, counts: Counts, errors: list[str], dry_run: bool) -> None:
    """Write everything inside the caller's transaction; if any record is refused, raise
    CaseloadImportError with every refusal (the caller's transaction then rolls back)."""
    program = data.get("program")
    if program:
        obj = Program.objects.filter(pk=1).first() or Program(pk=1)
        try:
            _save(obj, {"name": program["name"], "phone": program.get("phone") or "",
                        "address": program.get("address") or ""}, counts, "program",
                  "program", PROGRAM_FIELDS)
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
    staff_by_key = {}
    for i, record in enumerate(data["staff"]):
        try:
            staff_by_key[record["key"]] = _import_staff(record, counts, f"staff[{i}]")
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
    member_ids = []
    for i, record in enumerate(data["members"]):
        try:
            member_ids.append(_import_member(record, staff_by_key, counts, f"members[{i}]",
                                             errors).pk)
        except CaseloadImportError as exc:
            errors.extend(exc.errors)
    if errors:
        raise CaseloadImportError(list(dict.fromkeys(errors)))
    if counts.changed:
        from cares.deadlines.services import refresh_deadlines

        refresh_deadlines(member_ids=member_ids)
        audit_record(action=Action.UPDATE, detail={
            "import": "caseload", "members": len(member_ids), "dry_run": dry_run,
            "created": dict(counts.created), "updated": dict(counts.updated),
            "deleted": dict(counts.deleted)})
    if dry_run:
        transaction.set_rollback(True)
