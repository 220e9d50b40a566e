from django.apps import AppConfig


class CareplansConfig(AppConfig):
    name = "careplans"
    verbose_name = "Assessments and care plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now (Django's AppConfig.ready): answer the questions the
        # floors below ask through cares.base.events.
        from careplans import receivers

        receivers.connect()
