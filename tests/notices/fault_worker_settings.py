"""Settings for the workers of tests/notices/test_worker_fault.py: the letters worker settings
(shared private storage), a file-based e-mail backend that can block mid-send, and a short
Redis visibility timeout so the message of a killed worker is redelivered in seconds rather
than an hour."""

from tests.notices.worker_settings import *  # noqa: F403

EMAIL_BACKEND = "tests.notices.blocking_backend.BlockingBackend"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5, "unacked_restore_interval": 1,
                                   "unacked_restore_throttle": 1}
