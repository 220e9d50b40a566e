"""Staff qualification rules (PS IV.B), backup staff (PS IV.A.4) and program checks.

Pure functions over plain values: no database access here. Every function that checks a
person returns the list of unmet requirements in plain words; an empty list means qualified.
An expired licence never counts (the as-of date is always passed in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from cares.base.staff.models import EDUCATION_RANK, CredentialType, Education, Role

MASSACHUSETTS = "MA"
PHYSICIAN_LEVEL = frozenset({CredentialType.MD, CredentialType.DO, CredentialType.NP,
                             CredentialType.PA})
SOCIAL_WORK = frozenset({CredentialType.LSW, CredentialType.LCSW, CredentialType.LICSW})
SCM_LICENSES = frozenset({CredentialType.RN, CredentialType.NP}) | SOCIAL_WORK

@dataclass(frozen=True)
class CredentialFacts:
    type: str
    state: str
    expires: date

    def current(self, on: date) -> bool:
        return self.expires >= on


@dataclass(frozen=True)
class StaffFacts:
    """What the qualification rules look at, taken from a profile or an import record."""

    education: str = Education.NONE
    human_services_degree: bool = False
    clinical_experience_years: Decimal = Decimal("0")
    target_population_years: Decimal = Decimal("0")
    relevant_experience_years: Decimal = Decimal("0")
    admin_experience_years: Decimal = Decimal("0")
    caregiver_of_special_needs_youth: bool = False
    certified_chw: bool = False
    credentials: tuple[CredentialFacts, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, profile, credentials: Iterable | None = None) -> StaffFacts:
        """Facts of a StaffProfile; ``credentials`` (model instances) replaces the stored ones."""
        if credentials is None:
            credentials = profile.credentials.all() if profile.pk else ()
        return cls(
            education=profile.education,
            human_services_degree=profile.human_services_degree,
            clinical_experience_years=Decimal(profile.clinical_experience_years or 0),
            target_population_years=Decimal(profile.target_population_years or 0),
            relevant_experience_years=Decimal(profile.relevant_experience_years or 0),
            admin_experience_years=Decimal(profile.admin_experience_years or 0),
            caregiver_of_special_needs_youth=profile.caregiver_of_special_needs_youth,
            certified_chw=profile.certified_chw,
            credentials=tuple(
                CredentialFacts(type=c.type, state=(c.state or "").upper(), expires=c.expires)
                for c in credentials
                if c.type and c.expires
            ),
        )

    def current_licenses(self, on: date, *, state: str | None = None) -> set[str]:
        return {
            c.type for c in self.credentials
            if c.current(on) and (state is None or c.state == state)
        }

    def expired_licenses(self, on: date) -> set[str]:
        return {c.type for c in self.credentials if not c.current(on)} - self.current_licenses(on)

    def has_education(self, level: str) -> bool:
        return EDUCATION_RANK[Education(self.education)] >= EDUCATION_RANK[Education(level)]


def _years(value: Decimal) -> str:
    value = Decimal(value).normalize()
    return f"{value:f}"


def _license_problem(facts: StaffFacts, wanted: Iterable[str], on: date, *,
                     state: str | None = None) -> str | None:
    wanted = sorted(wanted)
    if facts.current_licenses(on, state=state) & set(wanted):
        return None
    where = _(" Massachusetts") if state == MASSACHUSETTS else ""
    message = _("needs a current%(where)s licence as %(kinds)s") % {
        "where": where, "kinds": _(" or ").join(wanted),
    }
    expired = facts.expired_licenses(on) & set(wanted)
    if expired:
        message += _(" (the %(kinds)s licence on file has expired)") % {
            "kinds": ", ".join(sorted(expired))
        }
    return message


def check_program_director(facts: StaffFacts, on: date) -> list[str]:
    """PS IV.B.1.a: MD, DO, NP or PA; 5+ years clinical, 2+ with the target population,
    1+ in an administrative role."""
    problems = []
    if msg := _license_problem(facts, PHYSICIAN_LEVEL, on):
        problems.append(msg)
    if facts.clinical_experience_years < 5:
        problems.append(_("needs at least 5 years of clinical experience (has %(n)s)")
                        % {"n": _years(facts.clinical_experience_years)})
    if facts.target_population_years < 2:
        problems.append(_("needs at least 2 years of clinical experience with the target "
                          "population (has %(n)s)") % {"n": _years(facts.target_population_years)})
    if facts.admin_experience_years < 1:
        problems.append(_("needs at least 1 year in an administrative role (has %(n)s)")
                        % {"n": _years(facts.admin_experience_years)})
    return problems


def check_senior_care_manager(facts: StaffFacts, on: date) -> list[str]:
    """PS IV.B.2.a.1: Massachusetts-licensed RN, NP or social worker; or a master's degree
    with 2+ years with the target population."""
    if facts.current_licenses(on, state=MASSACHUSETTS) & SCM_LICENSES:
        return []
    if facts.has_education(Education.MASTER) and facts.target_population_years >= 2:
        return []
    licence = _license_problem(facts, SCM_LICENSES, on, state=MASSACHUSETTS)
    if not facts.has_education(Education.MASTER):
        degree = _("has no master's degree")
    else:
        degree = _("a master's degree also needs at least 2 years with the target population "
                   "(has %(n)s)") % {"n": _years(facts.target_population_years)}
    return [_("%(licence)s, or a master's degree in a relevant field with at least 2 years "
              "with the target population; %(degree)s") % {"licence": licence, "degree": degree}]


# (education at least, years of relevant experience with the target population needed) for
# care coordinators, PS IV.B.3.a
CARE_COORDINATOR_ROUTES = (
    (Education.BACHELOR, Decimal("1")),
    (Education.ASSOCIATE, Decimal("2")),
    (Education.HIGH_SCHOOL, Decimal("3")),
)


def check_care_coordinator(facts: StaffFacts, on: date) -> list[str]:
    """PS IV.B.3.a: bachelor's + 1 year, associate's + 2, or high school/equivalent + 3 years
    of relevant experience with the target population. The years counted are those with the
    target population (``target_population_years``), as for family support staff: general
    experience (``relevant_experience_years``) does not count."""
    years = facts.target_population_years
    for level, needed in CARE_COORDINATOR_ROUTES:
        if facts.has_education(level) and years >= needed:
            return []
    if not facts.has_education(Education.HIGH_SCHOOL):
        return [_("needs at least a high school diploma or equivalent (GED)")]
    level = next(lv for lv, _n in CARE_COORDINATOR_ROUTES if facts.has_education(lv))
    needed = dict(CARE_COORDINATOR_ROUTES)[level]
    return [_("with %(education)s needs at least %(needed)s years of relevant experience with "
              "the target population (has %(n)s; %(short)s more needed)")
            % {"education": _education_phrase(level), "needed": _years(needed),
               "n": _years(years), "short": _years(needed - years)}]


def _education_phrase(level: str) -> str:
    return {
        Education.BACHELOR: _("a bachelor's degree"),
        Education.ASSOCIATE: _("an associate's degree"),
        Education.HIGH_SCHOOL: _("a high school diploma"),
    }[level]


def check_family_support(facts: StaffFacts, on: date) -> list[str]:
    """PS IV.B.4.a: caregiver of a youth with special needs; or certified CHW; or a human
    services bachelor's + 1 year with the target population; or a human services associate's
    + 1 year with children/adolescents/transition-age youth; or high school/GED + 2 years."""
    years = facts.relevant_experience_years
    chw = facts.certified_chw or CredentialType.CHW in facts.current_licenses(on)
    if facts.caregiver_of_special_needs_youth or chw:
        return []
    hs = facts.human_services_degree
    if hs and facts.has_education(Education.BACHELOR) and facts.target_population_years >= 1:
        return []
    if hs and facts.has_education(Education.ASSOCIATE) and years >= 1:
        return []
    if facts.has_education(Education.HIGH_SCHOOL) and years >= 2:
        return []
    return [_("needs one of: experience as the caregiver of a youth with special needs; "
              "certification as a community health worker; a human services bachelor's degree "
              "with at least 1 year with the target population (has %(target)s); a human "
              "services associate's degree with at least 1 year of experience with children, "
              "adolescents or transition-age youth; or a high school diploma or GED with at "
              "least 2 years of that experience (has %(n)s years%(degree)s)")
            % {"n": _years(years), "target": _years(facts.target_population_years),
               "degree": "" if hs or not facts.has_education(Education.ASSOCIATE)
               else _(", degree not in human services")}]


def check_senior_medical_professional(facts: StaffFacts, on: date) -> list[str]:
    """PS IV.A.2: a medical doctor, doctor of osteopathic medicine, NP or PA."""
    msg = _license_problem(facts, PHYSICIAN_LEVEL, on)
    return [msg] if msg else []


ROLE_CHECKS: dict[str, tuple[str, Callable[[StaffFacts, date], list[str]]]] = {
    Role.PROGRAM_DIRECTOR: ("PS IV.B.1.a", check_program_director),
    Role.SENIOR_CARE_MANAGER: ("PS IV.B.2.a", check_senior_care_manager),
    Role.CARE_COORDINATOR: ("PS IV.B.3.a", check_care_coordinator),
    Role.FAMILY_SUPPORT: ("PS IV.B.4.a", check_family_support),
    Role.SENIOR_MEDICAL_PROFESSIONAL: ("PS IV.A.2", check_senior_medical_professional),
}


def check_role(role: str, facts: StaffFacts, on: date) -> list[str]:
    """Unmet requirements for ``role``, each prefixed with the role and its citation."""
    citation, check = ROLE_CHECKS[role]
    label = Role(role).label
    return [f"{label} ({citation}): {problem}" for problem in check(facts, on)]


def check_backup(role: str, facts: StaffFacts, on: date, *, covered_name: str = "") -> list[str]:
    """PS IV.A.4: backup staff have "an equal or greater level of licensure and certification
    required for each position" and meet "all other requirements of regular staff": the backup
    passes the full PS IV.B check of the position they cover. The comparison is with what the
    position requires, not with the licences the covered colleague happens to hold (an MD
    may cover an NP senior medical professional; a qualified, unlicensed care coordinator may
    cover one who happens to be an RN). ``covered_name`` only names the colleague."""
    citation, check = ROLE_CHECKS[role]
    who = (_("Backup %(role)s for %(name)s") % {"role": Role(role).label.lower(),
                                                 "name": covered_name}
           if covered_name else _("Backup %(role)s") % {"role": Role(role).label.lower()})
    return [f"{who} (PS IV.A.4, {citation}): {problem}" for problem in check(facts, on)]


def passes_backup(role: str, facts: StaffFacts, on: date) -> bool:
    """Whether ``check_backup`` finds nothing, without writing its messages (the backup
    pickers ask it of every staff member for every role)."""
    return not ROLE_CHECKS[role][1](facts, on)


@dataclass(frozen=True)
class RoleClaim:
    """A role someone is to hold: primary, or backup coverage of a colleague (named by
    ``covered_name`` only: PS IV.A.4 compares a backup with the position, not the colleague)."""

    role: str
    is_backup: bool = False
    covered_name: str = ""


def check_roles(facts: StaffFacts, claims: Sequence[RoleClaim], on: date) -> list[str]:
    problems: list[str] = []
    for claim in claims:
        if claim.is_backup:
            found = check_backup(claim.role, facts, on, covered_name=claim.covered_name)
        else:
            found = check_role(claim.role, facts, on)
        problems.extend(p for p in found if p not in problems)
    return problems


# --- Program checks (PS IV.A.2-3, IV.B.2.a.2, IV.B.1.a) -------------------------------------


@dataclass(frozen=True)
class StaffEntry:
    """One active staff member as the program checks see them."""

    name: str
    roles: frozenset[str]
    facts: StaffFacts


@dataclass(frozen=True)
class ProgramCheck:
    key: str
    title: str
    citation: str
    ok: bool
    detail: str


def _names(entries) -> str:
    return ", ".join(sorted(e.name for e in entries)) or _("none")


def _director_check(staff: list[StaffEntry], on: date) -> ProgramCheck:
    """PS IV.B.1.a: a qualified program director, or why each one falls short."""
    directors = [e for e in staff if Role.PROGRAM_DIRECTOR in e.roles]
    qualified = [e for e in directors if not check_program_director(e.facts, on)]
    if qualified:
        detail = _("Qualified program director: %(names)s.") % {"names": _names(qualified)}
    elif not directors:
        detail = _("No active program director.")
    else:
        detail = "; ".join(
            f"{e.name}: " + "; ".join(check_program_director(e.facts, on)) for e in directors
        )
    return ProgramCheck(
        key="program_director_qualified",
        title=_("The program director is an MD, DO, NP or PA with the required experience"),
        citation="PS IV.B.1.a",
        ok=bool(qualified),
        detail=detail,
    )


def program_checks(staff: Iterable[StaffEntry], on: date) -> list[ProgramCheck]:
    """Each program-level staffing check with its result and a plain-words detail."""
    staff = list(staff)
    rns = [e for e in staff if CredentialType.RN in e.facts.current_licenses(on)]
    sws = [e for e in staff if e.facts.current_licenses(on) & SOCIAL_WORK]
    scms = [e for e in staff if Role.SENIOR_CARE_MANAGER in e.roles]
    licensed_scms = [
        e for e in scms
        if e.facts.current_licenses(on) & (SOCIAL_WORK | {CredentialType.RN, CredentialType.NP})
    ]
    smps = [
        e for e in staff
        if Role.SENIOR_MEDICAL_PROFESSIONAL in e.roles
        and e.facts.current_licenses(on) & PHYSICIAN_LEVEL
    ]
    return [
        ProgramCheck(
            key="rn_and_social_worker",
            title=_("At least one licensed registered nurse and one licensed social worker"),
            citation="PS IV.A.3",
            ok=bool(rns and sws),
            detail=_("Registered nurses: %(rns)s. Social workers: %(sws)s.")
            % {"rns": _names(rns), "sws": _names(sws)},
        ),
        ProgramCheck(
            key="senior_care_manager_licensed",
            title=_("At least one senior care manager is an LSW, RN or NP"),
            citation="PS IV.B.2.a.2",
            ok=bool(licensed_scms),
            detail=_("Licensed senior care managers: %(names)s (of %(n)d senior care "
                     "managers).") % {"names": _names(licensed_scms), "n": len(scms)},
        ),
        ProgramCheck(
            key="senior_medical_professional",
            title=_("A senior medical professional (MD, DO, NP or PA) is on staff"),
            citation="PS IV.A.2",
            ok=bool(smps),
            detail=_("Senior medical professionals: %(names)s.") % {"names": _names(smps)},
        ),
        _director_check(staff, on),
    ]
