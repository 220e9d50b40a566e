from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now (Django's AppConfig.ready): the system check registers
        # itself, the tasks register with Celery (the services queue them by name,
        # notices.queue) and the receivers subscribe to cares.base.events and start-up signals.
        from notices import checks, receivers, tasks  # noqa: F401

        receivers.connect(self)
