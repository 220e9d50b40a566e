"""The dashboards' permissions (on a proxy of the stored deadlines: no table), given to the
role groups (cares.base.access.ROLE_PERMISSIONS)."""

from django.db import migrations

from cares.base.access import sync_role_groups_migration


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("deadlines", "0002_beat_schedule"),
        ("staff", "0002_role_groups"),
        ("members", "0004_view_clinical_permission"),
    ]

    operations = [
        migrations.CreateModel(
            name="ComplianceDeadline",
            fields=[],
            options={
                "ordering": ["due", "pk"],
                "default_permissions": (),
                "permissions": [
                    ("view_worklist",
                     "Can open their own worklist (their care teams' deadlines)"),
                    ("view_program_dashboard", "Can see the program compliance dashboard"),
                ],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("deadlines.deadline",),
        ),
        migrations.RunPython(sync_role_groups_migration, migrations.RunPython.noop),
    ]
