"""Logs never carry a member's name, date of birth or MassHealth ID: the log records of a
full request cycle that reads and changes a member are captured and searched for the member's
sentinel values, twice:

- as configured, with the root logger at DEBUG (``LOG_LEVEL=DEBUG``, the most a deployment
  can turn on without editing the settings): no record at all may carry PHI;
- with every logger forced to DEBUG: no record may carry PHI except from Django's own
  debugging diagnostics in ``FRAMEWORK_DEBUG``, which print template contexts and SQL
  parameters (PHI included) and which the settings keep below their level.

``django.db.backends`` logs SQL only with settings.DEBUG on, never in production (``check
--deploy``); with DEBUG on and that logger at DEBUG it would log query parameters, PHI
included.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from tests.factories import make_director, make_staff, sign_in
from tests.security.world import DOB, FIRST, LAST, MASSHEALTH_ID, dob_formats

pytestmark = pytest.mark.django_db

SENTINELS = [FIRST, LAST, MASSHEALTH_ID, *dob_formats(DOB)]


class Collect(logging.Handler):
    """Keeps every record and its text as the production formatter writes it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []
        formats = [f["format"] for f in settings.LOGGING.get("formatters", {}).values()
                   if "format" in f]
        self.setFormatter(logging.Formatter(
            formats[0] if formats else "%(asctime)s %(levelname)s %(name)s %(message)s"))

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@contextmanager
def every_log_record(caplog, *, force_debug: bool = True):
    """Hear every log record: the root logger at DEBUG (and caplog), and with
    ``force_debug`` every other logger at DEBUG and enabled too. Non-propagating loggers get
    the handler directly."""
    handler = Collect()
    root = logging.getLogger()
    loggers = [root, *(logger for logger in logging.root.manager.loggerDict.values()
                       if isinstance(logger, logging.Logger))]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        if force_debug or logger is root:
            logger.setLevel(logging.DEBUG)
            logger.disabled = False
        if not logger.propagate:
            logger.addHandler(handler)
    root.addHandler(handler)
    caplog.clear()
    try:
        with caplog.at_level(logging.DEBUG):
            yield handler
    finally:
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.removeHandler(handler)


def texts(record: logging.LogRecord) -> list[str]:
    """Everything of a record a handler could write: message, arguments, exception."""
    found = [str(record.msg), record.getMessage(), repr(record.args)]
    if record.exc_info:
        found.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        found.append(record.exc_text)
    if record.stack_info:
        found.append(record.stack_info)
    return found


# Django's own debugging output, at DEBUG, which shows PHI by design: a template variable
# that does not resolve logs the template context (``<Member: first last>`` among it); SQL
# logging shows query parameters. The settings must keep these loggers above DEBUG.
FRAMEWORK_DEBUG = ("django.template", "django.db.backends")


def framework_debug(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FRAMEWORK_DEBUG)


def phi_in_logs(handler: Collect) -> list[tuple[str, int, str]]:
    """(logger, level, sentinel) for every sentinel in a record or its formatted line."""
    leaks = []
    for record, line in zip(handler.records, handler.lines, strict=True):
        for text in [*texts(record), line]:
            leaks.extend((record.name, record.levelno, value) for value in SENTINELS
                         if value in text)
    return sorted(set(leaks))


def test_the_log_check_catches_phi(caplog):
    with every_log_record(caplog) as handler:
        logging.getLogger("members.views").debug("opened %s", LAST)
        logging.getLogger("cares").info("born %s", DOB)
    assert ("members.views", logging.DEBUG, LAST) in phi_in_logs(handler)
    assert ("cares", logging.INFO, DOB.isoformat()) in phi_in_logs(handler)


def test_djangos_debug_diagnostics_stay_below_their_level_with_root_at_debug():
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        for name in FRAMEWORK_DEBUG:
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    finally:
        root.setLevel(level)


@pytest.mark.parametrize("force_debug", [False, True], ids=["as-configured", "all-debug"])
def test_a_full_request_cycle_logs_no_phi(caplog, django_capture_on_commit_callbacks,
                                          force_debug):
    today = timezone.localdate()
    make_director()
    coordinator = make_staff("care_coordinator")
    outsider = make_staff("care_coordinator")
    family = make_staff("family_support", caregiver_of_special_needs_youth=True)
    ours = sign_in(Client(), coordinator.user)
    theirs = sign_in(Client(), outsider.user)
    helper = sign_in(Client(), family.user)

    with (every_log_record(caplog, force_debug=force_debug) as handler,
          django_capture_on_commit_callbacks(execute=True)):
        # Intake: a new member and referral.
        response = ours.post(reverse("members:intake"), {
            "legal_first_name": FIRST, "legal_last_name": LAST, "preferred_name": "",
            "date_of_birth": DOB.isoformat(), "masshealth_id": MASSHEALTH_ID,
            "sex_gender": "", "address_line1": "1 Elm St", "address_line2": "",
            "city": "Lowell", "state": "MA", "postal_code": "01852", "phone": "",
            "email": "", "primary_language": "en", "preferred_written_language": "en",
            "referral_date": today.isoformat(), "referral_source": "pcp",
            "referring_entity": "", "referring_contact": "", "assigned_to": coordinator.pk})
        assert response.status_code == 302
        member = Member.objects.get(masshealth_id=MASSHEALTH_ID)
        detail = reverse("members:detail", args=[member.pk])
        # Reads: the member page, and the caseload searched by name, birth date and ID.
        assert ours.get(detail).status_code == 200
        for q in (LAST, DOB.isoformat(), DOB.strftime("%m/%d/%Y"), MASSHEALTH_ID):
            assert ours.get(reverse("members:list"), {"q": q}).status_code == 200
        # A lifecycle step, then a refused one (enrollment before consent).
        response = ours.post(reverse("members:eligibility", args=[member.pk]), {
            "evaluated_on": today.isoformat(), "evaluator": coordinator.pk,
            "criteria": ["under_21", "masshealth"], "eligible": "yes",
            "rationale": "Meets criteria."})
        assert response.status_code == 302
        response = ours.post(reverse("members:enroll", args=[member.pk]), {
            "effective_date": today.isoformat(), "primary_contact": coordinator.pk})
        assert response.status_code == 200 and response.context["refused"]
        # A change of the member's record, with bad input first.
        edit = reverse("members:edit", args=[member.pk])
        data = {**ours.get(edit).context["form"].initial, "phone": "978-555-0100",
                "date_of_birth": DOB.isoformat()}
        data = {k: v for k, v in data.items() if v is not None and v is not False}
        assert ours.post(edit, {**data, "postal_code": "bad"}).status_code == 200
        assert ours.post(edit, data).status_code == 302
        # Refusals: another coordinator (404, GET and POST), family support off the team.
        assert theirs.get(detail).status_code == 404
        assert theirs.post(edit, data).status_code == 404
        assert helper.get(detail).status_code == 404
        # Break-glass by the other coordinator, then a read under it.
        response = theirs.post(reverse("break_glass"), {
            "masshealth_id": MASSHEALTH_ID,
            "reason": "Mother called: child in the emergency department now."})
        assert response.status_code == 302
        assert theirs.get(detail).status_code == 200
        assert theirs.post(edit, data).status_code == 404  # break-glass is read only

    assert handler.records, "nothing was captured: the capture is broken"
    assert any(r.name == "django.request" and r.levelno == logging.WARNING
               for r in handler.records), "the 404s were not heard"
    leaks = phi_in_logs(handler)
    if force_debug:
        leaks = [leak for leak in leaks
                 if not (framework_debug(leak[0]) and leak[1] == logging.DEBUG)]
    assert leaks == []


def test_request_lines_lose_their_query_strings():
    import logging

    from cares.logfilters import StripQueryStrings

    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /members/?q=100200300400 HTTP/1.1", "200", "512"), None)
    assert StripQueryStrings().filter(record)
    assert "100200300400" not in record.getMessage()
    assert "/members/?[redacted]" in record.getMessage()
