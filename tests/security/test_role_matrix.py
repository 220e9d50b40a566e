"""Each role against each page (GET), with the status it must get. The pages come from the
URL resolver and every one of them must have a row here, so a new view cannot be added
without deciding who may open it.

The member is enrolled; the care coordinator ("coordinator") and the family support staff
member ("family") are on its care team, the other care coordinator ("outsider") is not.
Nested ids are records of that member.

The Django admin is covered by a few representative rows: only the program director's role
may use it (``cares.base.access.ADMIN_ROLES``: ``is_staff``), everyone else is sent to its login,
which redirects to the one sign-in page; model permissions inside the admin are tested in
tests/staff/test_admin.py and tests/security/test_audit.py.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import sign_in
from tests.security.world import ROLES, World, app_routes, build_world, fill, url_for
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

#                                           director manager coordinator outsider family medical nobody  # noqa: E501
EXPECTED_TABLE = """
home                                        302 302 302 302 302 302 200
healthz                                     200 200 200 200 200 200 200
health_live                                 200 200 200 200 200 200 200
health_ready                                503 503 503 503 503 503 503
login                                       302 302 302 302 302 302 302
two_factor                                  302 302 302 302 302 302 302
enroll                                      302 302 302 302 302 302 302
logout                                      405 405 405 405 405 405 405
password_change                             200 200 200 200 200 200 200
password_change_done                        200 200 200 200 200 200 200
session                                     200 200 200 200 200 200 200
staff:list                                  200 403 403 403 403 403 403
staff:create                                200 403 403 403 403 403 403
staff:detail                                200 403 403 403 403 403 403
staff:edit                                  200 403 403 403 403 403 403
staff:enrollment_link                       405 403 403 403 403 403 403
staff:program_settings                      200 403 403 403 403 403 403
members:list                                200 200 200 200 200 403 403
members:intake                              200 200 200 200 403 403 403
members:detail                              200 200 200 404 200 404 404
members:edit                                200 200 200 404 403 404 404
members:eligibility                         200 200 200 404 403 404 404
members:consent                             200 200 200 404 403 404 404
members:enroll                              200 200 200 404 403 404 404
members:care_team                           200 200 200 404 403 404 404
members:removal                             200 200 200 404 403 404 404
members:aftercare                           200 200 200 404 403 404 404
members:terminate                           200 200 200 404 403 404 404
members:close                               200 200 200 404 403 404 404
members:refer                               200 200 200 404 403 404 404
members:guardian_add                        200 200 200 404 403 404 404
members:guardian_edit                       200 200 200 404 403 404 404
members:contact_add                         200 200 200 404 403 404 404
members:contact_remove                      405 405 405 404 403 404 404
members:release_add                         200 200 200 404 403 404 404
members:release_revoke                      405 405 405 404 403 404 404
document_download                           200 200 200 404 200 404 404
fhir:everything                             200 200 200 404 200 404 404
members:referrals                           200 200 200 200 200 403 403
members:referral_add                        200 200 200 404 403 404 404
members:referral_detail                     200 200 200 404 200 404 404
members:referral_edit                       200 200 200 404 403 404 404
members:referral_status                     200 200 200 404 403 404 404
members:referral_follow_up                  200 200 200 404 403 404 404
members:referral_exception                  200 200 200 404 403 404 404
members:referral_inquiry                    200 200 200 404 403 404 404
members:referral_notice                     200 200 200 404 403 404 404
members:inquiry_answer                      200 200 200 404 403 404 404
members:monitoring_add                      200 200 200 404 403 404 404
members:monitoring_icp                      200 200 200 404 403 404 404
members:transition_plan                     200 200 200 404 403 404 404
members:stay_add                            200 200 200 404 403 404 404
members:stay_detail                         200 200 200 404 200 404 404
members:stay_discharge                      200 200 200 404 403 404 404
members:stay_follow_up                      200 200 200 404 403 404 404
members:stay_reassessment                   200 200 200 404 403 404 404
members:contact_record                      200 200 200 404 403 404 404
members:on_call_add                         200 200 200 404 403 404 404
members:case_review_add                     200 200 200 404 403 404 404
members:consult_add                         200 200 200 404 403 404 404
members:consult_response                    200 200 200 404 403 404 404
members:consult_answer                      404 404 404 404 404 200 404
members:consultations                       403 403 403 403 403 200 403
letters:new                                 200 200 200 404 403 404 404
letters:detail                              200 200 200 404 200 404 404
letters:refresh                             405 405 405 404 403 404 404
letters:send                                200 200 200 404 403 404 404
letters:mailed                              200 200 200 404 403 404 404
letters:correct                             200 200 200 404 403 404 404
letters:retry_email                         405 405 405 404 403 404 404
letters:templates                           200 403 403 403 403 403 403
letters:template                            200 403 403 403 403 403 403
letters:template_preview                    200 403 403 403 403 403 403
letters:template_live_preview               405 403 403 403 403 403 403
letters:template_open_preview               405 403 403 403 403 403 403
letters:template_approve                    405 403 403 403 403 403 403
letters:mailing                             200 200 403 403 403 403 403
letters:mailing_pdf                         404 404 403 403 403 403 403
careplans:overview                          200 200 200 404 200 404 404
careplans:assessment_new                    200 200 200 404 403 404 404
careplans:assessment                        200 200 200 404 200 404 404
careplans:assessment_edit                   200 200 200 404 403 404 404
careplans:assessment_complete               200 200 200 404 403 404 404
careplans:plan_new                          200 200 200 404 403 404 404
careplans:plan                              200 200 200 404 200 404 404
careplans:plan_meeting                      200 200 200 404 403 404 404
careplans:plan_team                         200 200 200 404 403 404 404
careplans:plan_summary                      200 200 200 404 403 404 404
careplans:plan_goals                        200 200 200 404 403 404 404
careplans:plan_steps                        200 200 200 404 403 404 404
careplans:plan_transitions                  200 200 200 404 403 404 404
careplans:plan_emergency                    200 200 200 404 403 404 404
careplans:plan_finalize                     200 200 200 404 403 404 404
careplans:plan_share                        200 200 200 404 403 404 404
careplans:plan_delivery                     200 200 200 404 403 404 404
careplans:plan_copy                         200 200 200 404 403 404 404
careplans:plan_translation                  200 200 200 404 403 404 404
careplans:emergency                         200 200 200 404 403 404 404
careplans:emergency_pdf                     405 405 405 404 403 404 404
careplans:link_new                          200 200 200 404 403 404 404
careplans:link_revoke                       405 405 405 404 403 404 404
careplans:responder                         404 404 404 404 404 404 404
careplans:goal_outcome                      200 200 200 404 403 404 404
directory:list                              200 200 200 200 200 403 403
directory:create                            200 200 200 200 403 403 403
directory:edit                              200 200 200 200 403 403 403
audit_log                                   200 403 403 403 403 403 403
break_glass                                 403 200 200 200 403 403 403
dashboards:worklist                         200 200 200 200 403 403 403
dashboards:program                          200 200 403 403 403 403 403
dashboards:deadlines                        200 200 403 403 403 403 403
dashboards:members                          200 200 403 403 403 403 403
dashboards:outcome_stays                    200 200 403 403 403 403 403
dashboards:outcome_goals                    200 200 403 403 403 403 403
dashboards:outcome_contacts                 200 200 403 403 403 403 403
coverage:index                              200 200 200 200 200 200 200
coverage:roster                             200 200 200 200 200 200 200
coverage:shift_add                          200 200 403 403 403 403 403
coverage:shift_edit                         200 200 403 403 403 403 403
coverage:shift_remove                       405 405 403 403 403 403 403
coverage:hours                              200 200 200 200 200 200 200
coverage:hours_add                          200 200 403 403 403 403 403
coverage:hours_remove                       405 405 403 403 403 403 403
quality:surveys                             200 200 403 403 403 403 403
quality:survey_add                          200 200 403 403 403 403 403
quality:survey                              200 200 403 403 403 403 403
quality:survey_edit                         200 200 403 403 403 403 403
quality:survey_response_add                 200 200 403 403 403 403 403
quality:survey_import                       200 200 403 403 403 403 403
quality:survey_export                       200 200 403 403 403 403 403
coverage:backup                             200 200 200 200 200 200 200
coverage:leave_add                          200 200 403 403 403 403 403
coverage:leave_remove                       405 405 403 403 403 403 403
coverage:backup_add                         200 200 403 403 403 403 403
coverage:backup_end                         405 405 403 403 403 403 403
quality:grievances                          200 200 403 403 403 403 403
quality:grievance_add                       200 200 403 403 403 403 403
quality:grievance                           200 200 403 403 403 403 403
quality:grievance_edit                      200 200 403 403 403 403 403
quality:grievance_acknowledge               405 405 403 403 403 403 403
quality:grievance_resolve                   405 405 403 403 403 403 403
quality:grievance_escalate                  405 405 403 403 403 403 403
coverage:supervision                        200 200 200 200 403 403 403
coverage:supervision_record                 200 200 403 403 403 403 403
coverage:supervision_remove                 405 405 403 403 403 403 403
quality:packets                             200 200 403 403 403 403 403
quality:packet_add                          200 200 403 403 403 403 403
quality:packet                              200 200 403 403 403 403 403
quality:packet_status                       200 200 403 403 403 403 403
quality:packet_download                     200 200 403 403 403 403 403
coverage:training                           200 200 200 200 403 403 403
coverage:training_record                    200 200 403 403 403 403 403
quality:requests                            200 200 403 403 403 403 403
quality:request_add                         200 200 403 403 403 403 403
quality:request                             200 200 403 403 403 403 403
quality:request_edit                        200 200 403 403 403 403 403
quality:request_withdraw                    405 405 403 403 403 403 403
quality:request_packets                     405 405 403 403 403 403 403
quality:request_answer                      200 200 403 403 403 403 403
quality:index                               200 200 403 403 403 403 403
admin/login/                                302 302 302 302 302 302 302
admin:index                                 200 302 302 302 302 302 302
admin:members_member_changelist             200 302 302 302 302 302 302
admin:members_member_change                 200 302 302 302 302 302 302
admin:audit_auditevent_changelist           200 302 302 302 302 302 302
admin:staff_user_changelist                 200 302 302 302 302 302 302
"""

# Parameters of the representative admin rows: which world attribute fills them.
ADMIN_VALUES = {"admin:members_member_change": {"object_id": "member"}}


def parse(table: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in table.strip().splitlines():
        key, *codes = line.split()
        assert len(codes) == len(ROLES), line
        assert key not in rows, f"{key} twice"
        rows[key] = dict(zip(ROLES, map(int, codes), strict=True))
    return rows


EXPECTED = parse(EXPECTED_TABLE)


def test_every_page_has_a_row_and_every_row_a_page():
    pages = {route.key for route in app_routes()}
    missing = pages - EXPECTED.keys()
    assert not missing, f"add a row for each new page to EXPECTED_TABLE: {sorted(missing)}"
    admin = {route.key for route in routes() if route.is_admin}
    stale = EXPECTED.keys() - pages - admin
    assert not stale, f"rows for pages that no longer exist: {sorted(stale)}"


def url(key: str, world: World) -> str:
    route = next(r for r in routes() if r.key == key)
    if route.is_admin:
        return fill(route, {p: getattr(world, a) for p, a in ADMIN_VALUES.get(key, {}).items()})
    return url_for(route, world)


@pytest.mark.parametrize("role", ROLES)
def test_role_gets_the_expected_status_on_every_page(role):
    world = build_world()
    client = sign_in(Client(), world.user(role))
    got = {key: client.get(url(key, world)).status_code for key in EXPECTED}
    expected = {key: codes[role] for key, codes in EXPECTED.items()}
    wrong = {key: f"expected {expected[key]}, got {got[key]}" for key in EXPECTED
             if got[key] != expected[key]}
    assert not wrong, wrong
