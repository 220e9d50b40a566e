from django.urls import path

from cares.program.dashboards import outcome_views, views

app_name = "dashboards"

urlpatterns = [
    path("worklist/", views.worklist_view, name="worklist"),
    path("dashboard/", views.program_view, name="program"),
    path("dashboard/deadlines/", views.deadlines_view, name="deadlines"),
    path("dashboard/members/", views.members_view, name="members"),
    # PS VII.B (issue 18): the lists behind the outcomes section.
    path("dashboard/outcomes/stays/", outcome_views.stays_view, name="outcome_stays"),
    path("dashboard/outcomes/goals/", outcome_views.goals_view, name="outcome_goals"),
    path("dashboard/outcomes/contacts/", outcome_views.contacts_view, name="outcome_contacts"),
]
