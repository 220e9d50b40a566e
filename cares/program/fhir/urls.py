from django.urls import path

from cares.program.fhir import views

app_name = "fhir"

urlpatterns = [
    path("Patient/<int:pk>/$everything", views.everything_view, name="everything"),
]
