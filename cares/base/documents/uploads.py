"""Reading an uploaded file without holding more of it than the limit.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file while
the request is parsed; ``read_upload`` then refuses a file over the limit by its size before
reading a byte, and reads the rest in chunks with a running total (the size a client declares
is not trusted), so memory stays within the limit plus one chunk whatever is sent.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

CHUNK_BYTES = 64 * 1024


def too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(mb)s MB; attach a smaller file.")
        % {"mb": f"{limit / (1024 * 1024):g}"}, code="too_large")


def read_upload(upload: UploadedFile, *, limit: int, chunk_size: int = CHUNK_BYTES) -> bytes:
    """The upload's bytes, or ``ValidationError`` (code ``too_large``) once past ``limit``."""
    if upload.size is not None and upload.size > limit:
        raise too_large(limit)
    upload.seek(0)
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = upload.read(chunk_size)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)
