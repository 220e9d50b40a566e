from django.urls import path

from cares.base.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list_view, name="list"),
    path("new/", views.staff_edit_view, name="create"),
    path("<int:pk>/", views.staff_detail_view, name="detail"),
    path("<int:pk>/edit/", views.staff_edit_view, name="edit"),
    path("<int:pk>/enrollment-link/", views.staff_enrollment_link_view,
         name="enrollment_link"),
    path("program/", views.program_settings_view, name="program_settings"),
]
