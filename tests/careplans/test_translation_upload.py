"""A translated ICP upload is streamed and stopped at its limit (issue 13, item 14): a large
file goes to a temporary file while the request is parsed, is refused by its size before a
byte is read, and a file whose declared size lies is read in chunks and refused once past the
limit. Memory stays bounded by the limit, never by what was sent."""

from __future__ import annotations

import tracemalloc

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from careplans import forms as careplan_forms
from careplans.copies import MAX_TRANSLATION_BYTES
from careplans.models import CarePlanCopy
from cares.base.documents.uploads import CHUNK_BYTES, read_upload
from tests.factories import finalized_care_plan, sign_in

MB = 1024 * 1024
TOO_LARGE = "The translated document is larger than 10 MB."


class ReadSpy:
    """Records the size of every read of an uploaded file."""

    def __init__(self, upload):
        self.upload = upload
        self.reads: list[int | None] = []
        real = upload.file.read

        def read(size=-1):
            self.reads.append(size)
            return real(size)

        upload.file.read = read


def sparse_upload(tmp_path, size: int, *, declared: int | None = None) -> TemporaryUploadedFile:
    """A PDF-looking upload of ``size`` bytes on disk (sparse: no disk used), whose declared
    size is ``declared`` (the real size unless given)."""
    upload = TemporaryUploadedFile("icp-vi.pdf", "application/pdf", declared or size, None)
    upload.file.write(b"%PDF-1.7 translated\n")
    upload.file.truncate(size)
    upload.file.seek(0)
    upload.size = size if declared is None else declared
    return upload


def test_a_large_file_is_refused_by_its_size_before_any_read(tmp_path):
    upload = sparse_upload(tmp_path, 100 * MB)
    spy = ReadSpy(upload)
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="larger than 10 MB"):
            read_upload(upload, limit=MAX_TRANSLATION_BYTES)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert spy.reads == []
    assert peak < MB


def test_a_file_whose_declared_size_lies_is_read_in_chunks_and_stopped_at_the_limit(tmp_path):
    upload = sparse_upload(tmp_path, 40 * MB, declared=1000)
    spy = ReadSpy(upload)
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="larger than 10 MB"):
            read_upload(upload, limit=MAX_TRANSLATION_BYTES)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert spy.reads and all(size == CHUNK_BYTES for size in spy.reads)  # never "all of it"
    assert len(spy.reads) * CHUNK_BYTES <= MAX_TRANSLATION_BYTES + CHUNK_BYTES
    assert peak < MAX_TRANSLATION_BYTES + 2 * MB  # not the 40 MB sent


def test_a_file_within_the_limit_is_read_whole_in_chunks(tmp_path):
    upload = sparse_upload(tmp_path, 3 * MB)
    spy = ReadSpy(upload)
    content = read_upload(upload, limit=MAX_TRANSLATION_BYTES)
    assert len(content) == 3 * MB and content.startswith(b"%PDF-1.7")
    assert all(size == CHUNK_BYTES for size in spy.reads)


def test_big_uploads_are_spooled_to_disk_not_memory():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
    assert settings.FILE_UPLOAD_TEMP_DIR and settings.FILE_UPLOAD_PERMISSIONS == 0o600


@pytest.mark.django_db
def test_the_page_refuses_a_large_translation_with_a_clear_message(client, member, coordinator,
                                                                   monkeypatch):
    plan = finalized_care_plan(member, coordinator)
    sign_in(client, coordinator.user)
    seen = []

    def spy(upload, **kwargs):
        seen.append((type(upload), ReadSpy(upload)))
        return read_upload(upload, **kwargs)

    monkeypatch.setattr(careplan_forms, "read_upload", spy)
    url = reverse("careplans:plan_translation", args=[member.pk, plan.pk])
    big = SimpleUploadedFile("icp-vi.pdf", b"%PDF-1.7 " + b"x" * MAX_TRANSLATION_BYTES,
                             "application/pdf")
    response = client.post(url, {"language": "vi", "translation": big})

    assert response.status_code == 200
    assert response.context["form"].errors["translation"] == [TOO_LARGE]
    assert TOO_LARGE in response.content.decode()
    assert not CarePlanCopy.objects.filter(care_plan=plan, source="translation").exists()
    # The request parser spooled it to disk, and the form refused it unread.
    [(kind, reads)] = seen
    assert kind is TemporaryUploadedFile and reads.reads == []

    # A translation within the limit is still attached, whole.
    small = SimpleUploadedFile("icp-vi.pdf", b"%PDF-1.7 " + b"y" * (3 * MB), "application/pdf")
    response = client.post(url, {"language": "vi", "translation": small})
    assert response.status_code == 302
    copy = CarePlanCopy.objects.get(care_plan=plan, source="translation")
    assert copy.document.size == 3 * MB + 9
