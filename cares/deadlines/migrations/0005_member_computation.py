# Issue 20: what each member's and staff member's stored deadlines were computed from, so the
# nightly sweep recomputes only what can have changed (cares/deadlines/computations.py). No rows
# at first: the first sweep after this migration recomputes everyone.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0004_new_rules"),
        ("members", "0014_quality"),
        ("staff", "0007_quality"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberComputation",
            fields=[
                ("computed_on", models.DateField()),
                ("wake_on", models.DateField(blank=True, null=True)),
                ("basis", models.CharField(max_length=64)),
                ("member", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name="+", serialize=False, to="members.member")),
            ],
            options={"abstract": False},
        ),
        migrations.CreateModel(
            name="StaffComputation",
            fields=[
                ("computed_on", models.DateField()),
                ("wake_on", models.DateField(blank=True, null=True)),
                ("basis", models.CharField(max_length=64)),
                ("staff", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name="+", serialize=False, to="staff.staffprofile")),
            ],
            options={"abstract": False},
        ),
    ]
