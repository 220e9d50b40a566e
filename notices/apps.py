from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_shipped_templates(sender, **kwargs):
    """After migrate, and after a test database flush, which empties the table the data
    migration filled: the shipped letter templates for any kind and language without one."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from notices.models import LetterTemplate

    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    if using != DEFAULT_DB_ALIAS or LetterTemplate._meta.db_table not in \
            connections[using].introspection.table_names():
        return  # another database, or notices migrated back to zero
    from notices.services import shipped_templates_install

    shipped_templates_install()


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import worker_process_init

        from notices import (
            checks,  # noqa: F401 (registers the system check)
            receivers,
        )

        receivers.connect()  # cares.base.events: letters owed by an enrollment or termination

        post_migrate.connect(_install_shipped_templates, sender=self,
                             dispatch_uid="notices.shipped_templates")

        # Workers render letters: each prefork worker process loads WeasyPrint and the fonts
        # when it starts, so each render's child process starts warm (cares.base.pdf.warm_up). A
        # solo worker and the web process do it lazily, at their first render.
        worker_process_init.connect(_warm_pdf, dispatch_uid="notices.warm_pdf")


def _warm_pdf(**kwargs):
    from cares.base.pdf import warm_up
    from notices.rendering import STYLESHEETS

    warm_up(STYLESHEETS)
