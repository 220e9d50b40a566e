"""How ``notices`` hears from the floors below it (``cares.base.events``) and from Django and
Celery at start-up, connected in ``NoticesConfig.ready``."""

from __future__ import annotations

from celery.signals import worker_process_init
from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate

from cares.base import events
from cares.base.pdf import warm_up
from notices.models import LetterTemplate
from notices.rendering import STYLESHEETS
from notices.services import letter_draft_after_commit, shipped_templates_install


def on_letter_owed(sender, *, episode_id: int, kind: str, **kwargs) -> None:
    """PS VIII / IX.C: once the enrollment or termination commits, a worker drafts its letter
    (the nightly sweep drafts any that were missed)."""
    letter_draft_after_commit(episode_id=episode_id, kind=kind)


RECEIVERS = [(events.letter_owed, on_letter_owed)]


def install_shipped_templates(sender, **kwargs) -> None:
    """After migrate, and after a test database flush, which empties the table the data
    migration filled: the shipped letter templates for any kind and language without one."""
    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    if using != DEFAULT_DB_ALIAS or LetterTemplate._meta.db_table not in \
            connections[using].introspection.table_names():
        return  # another database, or notices migrated back to zero
    shipped_templates_install()


def warm_pdf(**kwargs) -> None:
    """Workers render letters: each prefork worker process loads WeasyPrint and the fonts when
    it starts, so each render's child process starts warm (``cares.base.pdf.warm_up``). A
    solo worker and the web process do it lazily, at their first render."""
    warm_up(STYLESHEETS)


def connect(app_config: AppConfig) -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"notices.{receiver.__name__}")
    post_migrate.connect(install_shipped_templates, sender=app_config,
                         dispatch_uid="notices.shipped_templates")
    worker_process_init.connect(warm_pdf, dispatch_uid="notices.warm_pdf")
