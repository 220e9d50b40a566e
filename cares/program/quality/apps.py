from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "cares.program.quality"
    label = "quality"
    verbose_name = "Quality management and audits"
    default_auto_field = "django.db.models.BigAutoField"
