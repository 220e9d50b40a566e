from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "cares.base.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cares.base.ops.logs import connect_signals

        connect_signals()
