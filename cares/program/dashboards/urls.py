from django.urls import path

from cares.program.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("worklist/", views.worklist_view, name="worklist"),
    path("dashboard/", views.program_view, name="program"),
    path("dashboard/deadlines/", views.deadlines_view, name="deadlines"),
    path("dashboard/members/", views.members_view, name="members"),
]
