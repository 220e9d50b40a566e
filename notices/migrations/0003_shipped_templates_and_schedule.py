"""The shipped letter templates and the letters' periodic work.

Templates: English enrollment and termination letters, approved; drafts in Spanish,
Portuguese, Haitian Creole, Vietnamese and Chinese (simplified and traditional), which are
*not* approved: each needs a qualified translator's review and the program director's
approval (Letter templates page) before a family receives it. Until then those families get
the English letter and staff see the gap. The wording lives in templates/letters/shipped/.

Schedule (django-celery-beat, in the program's time zone): the nightly sweep that drafts any
missing letter, and the weekday mailing batch the office prints each morning.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SHIPPED = Path(settings.BASE_DIR) / "templates" / "letters" / "shipped"
DRAFT_NOTE = ("Draft translation shipped with CARES Kids: needs a qualified translator's "
              "review and approval before any family receives it.")
SCHEDULE = [
    ("Draft missing letters", "notices.draft_missing_letters", "45", "2", "*"),
    ("Daily certified mailing batch", "notices.mailing_batch", "0", "7", "1-5"),
]


def install(apps, schema_editor):
    Template = apps.get_model("notices", "LetterTemplate")
    reasons = json.loads((SHIPPED / "reasons.json").read_text(encoding="utf-8"))
    now = timezone.now()
    for path in sorted(SHIPPED.glob("*.html")):
        kind, language = path.stem.split(".", 1)
        if Template.objects.filter(kind=kind, language=language).exists():
            continue
        english = language == "en"
        Template.objects.create(
            kind=kind, language=language, version=1,
            body=path.read_text(encoding="utf-8"),
            reasons=reasons.get(language, {}) if kind == "termination" else {},
            note="Shipped with CARES Kids." if english else DRAFT_NOTE,
            approved_at=now if english else None)
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, days in SCHEDULE:
        crontab, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=days, day_of_month="*", month_of_year="*",
            timezone="America/New_York")
        Task.objects.update_or_create(name=name, defaults={
            "task": task, "crontab": crontab, "enabled": True})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_ in SCHEDULE]).delete()
    apps.get_model("notices", "LetterTemplate").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_letters_delivery_templates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
