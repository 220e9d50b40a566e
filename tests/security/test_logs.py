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
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from tests.factories import (
    MemberFactory,
    enrolled_member,
    finalized_care_plan,
    make_director,
    make_staff,
    sign_in,
)
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

    from cares.base.logfilters import StripQueryStrings

    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /members/?q=100200300400 HTTP/1.1", "200", "512"), None)
    assert StripQueryStrings().filter(record)
    assert "100200300400" not in record.getMessage()
    assert "/members/?[redacted]" in record.getMessage()


# --- Every request path of the suite, with responder tokens (issue 13, "Proven, not promised") --

# A second member, who has the responder link; a second MassHealth ID that loses a race; the
# date of birth of a refused edit; and responder tokens: one that opens the plan (made by the
# page that creates links) and two that open nothing.
OTHER = {"legal_first_name": "Ottoline", "legal_last_name": "Brackenridge",
         "date_of_birth": date(2012, 11, 17), "masshealth_id": "918273645501"}
RIVAL_ID = "864209753102"
REFUSED_DOB = DOB - relativedelta(years=25)
TOKEN = "Tk9sentinelRESPONDERtoken_4Xq-7Lm2Pz8Wv3Nc5Hb"
FORGED_TOKENS = ["Fg7sentinelFORGEDtoken_2Kd-9Rs4Ty6Uj1Ow3Ea8", "not-a-valid-emergency-link-token"]
PATH_SENTINELS = [*SENTINELS, OTHER["legal_first_name"], OTHER["legal_last_name"],
                  OTHER["masshealth_id"], *dob_formats(OTHER["date_of_birth"]), RIVAL_ID,
                  *dob_formats(REFUSED_DOB), TOKEN, *FORGED_TOKENS]


class AccessLog:
    """What ``runserver`` writes for each request (``django.server``): its own
    ``WSGIRequestHandler.log_message`` with the request line, status and size."""

    request = None

    @staticmethod
    def log_date_time_string() -> str:
        return "03/Dec/2026 09:00:00"

    def __call__(self, client: Client, method: str, url: str, data=None, **query):
        response = getattr(client, method.lower())(url, data if data is not None else query)
        line = f"{method} {url}" + (f"?{urlencode(query, doseq=True)}" if query else "")
        WSGIRequestHandler.log_message(self, '"%s" %s %s', f"{line} HTTP/1.1",
                                       str(response.status_code), str(len(response.content)))
        return response


@contextmanager
def unseen_rival(masshealth_id: str):
    """Another member with ``masshealth_id`` commits between our checks and our INSERT (as
    when two people submit at once on PostgreSQL): only the INSERT sees it."""
    MemberFactory(masshealth_id=masshealth_id, legal_first_name="Rival",
                  legal_last_name="Member", date_of_birth=DOB)
    tried = []
    real_validate, real_save = Member.validate_unique, Member.save

    def validate_unique(self, exclude=None):
        return real_validate(self, exclude) if tried else None

    def save(self, *args, **kwargs):
        tried.append(True)
        return real_save(self, *args, **kwargs)

    Member.validate_unique, Member.save = validate_unique, save
    try:
        yield
    finally:
        Member.validate_unique, Member.save = real_validate, real_save


def path_leaks(handler: Collect) -> list[tuple[str, int, str]]:
    leaks = []
    for record, line in zip(handler.records, handler.lines, strict=True):
        for text in [*texts(record), line]:
            leaks.extend((record.name, record.levelno, value) for value in PATH_SENTINELS
                         if value in text)
    return sorted(set(leaks))


@pytest.mark.parametrize("force_debug", [False, True], ids=["as-configured", "all-debug"])
def test_every_request_path_logs_no_phi_and_no_responder_token(
        caplog, django_capture_on_commit_callbacks, monkeypatch, force_debug):
    from careplans import emergency

    today = timezone.localdate()
    make_director()
    coordinator = make_staff("care_coordinator")
    outsider = make_staff("care_coordinator")
    ours = sign_in(Client(), coordinator.user)
    theirs = sign_in(Client(), outsider.user)
    other = enrolled_member(coordinator, referral_date=today - timedelta(days=30), **OTHER)
    finalized_care_plan(other, coordinator)
    monkeypatch.setattr(emergency.secrets, "token_urlsafe", lambda n=None: TOKEN)
    visit = AccessLog()
    intake = {
        "legal_first_name": FIRST, "legal_last_name": LAST, "preferred_name": "",
        "date_of_birth": DOB.isoformat(), "masshealth_id": MASSHEALTH_ID, "sex_gender": "",
        "address_line1": "1 Elm St", "address_line2": "", "city": "Lowell", "state": "MA",
        "postal_code": "01852", "phone": "", "email": "", "primary_language": "en",
        "preferred_written_language": "en", "referral_date": today.isoformat(),
        "referral_source": "pcp", "referring_entity": "", "referring_contact": "",
        "assigned_to": coordinator.pk}

    with (every_log_record(caplog, force_debug=force_debug) as handler,
          django_capture_on_commit_callbacks(execute=True)):
        # Intake, then the same MassHealth ID again: the form's duplicate error, twice (one
        # seen by the form, one only by the database, as in a race).
        assert visit(ours, "POST", reverse("members:intake"), intake).status_code == 302
        member = Member.objects.get(masshealth_id=MASSHEALTH_ID)
        response = visit(ours, "POST", reverse("members:intake"), intake)
        assert "masshealth_id" in response.context["form"].errors
        with unseen_rival(RIVAL_ID):
            response = visit(ours, "POST", reverse("members:intake"),
                             {**intake, "masshealth_id": RIVAL_ID})
        assert response.status_code == 200 and "masshealth_id" in response.context["form"].errors
        # The member page, the caseload searched by every sentinel.
        detail = reverse("members:detail", args=[member.pk])
        assert visit(ours, "GET", detail).status_code == 200
        for q in (FIRST, LAST, MASSHEALTH_ID, *dob_formats(DOB)[:2]):
            assert visit(ours, "GET", reverse("members:list"), q=q).status_code == 200
        # The member edit: refused (aged 25 on the referral date), then saved.
        edit = reverse("members:edit", args=[member.pk])
        data = {k: v for k, v in ours.get(edit).context["form"].initial.items()
                if v is not None and v is not False}
        data["date_of_birth"] = DOB.isoformat()
        response = visit(ours, "POST", edit, {**data, "date_of_birth": REFUSED_DOB.isoformat()})
        assert "date_of_birth" in response.context["form"].errors
        assert visit(ours, "POST", edit, {**data, "phone": "978-555-0100"}).status_code == 302
        # Denied: another coordinator's member (404), the audit log (403), a change under
        # no access at all; a page that does not exist, with identifiers in its path/query.
        assert visit(theirs, "GET", detail).status_code == 404
        assert visit(theirs, "POST", edit, data).status_code == 404
        assert visit(ours, "GET", reverse("audit_log")).status_code == 403
        assert visit(ours, "GET", f"/members/{MASSHEALTH_ID}/", q=LAST).status_code == 404
        # A responder link is made (its card printed) and opened; forged ones are refused.
        response = visit(ours, "POST", reverse("careplans:link_new", args=[other.pk]),
                         {"expires_on": (today + timedelta(days=30)).isoformat()})
        assert response.status_code == 302
        anonymous = Client()
        assert visit(anonymous, "GET", reverse("careplans:responder", args=[TOKEN])
                     ).status_code == 200
        for forged in FORGED_TOKENS:
            assert visit(anonymous, "GET", reverse("careplans:responder", args=[forged])
                         ).status_code == 404

    names = {record.name for record in handler.records}
    assert {"django.request", "django.server"} <= names, "the request logs were not heard"
    assert any(r.name == "django.server" and "/emergency/" in r.getMessage()
               for r in handler.records), "the responder page's access log line is missing"
    leaks = path_leaks(handler)
    if force_debug:
        leaks = [leak for leak in leaks
                 if not (framework_debug(leak[0]) and leak[1] == logging.DEBUG)]
    assert leaks == []


@pytest.mark.parametrize(("logger", "args", "secret"), [
    ("django.server", (f"GET /emergency/{TOKEN}/ HTTP/1.1", "200", "2048"), TOKEN),
    ("django.server", ("GET /emergency/short/ HTTP/1.1", "404", "9"), "short"),
    ("django.request", ("Not Found", f"/emergency/{TOKEN}/"), TOKEN),
    ("django.request", ("Not Found", f"/members/{MASSHEALTH_ID}/"), MASSHEALTH_ID),
    ("django.server", (f"GET /accounts/enroll/{TOKEN[::-1]}/ HTTP/1.1", "200", "1"),
     TOKEN[::-1]),
])
def test_secret_path_segments_are_redacted_for_every_handler(caplog, logger, args, secret):
    """The filter sits on the loggers that print URLs, so every handler (not only the
    console) gets the redacted line, and the arguments are gone too."""
    message = '"%s" %s %s' if logger == "django.server" else "%s: %s"
    with caplog.at_level(logging.DEBUG, logger=logger):
        logging.getLogger(logger).warning(message, *args)
    [record] = [r for r in caplog.records if r.name == logger]
    assert secret not in record.getMessage() and secret not in repr(record.args)
    assert "[redacted]" in record.getMessage()


def test_static_and_member_paths_are_left_alone():
    from cares.base.logfilters import redact

    for text in ('"GET /static/bootstrap-5.3.3.min.css HTTP/1.1" 200 1',
                 "Not Found: /members/12/emergency-plan/links/3/revoke/",
                 "Forbidden: /audit/", "task 1234abcd-1234-1234-1234-123456789012 ok"):
        assert redact(text) == text
