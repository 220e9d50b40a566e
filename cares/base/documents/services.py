"""Storing and reading documents with an integrity check (45 CFR 164.312(c))."""

from __future__ import annotations

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from cares.base.audit.models import Action, Priority
from cares.base.audit.services import audit_change, audit_record
from cares.base.documents.models import Document


class DocumentIntegrityError(Exception):
    """A stored file no longer matches the checksum recorded when it was stored."""


@transaction.atomic
def document_store(*, member, kind: str, title: str, content: bytes,
                   content_type: str = "application/pdf", actor=None) -> Document:
    digest = hashlib.sha256(content).hexdigest()
    document = Document(member=member, kind=kind, title=title, content_type=content_type,
                        size=len(content), sha256=digest, created_by=actor)
    # A random storage name: neither the member nor the document kind shows on disk.
    document.file.save(f"{secrets.token_hex(16)}.bin", ContentFile(content), save=False)
    document.save()
    audit_change(action=Action.CREATE, obj=document, member=member, actor=actor)
    return document


def document_read(*, document: Document, actor=None) -> bytes:
    """The stored bytes, after checking them against the recorded SHA-256."""
    with document.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        audit_record(action=Action.DOWNLOAD, actor=actor, member=document.member_id,
                     obj=document, priority=Priority.HIGH,
                     detail={"integrity": "failed"})
        raise DocumentIntegrityError(f"document {document.pk} failed its integrity check")
    audit_record(action=Action.DOWNLOAD, actor=actor, member=document.member_id, obj=document)
    return content
