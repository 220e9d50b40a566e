from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "cares.program.fhir"
    label = "fhir"
    verbose_name = "FHIR R4 export"
    default_auto_field = "django.db.models.BigAutoField"
