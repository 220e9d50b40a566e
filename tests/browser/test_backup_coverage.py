"""The program director records a coordinator's leave and a colleague's backup coverage
(PS IV.A.4); the backup then finds the covered caseload, and a backup who would not qualify is
refused in words with nothing saved."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cares.base.staff.models import Role
from members.models import BackupCoverage, CareTeamMember, StaffLeave
from tests.factories import PASSWORD, MemberFactory, make_director, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_director_records_leave_and_backup_and_the_backup_sees_the_caseload(
        page, sign_in, artifacts_dir):
    director = make_director()
    away = make_staff(Role.CARE_COORDINATOR)
    backup = make_staff(Role.CARE_COORDINATOR)
    # Qualified as family support staff (a caregiver of a youth with special needs), not as a
    # care coordinator (a high-school diploma needs 3 years with the target population).
    family = make_staff(Role.FAMILY_SUPPORT, education="high_school",
                        target_population_years=1, caregiver_of_special_needs_youth=True)
    member = MemberFactory(legal_first_name="Avery", legal_last_name="Covered")
    CareTeamMember.objects.create(member=member, staff=away, role=Role.CARE_COORDINATOR,
                                  since=date(2026, 1, 5))
    now = timezone.now().replace(second=0, microsecond=0)

    sign_in(director.user.email, PASSWORD)
    page.goto("/coverage/")
    page.get_by_role("link", name=re.compile("Leave and backup coverage")).click()
    page.get_by_role("link", name=re.compile("Record leave")).click()
    page.locator("#id_staff").select_option(str(away.pk))
    page.locator("#id_starts_at").fill(local(now - timedelta(hours=1)))
    page.locator("#id_ends_at").fill(local(now - timedelta(hours=2)))  # reversed: refused
    page.locator("#id_reason").select_option("vacation")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    assert not StaffLeave.objects.exists()
    page.locator("#id_ends_at").fill(local(now + timedelta(days=3)))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Leave recorded.")).to_be_visible()
    assert StaffLeave.objects.filter(staff=away).count() == 1

    page.get_by_role("link", name=re.compile("Add backup coverage")).click()
    page.locator("#pick-covered").select_option(str(away.pk))
    page.get_by_role("button", name="Show their caseload and leave").click()
    expect(page.get_by_text("Avery Covered")).to_be_visible()
    form = page.locator("#cover-form")
    form.locator("#id_role").select_option(Role.CARE_COORDINATOR)
    # They may back up family support staff, not a care coordinator: the position's full
    # check refuses them, in words, and nothing is saved.
    form.locator("#id_backup").select_option(str(family.pk))
    form.locator("#id_starts_at").fill(local(now - timedelta(minutes=30)))
    form.locator("#id_ends_at").fill(local(now + timedelta(days=3)))
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text("at least 3 years")
    expect(page.locator("#div_id_backup")).to_contain_text("at least 3 years")  # by the field
    page.screenshot(path=str(artifacts_dir / "backup-coverage-refused-1280.png"), full_page=True)
    assert not BackupCoverage.objects.exists()
    form = page.locator("#cover-form")
    form.locator("#id_backup").select_option(str(backup.pk))
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Backup coverage recorded.")).to_be_visible()
    assert BackupCoverage.objects.filter(covered=away, backup=backup).count() == 1
    page.screenshot(path=str(artifacts_dir / "backup-coverage-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "backup-coverage-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The backup opens the covered member's record while the coverage runs.
    page.context.clear_cookies()
    sign_in(backup.user.email, PASSWORD)
    page.goto(f"/members/{member.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Avery Covered"))).to_be_visible()

    # Ended early: the record is closed to the backup again.
    BackupCoverage.objects.filter(backup=backup).update(ends_at=timezone.now())
    response = page.goto(f"/members/{member.pk}/")
    assert response.status == 404
