from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cares.base.documents.models import Document


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    """Metadata only: the file itself is served by the access-checked download view."""

    list_display = ["pk", "kind", "member_id", "size", "created_at"]
    list_filter = ["kind"]
    fields = readonly_fields = ["member", "kind", "title", "content_type", "size", "sha256",
                                "created_at", "created_by"]

    def has_add_permission(self, request):
        return False
