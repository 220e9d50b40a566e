"""Boundary tests for every PS IV.B qualification rule and PS IV.A.4 backup licensure."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cares.staff.qualifications import (
    CredentialFacts,
    StaffFacts,
    check_backup,
    check_role,
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
                                                    relevant_experience_years=years), ON)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("Care coordinator (PS IV.B.3.a):")


def test_care_coordinator_refusal_names_what_is_missing():
    [problem] = check_role("care_coordinator",
                           facts(education="associate", relevant_experience_years="1.9"), ON)
    assert "an associate's degree" in problem
    assert "at least 2 years" in problem
    assert "has 1.9" in problem


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
                                                      relevant_experience_years="1"), ON)
    assert problems and "Care coordinator" in problems[0]


@pytest.mark.parametrize(("backup", "covered", "ok"), [
    ("RN", "RN", True), ("NP", "RN", True), ("LSW", "RN", False),
    ("LICSW", "LSW", True), ("LSW", "LICSW", False), ("RN", "NP", False),
])
def test_backup_licensure_equal_or_greater_than_covered_colleague(backup, covered, ok):
    problems = check_backup("senior_care_manager", facts(backup), ON,
                            covered=facts(covered), covered_name="Rosa Almeida")
    assert (problems == []) is ok
    if not ok:
        assert "Rosa Almeida" in problems[-1]
        assert f"their {covered} licence" in problems[-1]


def test_masters_backup_cannot_cover_a_licensed_colleague():
    backup = facts(education="master", target_population_years=3)
    assert check_role("senior_care_manager", backup, ON) == []
    problems = check_backup("senior_care_manager", backup, ON, covered=facts("RN"))
    assert len(problems) == 1 and "PS IV.A.4" in problems[0]


def test_expired_licence_of_the_covered_colleague_sets_no_bar():
    problems = check_backup("senior_care_manager", facts("LSW"), ON,
                            covered=facts("RN", expires=ON - timedelta(days=1)))
    assert problems == []


# --- Properties -----------------------------------------------------------------------------

years = st.decimals(min_value=0, max_value=40, places=1)


@given(education=st.sampled_from(["none", "high_school", "associate", "bachelor", "master"]),
       relevant=years, more=years)
def test_more_experience_never_disqualifies_a_care_coordinator(education, relevant, more):
    before = check_role("care_coordinator",
                        StaffFacts(education=education, relevant_experience_years=relevant), ON)
    after = check_role("care_coordinator", StaffFacts(
        education=education, relevant_experience_years=relevant + more), ON)
    assert not (before == [] and after != [])


@given(days=st.integers(min_value=-400, max_value=400))
def test_licence_counts_exactly_until_its_expiry_date(days):
    expires = ON + timedelta(days=days)
    problems = check_role("senior_medical_professional", facts("NP", expires=expires), ON)
    assert (problems == []) is (expires >= ON)
