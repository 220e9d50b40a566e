"""Boundary tests for every PS IV.B qualification rule and PS IV.A.4 backup staff."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cares.base.staff.models import Role
from cares.base.staff.qualifications import (
    CredentialFacts,
    RoleClaim,
    StaffFacts,
    check_backup,
    check_role,
    check_roles,
)

ON = date(2026, 11, 23)
FUTURE = ON + timedelta(days=365)


def facts(*licences, state="MA", expires=FUTURE, **kw):
    for key in ("clinical_experience_years", "target_population_years",
                "relevant_experience_years", "admin_experience_years"):
        if key in kw:
            kw[key] = Decimal(str(kw[key]))
    return StaffFacts(
        credentials=tuple(CredentialFacts(t, state, expires) for t in licences), **kw
    )


# --- Care coordinator (PS IV.B.3.a) ---------------------------------------------------------

@pytest.mark.parametrize(("education", "years", "ok"), [
    ("bachelor", "0.9", False), ("bachelor", "1", True),
    ("master", "1", True),
    ("associate", "1.9", False), ("associate", "2", True),
    ("high_school", "2.9", False), ("high_school", "3", True),
    ("none", "10", False),
])
def test_care_coordinator_education_and_experience(education, years, ok):
    problems = check_role("care_coordinator", facts(education=education,
                                                    target_population_years=years), ON)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("Care coordinator (PS IV.B.3.a):")


def test_care_coordinator_refusal_names_what_is_missing():
    [problem] = check_role("care_coordinator",
                           facts(education="associate", target_population_years="1.9"), ON)
    assert "an associate's degree" in problem
    assert "at least 2 years" in problem
    assert "has 1.9; 0.1 more needed" in problem


@pytest.mark.parametrize(("education", "needed"), [
    ("bachelor", "1"), ("associate", "2"), ("high_school", "3")])
def test_care_coordinator_years_are_years_with_the_target_population(education, needed):
    """PS IV.B.3.a: "relevant experience with the target population". General youth work
    (relevant_experience_years) does not count, however long."""
    [problem] = check_role("care_coordinator", facts(
        education=education, relevant_experience_years="10", target_population_years="0"), ON)
    assert problem.startswith("Care coordinator (PS IV.B.3.a):")
    assert f"at least {needed} years of relevant experience with the target population" \
        in problem
    assert f"has 0; {needed} more needed" in problem
    assert check_role("care_coordinator", facts(
        education=education, relevant_experience_years="0", target_population_years=needed),
        ON) == []


# --- Program director (PS IV.B.1.a) ---------------------------------------------------------

DIRECTOR = {"clinical_experience_years": 5, "target_population_years": 2,
            "admin_experience_years": 1}


@pytest.mark.parametrize("licence", ["MD", "DO", "NP", "PA"])
def test_program_director_accepts_each_medical_licence_at_the_minimums(licence):
    assert check_role("program_director", facts(licence, **DIRECTOR), ON) == []


@pytest.mark.parametrize(("field", "value", "words"), [
    ("clinical_experience_years", "4.9", "5 years of clinical experience (has 4.9)"),
    ("target_population_years", "1.9", "2 years of clinical experience with the target"),
    ("admin_experience_years", "0.9", "1 year in an administrative role (has 0.9)"),
])
def test_program_director_each_experience_minimum(field, value, words):
    problems = check_role("program_director", facts("MD", **{**DIRECTOR, field: value}), ON)
    assert len(problems) == 1
    assert words in problems[0]


@pytest.mark.parametrize("licence", ["RN", "LICSW", "CHW"])
def test_program_director_refuses_other_licences(licence):
    [problem] = check_role("program_director", facts(licence, **DIRECTOR), ON)
    assert "DO or MD or NP or PA" in problem


def test_program_director_expired_licence_does_not_count():
    [problem] = check_role("program_director",
                           facts("MD", expires=ON - timedelta(days=1), **DIRECTOR), ON)
    assert "has expired" in problem


def test_licence_expiring_today_still_counts():
    assert check_role("program_director", facts("MD", expires=ON, **DIRECTOR), ON) == []


# --- Senior care manager (PS IV.B.2.a) ------------------------------------------------------

@pytest.mark.parametrize("licence", ["RN", "NP", "LSW", "LCSW", "LICSW"])
def test_senior_care_manager_massachusetts_licence(licence):
    assert check_role("senior_care_manager", facts(licence), ON) == []


def test_senior_care_manager_licence_must_be_massachusetts():
    [problem] = check_role("senior_care_manager", facts("RN", state="NH"), ON)
    assert "Massachusetts" in problem


def test_senior_care_manager_expired_licence_refused():
    [problem] = check_role("senior_care_manager", facts("RN", expires=ON - timedelta(days=1)),
                           ON)
    assert "RN licence on file has expired" in problem


@pytest.mark.parametrize(("education", "years", "ok"), [
    ("master", "1.9", False), ("master", "2", True), ("doctorate", "2", True),
    ("bachelor", "10", False),
])
def test_senior_care_manager_masters_route(education, years, ok):
    problems = check_role("senior_care_manager",
                          facts(education=education, target_population_years=years), ON)
    assert (problems == []) is ok


# --- Family support staff (PS IV.B.4.a) -----------------------------------------------------

@pytest.mark.parametrize(("kw", "ok"), [
    ({"caregiver_of_special_needs_youth": True}, True),
    ({"certified_chw": True}, True),
    ({"education": "bachelor", "human_services_degree": True,
      "relevant_experience_years": "1"}, True),
    ({"education": "bachelor", "human_services_degree": True,
      "relevant_experience_years": "0.9"}, False),
    # IV.B.4.a.3: the bachelor's route counts years with the target population.
    ({"education": "bachelor", "human_services_degree": True,
      "target_population_years": "1"}, True),
    ({"education": "bachelor", "human_services_degree": True,
      "target_population_years": "0.9", "relevant_experience_years": "0.9"}, False),
    ({"education": "bachelor", "human_services_degree": False,
      "target_population_years": "5"}, False),
    ({"education": "associate", "human_services_degree": True,
      "relevant_experience_years": "1"}, True),
    ({"education": "associate", "human_services_degree": False,
      "relevant_experience_years": "1"}, False),
    ({"education": "high_school", "relevant_experience_years": "1.9"}, False),
    ({"education": "high_school", "relevant_experience_years": "2"}, True),
    ({"education": "none", "relevant_experience_years": "5"}, False),
])
def test_family_support_routes(kw, ok):
    assert (check_role("family_support", facts(**kw), ON) == []) is ok


def test_family_support_current_chw_credential_counts_but_expired_does_not():
    assert check_role("family_support", facts("CHW"), ON) == []
    assert check_role("family_support", facts("CHW", expires=ON - timedelta(days=1)), ON)


# --- Senior medical professional (PS IV.A.2) ------------------------------------------------

@pytest.mark.parametrize(("licence", "ok"), [("MD", True), ("DO", True), ("NP", True),
                                             ("PA", True), ("RN", False), ("LICSW", False)])
def test_senior_medical_professional(licence, ok):
    assert (check_role("senior_medical_professional", facts(licence), ON) == []) is ok


# --- Backup staff (PS IV.A.4) ---------------------------------------------------------------

def test_backup_must_meet_the_role_itself():
    problems = check_backup("care_coordinator", facts(education="associate",
                                                      target_population_years="1"), ON,
                            covered_name="Linh Pham")
    assert problems == [
        "Backup care coordinator for Linh Pham (PS IV.A.4, PS IV.B.3.a): with an associate's "
        "degree needs at least 2 years of relevant experience with the target population "
        "(has 1; 1 more needed)"]


@pytest.mark.parametrize(("role", "backup", "ok"), [
    # Compared with what the position requires, whoever holds it (PS IV.A.4).
    ("senior_medical_professional", facts("MD"), True),
    ("senior_medical_professional", facts("DO"), True),
    ("senior_medical_professional", facts("PA"), True),
    ("senior_medical_professional", facts("RN"), False),
    ("senior_care_manager", facts("LSW"), True),
    ("senior_care_manager", facts("RN"), True),
    ("senior_care_manager", facts(education="master", target_population_years=3), True),
    ("senior_care_manager", facts("RN", state="NH"), False),
    ("care_coordinator", facts(education="bachelor", target_population_years=1), True),
    ("care_coordinator", facts("RN", education="bachelor"), False),
])
def test_backup_passes_the_positions_own_check(role, backup, ok):
    problems = check_backup(role, backup, ON, covered_name="Rosa Almeida")
    assert (problems == []) is ok
    assert problems == [p.replace(f"{Role(role).label} (", f"Backup {Role(role).label.lower()} "
                                  "for Rosa Almeida (PS IV.A.4, ", 1)
                        for p in check_role(role, backup, ON)]


def test_an_md_may_cover_an_np_senior_medical_professional():
    """The colleague's own NP licence sets no bar: the position needs MD, DO, NP or PA."""
    np_colleague = facts("NP")
    assert check_role("senior_medical_professional", np_colleague, ON) == []
    assert check_roles(facts("MD"), [RoleClaim("senior_medical_professional", is_backup=True,
                                               covered_name="Priya")], ON) == []


def test_an_unlicensed_qualified_coordinator_may_cover_one_who_is_an_rn():
    """A backup is checked against the position only (the claim names the colleague, Rosa,
    an RN, and carries nothing else of hers)."""
    unlicensed = facts(education="bachelor", target_population_years="1")
    assert check_roles(unlicensed, [RoleClaim("care_coordinator", is_backup=True,
                                              covered_name="Rosa")], ON) == []


def test_masters_backup_may_cover_a_licensed_senior_care_manager():
    backup = facts(education="master", target_population_years=3)
    assert check_backup("senior_care_manager", backup, ON, covered_name="Rosa") == []


def test_an_expired_licence_of_the_backup_never_counts():
    [problem] = check_backup("senior_medical_professional",
                             facts("MD", expires=ON - timedelta(days=1)), ON)
    assert problem.startswith("Backup senior medical professional (PS IV.A.4, PS IV.A.2):")
    assert "the MD licence on file has expired" in problem


# --- Properties -----------------------------------------------------------------------------

years = st.decimals(min_value=0, max_value=40, places=1)


@given(education=st.sampled_from(["none", "high_school", "associate", "bachelor", "master"]),
       target=years, more=years)
def test_more_experience_never_disqualifies_a_care_coordinator(education, target, more):
    before = check_role("care_coordinator",
                        StaffFacts(education=education, target_population_years=target), ON)
    after = check_role("care_coordinator", StaffFacts(
        education=education, target_population_years=target + more), ON)
    assert not (before == [] and after != [])


@given(days=st.integers(min_value=-400, max_value=400))
def test_licence_counts_exactly_until_its_expiry_date(days):
    expires = ON + timedelta(days=days)
    problems = check_role("senior_medical_professional", facts("NP", expires=expires), ON)
    assert (problems == []) is (expires >= ON)
