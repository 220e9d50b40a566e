"""The periodic schedule (django-celery-beat), installed here so it is reviewed with the code:
the nightly deadline sweep and the daily reminders, in the program's time zone."""

from django.db import migrations

SCHEDULE = [
    ("Nightly deadline sweep", "cares.refresh_deadlines", "15", "2"),
    ("Daily reminders and escalations", "cares.send_reminders", "30", "6"),
]


def install(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in SCHEDULE:
        crontab, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="America/New_York")
        Task.objects.update_or_create(name=name, defaults={
            "task": task, "crontab": crontab, "enabled": True})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_ in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
