"""The worklist and the program dashboard read the stored deadlines; this proxy of
``deadlines.Deadline`` adds no table and carries their permissions (granted to roles in
``cares.base.access.ROLE_PERMISSIONS``)."""

from __future__ import annotations

from cares.deadlines.models import Deadline


class ComplianceDeadline(Deadline):
    class Meta:
        proxy = True
        ordering = ["due", "pk"]
        default_permissions = ()
        permissions = [
            ("view_worklist", "Can open their own worklist (their care teams' deadlines)"),
            ("view_program_dashboard", "Can see the program compliance dashboard"),
        ]
