"""Stored documents of a member (letters, care plan copies): private storage, SHA-256 sealed.

Files live outside any public URL (``STORAGES["private"]``) and are served only by
``members.documents.document_download``, which checks access and the checksum.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A printed emergency card with a live responder link (bearer token): not for break-glass
# readers (``cares.base.access.may_download_responder_card``).
RESPONDER_CARD_KIND = "emergency_card"


def private_storage():
    return storages["private"]


class Document(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="documents")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def download_name(self) -> str:
        """A generic file name: no member name or identifier in it."""
        extension = {"application/pdf": "pdf"}.get(self.content_type, "bin")
        return f"cares-document-{self.pk}.{extension}"
