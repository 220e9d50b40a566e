"""What the staff app listens to, connected in ``StaffConfig.ready``: role groups re-synced
after every migrate, access changes followed and audited (``cares.base.staff.signals``), and
sign-in, sign-out and failed sign-ins kept in the session and the audit log."""

from __future__ import annotations

from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_migrate

from cares.base import sessions
from cares.base.access import sync_role_groups
from cares.base.staff import signals as access_signals


def on_post_migrate(sender, **kwargs) -> None:
    sync_role_groups()


def connect() -> None:
    # Also after a test database flush, which re-creates permissions but not groups.
    # Not limited to this app: other apps' permissions exist only after their migrations.
    post_migrate.connect(on_post_migrate, dispatch_uid="cares.base.staff.sync_role_groups")
    access_signals.connect()  # groups follow roles, access changes audited (every path)
    auth_signals.user_logged_in.connect(sessions.on_signed_in, dispatch_uid="cares.signed_in")
    auth_signals.user_logged_out.connect(sessions.on_signed_out,
                                         dispatch_uid="cares.signed_out")
    auth_signals.user_login_failed.connect(sessions.on_sign_in_failed,
                                           dispatch_uid="cares.sign_in_failed")
