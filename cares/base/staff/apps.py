from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, **kwargs):
    from cares.base.access import sync_role_groups

    sync_role_groups()


class StaffConfig(AppConfig):
    name = "cares.base.staff"
    label = "staff"
    verbose_name = "Staff and program"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Also after a test database flush, which re-creates permissions but not groups.
        # Not limited to this app: other apps' permissions exist only after their migrations.
        post_migrate.connect(_sync_role_groups, dispatch_uid="cares.base.staff.sync_role_groups")

        from django.contrib.auth import signals

        from cares.base import sessions
        from cares.base.staff import signals as access_signals

        access_signals.connect()  # groups follow roles, access changes audited (every path)

        signals.user_logged_in.connect(sessions.on_signed_in, dispatch_uid="cares.signed_in")
        signals.user_logged_out.connect(sessions.on_signed_out, dispatch_uid="cares.signed_out")
        signals.user_login_failed.connect(sessions.on_sign_in_failed,
                                          dispatch_uid="cares.sign_in_failed")
