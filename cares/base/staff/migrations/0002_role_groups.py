"""One group per role, with its permissions (cares.base.access.ROLE_PERMISSIONS)."""

from django.db import migrations

from cares.base.access import ROLE_GROUPS, sync_role_groups_migration


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_role_groups_migration, remove_groups)]
