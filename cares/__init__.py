"""CARES Kids: program-level code (settings, URLs, the Celery app, staff)."""

from cares.celery import app as celery_app

__all__ = ["celery_app"]
