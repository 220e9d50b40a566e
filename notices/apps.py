from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import worker_process_init

        from notices import checks  # noqa: F401 (registers the system check)

        # Workers render letters: each prefork worker process loads WeasyPrint and the fonts
        # when it starts, so each render's child process starts warm (cares.pdf.warm_up). A
        # solo worker and the web process do it lazily, at their first render.
        worker_process_init.connect(_warm_pdf, dispatch_uid="notices.warm_pdf")


def _warm_pdf(**kwargs):
    from cares.pdf import warm_up
    from notices.rendering import STYLESHEETS

    warm_up(STYLESHEETS)
