"""Letters and their proof are written by the services only (they are immutable once sent);
the admin shows them, with their history."""

from django.contrib import admin

from cares.base.toolkit import ReadOnlyAdmin
from notices.models import Letter, LetterDelivery, LetterTemplate, MailingBatch


class DeliveryInline(admin.TabularInline):
    model = LetterDelivery
    extra = 0
    can_delete = False
    fields = readonly_fields = ["channel", "recipient", "address", "email", "status",
                                "tracking_number", "sent_on", "batch"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["pk", "member_id", "kind", "language", "status", "sent_on", "created_at"]
    list_filter = ["kind", "status"]
    inlines = [DeliveryInline]
    fields = readonly_fields = [
        "member", "episode", "kind", "language", "status", "sent_on", "document",
        "english_template", "translated_template", "translation_gap", "letter_date",
        "released_on", "released_by", "finalized_at", "corrects", "correction_reason",
        "render_error", "created_at", "created_by"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ReadOnlyAdmin):
    """Edited and approved on the Letter templates page (versions, preview, approval)."""

    list_display = ["kind", "language", "version", "approved_at", "translator"]
    list_filter = ["kind", "language"]
    fields = readonly_fields = ["kind", "language", "version", "body", "css", "reasons", "note",
                                "created_at", "created_by", "approved_at", "approved_by",
                                "translator"]


@admin.register(MailingBatch)
class MailingBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "on", "pages", "created_at"]
    fields = readonly_fields = ["on", "pages", "size", "sha256", "created_at", "created_by"]
