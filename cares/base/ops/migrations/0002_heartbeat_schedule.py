"""Beat's heartbeat on beat's own schedule (django-celery-beat): every minute. A heartbeat that
waited in the broker longer than a minute is dropped (the next one follows), so a worker back
from an outage does not run a backlog of them."""

from django.db import migrations

NAME = "Beat heartbeat"


def install(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = Interval.objects.get_or_create(every=60, period="seconds")
    Task.objects.update_or_create(name=NAME, defaults={
        "task": "cares.heartbeat", "interval": every_minute, "crontab": None,
        "expire_seconds": 60, "enabled": True})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
