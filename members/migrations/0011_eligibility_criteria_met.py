"""Eligibility evaluations record, for each criterion considered, whether it was met and its
source (issue 16, item 14). Existing evaluations keep both empty: not recorded then."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0010_contacts_hospital_stays_benefits"),
    ]

    operations = [
        migrations.AddField(
            model_name="eligibilityevaluation",
            name="criteria_met",
            field=models.JSONField(blank=True, default=list, verbose_name="criteria met"),
        ),
        migrations.AddField(
            model_name="eligibilityevaluation",
            name="sources",
            field=models.JSONField(blank=True, default=dict, verbose_name="sources"),
        ),
        migrations.AddField(
            model_name="historicaleligibilityevaluation",
            name="criteria_met",
            field=models.JSONField(blank=True, default=list, verbose_name="criteria met"),
        ),
        migrations.AddField(
            model_name="historicaleligibilityevaluation",
            name="sources",
            field=models.JSONField(blank=True, default=dict, verbose_name="sources"),
        ),
    ]
