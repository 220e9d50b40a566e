"""Settings for the Celery worker of tests/notices/test_worker.py: the test settings, with the
private document storage in a folder the test process shares (tests.settings makes a new
temporary folder per process)."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import STORAGES

STORAGES = {
    **STORAGES,
    "private": {"BACKEND": "cares.base.documents.storage.PrivateStorage",
                "OPTIONS": {"location": os.environ["CARES_TEST_PRIVATE_DIR"]}},
}
