from django.contrib import admin

from cares.base.documents.models import Document
from cares.base.toolkit import ReadOnlyAdmin


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Metadata only: the file itself is served by the access-checked download view."""

    list_display = ["pk", "kind", "member_id", "size", "created_at"]
    list_filter = ["kind"]
    fields = readonly_fields = ["member", "kind", "title", "content_type", "size", "sha256",
                                "created_at", "created_by"]
