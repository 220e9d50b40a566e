"""Logging filters that keep PHI out of logs."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class StripQueryStrings(logging.Filter):
    """Remove query strings from request lines (``django.server``, ``django.request``):
    caseload searches carry names, dates of birth and MassHealth IDs in ``?q=``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg = _QUERY.sub("?[redacted]", message)
            record.args = ()
        return True
