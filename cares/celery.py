"""The Celery application. Periodic work is scheduled with django-celery-beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cares.settings")

app = Celery("cares")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="cares.ping")
def ping() -> str:
    """A no-op round trip that proves a worker is consuming from the broker."""
    return "pong"
