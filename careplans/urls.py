"""Assessment and care plan URLs. Every page of a member is under ``members/<int:pk>/`` (so
the URL-walking access tests cover it); the responders' page is the one public URL."""

from django.urls import path

from careplans import views

app_name = "careplans"

M = "members/<int:pk>/"
PLAN = M + "care-plans/<int:plan_id>/"
ASSESSMENT = M + "assessments/<int:assessment_id>/"

urlpatterns = [
    path(M + "care-plan/", views.overview_view, name="overview"),
    path(M + "assessments/new/", views.assessment_new_view, name="assessment_new"),
    path(ASSESSMENT, views.assessment_view, name="assessment"),
    path(ASSESSMENT + "edit/", views.assessment_edit_view, name="assessment_edit"),
    path(ASSESSMENT + "complete/", views.assessment_complete_view, name="assessment_complete"),
    path(M + "care-plans/new/", views.plan_new_view, name="plan_new"),
    path(PLAN, views.plan_view, name="plan"),
    path(PLAN + "meeting/", views.plan_meeting_view, name="plan_meeting"),
    path(PLAN + "team/", views.plan_team_view, name="plan_team"),
    path(PLAN + "summary/", views.plan_summary_view, name="plan_summary"),
    path(PLAN + "goals/", views.plan_goals_view, name="plan_goals"),
    path(PLAN + "action-steps/", views.plan_steps_view, name="plan_steps"),
    path(PLAN + "transitions/", views.plan_transitions_view, name="plan_transitions"),
    path(PLAN + "emergency/", views.plan_emergency_view, name="plan_emergency"),
    path(PLAN + "finalize/", views.plan_finalize_view, name="plan_finalize"),
    path(PLAN + "share/", views.plan_share_view, name="plan_share"),
    path(PLAN + "deliveries/new/", views.plan_delivery_view, name="plan_delivery"),
    path(PLAN + "copies/new/", views.plan_copy_view, name="plan_copy"),
    path(PLAN + "translations/new/", views.plan_translation_view, name="plan_translation"),
    path(M + "emergency-plan/", views.emergency_view, name="emergency"),
    path(M + "emergency-plan/pdf/", views.emergency_pdf_view, name="emergency_pdf"),
    path(M + "emergency-plan/links/new/", views.link_new_view, name="link_new"),
    path(M + "emergency-plan/links/<int:link_id>/revoke/", views.link_revoke_view,
         name="link_revoke"),
    # Public: the responders' read-only emergency plan (a long random token, revocable).
    path("emergency/<str:token>/", views.responder_view, name="responder"),
]
