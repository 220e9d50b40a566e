# Issue 20: the dashboard's overdue reads (overdue by rule and age, overdue per caseload) are
# served by the index alone (an index-only scan on PostgreSQL, a covering index on SQLite).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0005_member_computation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(condition=models.Q(("status__in", ["open", "overdue"])),
                               fields=["status", "due", "rule", "member"],
                               name="deadline_open_covering"),
        ),
    ]
