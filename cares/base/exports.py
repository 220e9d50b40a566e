"""Every table of the worklist, the dashboard and the quality pages exports to CSV through
``csv_export``, with spreadsheet formulas neutralized (``cell``). Each export is one audit
event (``Action.EXPORT``): the table, its filters, the number of rows and, when the rows name
members, their ids (never names), so the log answers "who exported this member"."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

from cares.base.audit.models import Action
from cares.base.audit.services import audit_record

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_export(request, *, table: str, header: Sequence[str], rows: Iterable[Sequence],
               filters: dict | None = None, member_ids: Iterable[int] = (),
               detail: dict | None = None) -> HttpResponse:
    """A CSV download of ``rows`` under ``header``, recorded in the audit log (``detail``:
    more to record, e.g. whether free text was included)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        count += 1
    ids = sorted({int(i) for i in member_ids if i is not None})
    recorded = {**(detail or {}), "table": table, "rows": count, "filters": filters or {}}
    if ids:
        recorded["member_ids"] = ids
    audit_record(action=Action.EXPORT, actor=request.user, detail=recorded, request=request)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cares-{table}-{stamp}.csv"'
    return response
