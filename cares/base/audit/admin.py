"""The audit log in the admin: read-only for those allowed to view it; nobody can add,
change or delete events here."""

from django.contrib import admin

from cares.base.audit.models import AuditEvent
from cares.base.toolkit import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "priority", "member_id", "object_type",
                    "object_id", "client_address"]
    list_filter = ["action", "priority"]
    search_fields = ["object_id", "member__id", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    actions = None
