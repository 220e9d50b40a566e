from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cares.program.dashboards"
    label = "dashboards"
    verbose_name = "Worklists and dashboards"
    default_auto_field = "django.db.models.BigAutoField"
