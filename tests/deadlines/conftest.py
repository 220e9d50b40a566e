"""The deadline e-mail tests count e-mails per person: the around-the-clock program checks,
which the digest also carries for the program director and senior care managers (and which
fail in a test world without an on-call roster), are left out here and tested in
tests/coverage/test_roster_digest.py."""

import pytest

from cares.deadlines import reminders


@pytest.fixture(autouse=True)
def no_failing_program_checks(monkeypatch):
    monkeypatch.setattr(reminders, "_failing_checks", lambda today: [])
