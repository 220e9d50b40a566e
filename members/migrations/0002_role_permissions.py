"""Give the role groups their member permissions (cares.base.access.ROLE_PERMISSIONS)."""

from django.db import migrations

from cares.base.access import sync_role_groups_migration


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("staff", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups_migration, migrations.RunPython.noop)]
