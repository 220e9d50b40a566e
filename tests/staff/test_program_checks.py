"""Program checks PS IV.A.2-3, IV.B.2.a.2, IV.B.1.a over the stored staff."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cares.base.staff.selectors import program_check_results
from tests.factories import CredentialFactory, make_director, make_staff

pytestmark = pytest.mark.django_db


def by_key():
    return {c.key: c for c in program_check_results()}


def test_empty_program_fails_every_check():
    checks = by_key()
    assert set(checks) == {"rn_and_social_worker", "senior_care_manager_licensed",
                           "senior_medical_professional", "program_director_qualified"}
    assert not any(c.ok for c in checks.values())
    assert checks["program_director_qualified"].detail == "No active program director."


def test_full_program_passes_every_check():
    make_director()
    make_staff("senior_care_manager", credentials=("RN",))
    make_staff("senior_care_manager", credentials=("LICSW",))
    make_staff("senior_medical_professional", credentials=("NP",))
    checks = by_key()
    assert all(c.ok for c in checks.values()), [c.detail for c in checks.values()]
    assert checks["rn_and_social_worker"].citation == "PS IV.A.3"


def test_expired_licence_no_longer_counts():
    make_staff("senior_care_manager", credentials=("LICSW",))
    nurse = make_staff("senior_care_manager")
    CredentialFactory(staff=nurse, type="RN",
                      expires=timezone.localdate() - timedelta(days=1))
    checks = by_key()
    assert not checks["rn_and_social_worker"].ok
    assert "Registered nurses: none" in checks["rn_and_social_worker"].detail


def test_inactive_staff_do_not_count():
    make_staff("senior_medical_professional", credentials=("MD",), active=False)
    assert not by_key()["senior_medical_professional"].ok


def test_unqualified_director_detail_names_the_gap():
    make_staff("program_director", credentials=("MD",), clinical_experience_years=Decimal(3),
               target_population_years=Decimal(3), admin_experience_years=Decimal(1))
    check = by_key()["program_director_qualified"]
    assert not check.ok
    assert "5 years of clinical experience (has 3)" in check.detail


def test_master_route_senior_care_manager_does_not_satisfy_the_licensed_check():
    make_staff("senior_care_manager", education="master", target_population_years=Decimal(3))
    assert not by_key()["senior_care_manager_licensed"].ok
