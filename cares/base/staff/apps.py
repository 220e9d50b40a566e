from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "cares.base.staff"
    label = "staff"
    verbose_name = "Staff and program"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cares.base.staff import receivers  # imports the models: only once they are loaded

        receivers.connect()
