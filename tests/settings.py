"""Settings for the test suite: the production configuration with a fixed key, plain static
storage and in-memory e-mail. It lives outside the ``cares`` package so that the key is set
before ``cares.settings`` (and its SECRET_KEY guard) is imported."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# The suite's own var/ (filesystem broker, results): tasks queued by tests never reach the
# worker of `make run`, which reads the project's var/.
os.environ.setdefault("CARES_VAR_DIR", tempfile.mkdtemp(prefix="cares-test-var-"))

from cares.settings import *  # noqa: E402,F403
from cares.settings import STORAGES  # noqa: E402

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "cares.base.documents.storage.PrivateStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="cares-test-private-")},
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
