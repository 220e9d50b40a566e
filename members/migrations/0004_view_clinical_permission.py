from django.db import migrations

from cares.base.access import sync_role_groups_migration


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_break_glass_permission"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["legal_last_name", "legal_first_name", "pk"],
                "permissions": [
                    ("view_all_members", "Can see every member, not only their care teams'"),
                    ("manage_members", "Can refer, evaluate, enroll and remove members"),
                    ("break_glass",
                     "Can open a member outside their care team, giving a reason"),
                    ("view_clinical", "Can see clinical detail"),
                ],
                "verbose_name": "member",
                "verbose_name_plural": "members",
            },
        ),
        migrations.RunPython(sync_role_groups_migration, migrations.RunPython.noop),
    ]
