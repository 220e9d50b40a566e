"""Logging filters that keep PHI and secrets out of logs.

Request lines (``django.server``) and request warnings (``django.request``: ``Not Found:
/emergency/<token>/``) carry the URL. Its query string can hold a caseload search (names, dates
of birth, MassHealth IDs in ``?q=``); its path can hold a bearer secret (the responder link's
token) or an identifier someone typed into the address bar. ``RedactSecrets`` rewrites the
message of every record it sees so that none of these survive, and drops the record's
arguments (they were merged into the message first).

The settings attach it to the loggers that print URLs (so every handler of those records, not
only the console, gets the redacted text) and to the console handler (every other record).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_QUERY = re.compile(r"\?[^\s\"]*")

# Path prefixes whose next segment is a secret: ``emergency/<token>/`` (the responder link).
SECRET_PATH_PREFIXES = ("emergency",)
_PREFIXES = "|".join(re.escape(p) for p in SECRET_PATH_PREFIXES)
_SECRET_SEGMENT = re.compile(rf"(/(?:{_PREFIXES})/)[^/\s\"?]+")

# Any other path segment that looks like a bearer token (a long run of URL-safe characters
# with letters and digits: secrets.token_urlsafe, signed values), wherever it is mounted.
_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-]{20,}(?=[/\s\"?]|$)")

# A MassHealth ID (12 digits standing alone), wherever it appears in a message.
_MASSHEALTH_ID = re.compile(r"(?<![\w-])\d{12}(?![\w-])")


def _token_like(segment: str) -> bool:
    return any(c.isdigit() for c in segment) and any(c.isalpha() for c in segment)


def redact(text: str) -> str:
    """``text`` without query strings, secret path segments or MassHealth IDs."""
    if "?" in text:
        text = _QUERY.sub("?" + REDACTED, text)
    if "/" in text:
        text = _SECRET_SEGMENT.sub(r"\1" + REDACTED, text)
        text = _SEGMENT.sub(
            lambda m: REDACTED if _token_like(m.group(0)) else m.group(0), text)
    return _MASSHEALTH_ID.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrite the record's message with ``redact``; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the handler's to report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


# The name the filter had when it stripped query strings only.
StripQueryStrings = RedactSecrets
