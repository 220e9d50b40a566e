from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Models are loaded only now (Django's AppConfig.ready): answer the questions the
        # base asks through cares.base.events (medical training on the staff page).
        from members.coverage import receivers  # noqa: F401
