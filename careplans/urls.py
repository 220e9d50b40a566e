"""Assessment and care plan URLs. Every page of a member is under ``members/<int:pk>/`` (so
the URL-walking access tests cover it); the responders' page is the one public URL."""

from django.urls import path

from careplans.views import assessments, copies, emergency, outcomes, plans

app_name = "careplans"

M = "members/<int:pk>/"
PLAN = M + "care-plans/<int:plan_id>/"
ASSESSMENT = M + "assessments/<int:assessment_id>/"

urlpatterns = [
    path(M + "care-plan/", plans.overview_view, name="overview"),
    path(M + "assessments/new/", assessments.assessment_new_view, name="assessment_new"),
    path(ASSESSMENT, assessments.assessment_view, name="assessment"),
    path(ASSESSMENT + "edit/", assessments.assessment_edit_view, name="assessment_edit"),
    path(ASSESSMENT + "complete/", assessments.assessment_complete_view,
         name="assessment_complete"),
    path(M + "care-plans/new/", plans.plan_new_view, name="plan_new"),
    path(PLAN, plans.plan_view, name="plan"),
    path(PLAN + "meeting/", plans.plan_meeting_view, name="plan_meeting"),
    path(PLAN + "team/", plans.plan_team_view, name="plan_team"),
    path(PLAN + "summary/", plans.plan_summary_view, name="plan_summary"),
    path(PLAN + "goals/", plans.plan_goals_view, name="plan_goals"),
    path(PLAN + "action-steps/", plans.plan_steps_view, name="plan_steps"),
    path(PLAN + "transitions/", plans.plan_transitions_view, name="plan_transitions"),
    path(PLAN + "emergency/", plans.plan_emergency_view, name="plan_emergency"),
    path(PLAN + "finalize/", plans.plan_finalize_view, name="plan_finalize"),
    path(PLAN + "share/", copies.plan_share_view, name="plan_share"),
    path(PLAN + "deliveries/new/", copies.plan_delivery_view, name="plan_delivery"),
    path(PLAN + "copies/new/", copies.plan_copy_view, name="plan_copy"),
    path(PLAN + "translations/new/", copies.plan_translation_view, name="plan_translation"),
    # PS VII.B: what became of a goal of a finalized (or superseded) version.
    path(M + "goals/<int:goal_id>/outcome/", outcomes.goal_outcome_view, name="goal_outcome"),
    path(M + "emergency-plan/", emergency.emergency_view, name="emergency"),
    path(M + "emergency-plan/pdf/", emergency.emergency_pdf_view, name="emergency_pdf"),
    path(M + "emergency-plan/links/new/", emergency.link_new_view, name="link_new"),
    path(M + "emergency-plan/links/<int:link_id>/revoke/", emergency.link_revoke_view,
         name="link_revoke"),
    # Public: the responders' read-only emergency plan (a long random token, revocable).
    path("emergency/<str:token>/", emergency.responder_view, name="responder"),
]
