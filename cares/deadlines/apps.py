from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "cares.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now (Django's AppConfig.ready): subscribe to cares.base.events.
        from cares.deadlines import receivers

        receivers.connect()
