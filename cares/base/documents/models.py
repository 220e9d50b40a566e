"""Stored documents of a member (letters, care plan copies): private storage, SHA-256 sealed.

Files live outside any public URL (``STORAGES["private"]``) and are served only by
``members.documents.document_download``, which checks access and the checksum.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A printed emergency card with a live responder link (bearer token): not for break-glass
# readers (``cares.base.access.may_download_responder_card``).
RESPONDER_CARD_KIND = "emergency_card"
# What a download's file name may be made of: the kind (a code) and a care plan copy's version
# and language tag from its title (both set by the application, never typed by a user).
SAFE_KIND = re.compile(r"[a-z][a-z_]{0,39}")
ICP_TITLE = re.compile(r"ICP v(\d{1,4}) \(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3})[,)]")
EMERGENCY_TITLE = re.compile(r"Emergency plan \(ICP v\d{1,4}, "
                             r"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3})\)")


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
        """A meaningful file name without PHI (no member name or identifier): what the
        document is and the day it was made, e.g. ``enrollment-letter-2026-12-03.pdf``,
        ``icp-v2-es-2026-12-03.pdf``, ``emergency-plan-2026-12-03.pdf``."""
        extension = {"application/pdf": "pdf"}.get(self.content_type, "bin")
        if not SAFE_KIND.fullmatch(self.kind or ""):
            return f"cares-document-{self.pk}.{extension}"
        made_on = timezone.localdate(self.created_at).isoformat()
        what = self.kind.replace("_", "-")
        copy = ICP_TITLE.match(self.title or "")
        if self.kind.startswith("care_plan") and copy:  # "ICP v2 (es)", "ICP v2 (es, ...)"
            version, language = copy.group(1), copy.group(2).lower()
            what = f"icp-v{version}-{language}" + ("-translation" if "translation" in self.kind
                                                   else "")
        plan = EMERGENCY_TITLE.match(self.title or "")
        if self.kind.startswith("emergency") and plan and plan.group(1).lower() != "en":
            what = f"{what}-{plan.group(1).lower()}"  # "Emergency plan (ICP v2, es)"
        return f"{what}-{made_on}.{extension}"
