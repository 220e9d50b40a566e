"""What a caseload file must hold together before anything is written (interchange.md): keys
unique and known, the staff qualified for their roles (PS IV.B), and each member's dates in
the order the rule book needs. Every error names its JSON path, never an identifier's value.

The rules are the services' own: the role check (``check_role``), the age limit (``age_on``,
``MAX_AGE``), independent choice (``members.services.independent_choice_problems``); the writing
step then holds each member to the rest of the intake rules (``writing``)."""

from __future__ import annotations

from datetime import date

from cares.base.staff.models import StaffProfile, User
from cares.base.staff.qualifications import check_role
from cares.program.interchange.importer.stored import rows_in
from cares.program.interchange.importer.values import day, staff_facts_of
from members.models import MAX_AGE, HospitalStay, Member, ServiceReferral, age_on
from members.services import independent_choice_problems


def _duplicates(items, what: str) -> list[str]:
    """Identifiers are named by their JSON path, never by their value (no MassHealth ID or
    e-mail address in an error message or a log)."""
    errors: list[str] = []
    seen: dict[str, str] = {}
    for path, value in items:
        if value in seen:
            errors.append(f"{path}: duplicate {what} (also at {seen[value]})")
        else:
            seen[value] = path
    return errors


def duplicate_errors(staff: list[dict], members: list[dict]) -> list[str]:
    return [
        *_duplicates(((f"staff[{i}].key", s["key"]) for i, s in enumerate(staff)),
                     "staff key"),
        *_duplicates(((f"staff[{i}].email", s["email"].lower()) for i, s in enumerate(staff)),
                     "e-mail"),
        *_duplicates(((f"members[{i}].key", m["key"]) for i, m in enumerate(members)),
                     "member key"),
        *_duplicates(((f"members[{i}].masshealth_id", m["masshealth_id"])
                      for i, m in enumerate(members)), "MassHealth ID"),
        *_duplicates(((f"members[{i}].referrals[{j}].key", r["key"])
                      for i, m in enumerate(members)
                      for j, r in enumerate(m.get("referrals") or [])), "referral key"),
        *_duplicates(((f"members[{i}].hospital_stays[{j}].key", s["key"])
                      for i, m in enumerate(members)
                      for j, s in enumerate(m.get("hospital_stays") or [])), "stay key"),
    ]


def staff_errors(staff: list[dict], today: date) -> list[str]:
    """Each staff record passes its role's check (PS IV.B) and has its own e-mail address."""
    errors: list[str] = []
    for i, record in enumerate(staff):
        for problem in check_role(record["role"], staff_facts_of(record), today):
            errors.append(f"staff[{i}]: {problem}")
        existing = User.objects.filter(email__iexact=record["email"]).exclude(
            staff_profile__key=record["key"]).first()
        if existing is not None:
            errors.append(f"staff[{i}].email: already used by another account")
    return errors


def _referral_errors(m: dict, at: str) -> list[str]:
    """PS VIII and the PS preamble: born by the referral date and under 21 on it."""
    born, referred = day(m["date_of_birth"]), day(m["referral_date"])
    if referred < born:
        return [f"{at}.referral_date: before the date of birth"]
    if age_on(born, referred) >= MAX_AGE:
        return [f"{at}.referral_date: the member is {MAX_AGE} or older on this date "
                f"(CARES serves members under {MAX_AGE})"]
    return []


class Owners:
    """Who holds, in the database, the identifiers the file gives (a few queries for the whole
    file): MassHealth IDs, referral and stay keys -> the key of their member; staff keys."""

    def __init__(self, members: list[dict], staff_keys: set[str]):
        self.staff_keys = staff_keys | set(rows_in(
            StaffProfile.objects.values_list("key", flat=True), "key",
            {m["primary_contact"] for m in members if m.get("primary_contact")}))
        self.masshealth_ids = dict(rows_in(
            Member.objects.values_list("masshealth_id", "key"), "masshealth_id",
            [m["masshealth_id"] for m in members]))
        self.referrals = dict(rows_in(
            ServiceReferral.objects.values_list("key", "member__key"), "key",
            [r["key"] for m in members for r in m.get("referrals") or []]))
        self.stays = dict(rows_in(
            HospitalStay.objects.values_list("key", "member__key"), "key",
            [s["key"] for m in members for s in m.get("hospital_stays") or []]))

    @staticmethod
    def other(found: dict, value, member_key: str) -> bool:
        """``value`` is stored and belongs to another member than ``member_key``."""
        return value in found and found[value] != member_key


def _identity_errors(m: dict, at: str, owners: Owners) -> list[str]:
    """A MassHealth ID the database already gives to another member; a primary contact that
    names no staff member (whether they may be one is the writing step's check)."""
    errors: list[str] = []
    if owners.other(owners.masshealth_ids, m["masshealth_id"], m["key"]):
        errors.append(f"{at}.masshealth_id: already belongs to another member")
    contact = m.get("primary_contact")
    if contact is not None and contact not in owners.staff_keys:
        errors.append(f"{at}.primary_contact: no staff member with key {contact!r}")
    return errors


def _referral_key_errors(m: dict, at: str, owners: Owners) -> list[str]:
    return [f"{at}.referrals[{j}].key: already used by another member"
            for j, r in enumerate(m.get("referrals") or [])
            if owners.other(owners.referrals, r["key"], m["key"])]


def _enrollment_errors(m: dict, at: str) -> list[str]:
    """Enrollment after the referral, with a primary contact; closed before enrollment
    (reading 12) only without an enrollment, and not before the referral."""
    errors: list[str] = []
    referred = day(m["referral_date"])
    enrollment, closed = m.get("enrollment"), m.get("closed_before_enrollment")
    if enrollment and day(enrollment["effective_date"]) < referred:
        errors.append(f"{at}.enrollment.effective_date: before the referral date")
    if enrollment and m.get("primary_contact") is None:
        errors.append(f"{at}.primary_contact: an enrolled member needs a primary contact")
    if closed:
        if enrollment:
            errors.append(f"{at}.closed_before_enrollment: the member has an enrollment; "
                          "an episode closed before enrollment cannot also be enrolled "
                          "(PS VIII, deadlines.md reading 12)")
        if day(closed["date"]) < referred:
            errors.append(f"{at}.closed_before_enrollment.date: before the referral date")
    return errors


def _termination_errors(m: dict, at: str) -> list[str]:
    """A termination ends an enrollment, after it, for a reason the member may have
    (PS IX.A.8, as the removal page holds it)."""
    termination, enrollment = m.get("termination"), m.get("enrollment")
    if not termination:
        return []
    errors: list[str] = []
    if not enrollment:
        errors.append(f"{at}.termination: the member was never enrolled")
    elif day(termination["date"]) < day(enrollment["effective_date"]):
        errors.append(f"{at}.termination.date: before the enrollment effective date")
    member = Member(date_of_birth=day(m["date_of_birth"]))
    errors += [f"{at}.termination.reason: {problem}" for problem in independent_choice_problems(
        member=member, reason=termination["reason"], on=day(termination["date"]))]
    return errors


def _stay_errors(m: dict, at: str, owners: Owners) -> list[str]:
    """Reading 14: a discharge on or after its admission, a follow-up on or after its
    discharge (the stay's own constraints, named by path); a stay key no other member has."""
    errors: list[str] = []
    for j, stay in enumerate(m.get("hospital_stays") or []):
        path = f"{at}.hospital_stays[{j}]"
        admitted, discharged = day(stay["admitted"]), day(stay.get("discharged"))
        follow_up = day(stay.get("follow_up"))
        if discharged and discharged < admitted:
            errors.append(f"{path}.discharged: before the admission date")
        if follow_up and not discharged:
            errors.append(f"{path}.follow_up: the stay has no discharge date (a follow-up "
                          "comes after the discharge)")
        elif follow_up and follow_up < discharged:
            errors.append(f"{path}.follow_up: before the discharge date")
        if owners.other(owners.stays, stay["key"], m["key"]):
            errors.append(f"{path}.key: already used by another member")
    return errors


def _icp_update_errors(m: dict, at: str) -> list[str]:
    """Reading 15: only a reassessment (or a monitoring review) can ask for an ICP update; an
    initial assessment has no ICP to update yet."""
    return [f"{at}.assessments[{j}].icp_update_needed: an initial assessment has no ICP to "
            "update yet (only a reassessment or a monitoring review can ask for an update; "
            "deadlines.md reading 15)"
            for j, a in enumerate(m.get("assessments") or [])
            if a["kind"] == "initial" and a.get("icp_update_needed") is True]


def member_errors(members: list[dict], staff_keys: set[str]) -> list[str]:
    errors: list[str] = []
    owners = Owners(members, staff_keys)
    for i, m in enumerate(members):
        at = f"members[{i}]"
        errors += _referral_errors(m, at)
        errors += _identity_errors(m, at, owners)
        errors += _enrollment_errors(m, at)
        errors += _stay_errors(m, at, owners)
        errors += _icp_update_errors(m, at)
        errors += _termination_errors(m, at)
        errors += _referral_key_errors(m, at, owners)
    return errors


def semantic_errors(data: dict, today: date) -> list[str]:
    """Everything the file must hold together, each error with its JSON path."""
    staff = data.get("staff") or []
    members = data.get("members") or []
    return [*duplicate_errors(staff, members), *staff_errors(staff, today),
            *member_errors(members, {s["key"] for s in staff})]
