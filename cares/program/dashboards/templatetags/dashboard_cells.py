"""Rows of the program dashboard's caseload table rendered in one call
(``{% load dashboard_cells %}``).

The table has a row per care coordinator and senior care manager and a cell per episode
state: thousands of cells on a large program, where a template loop's per-node work (a
variable lookup, the locale and escaping per value) was a good part of the page's time
(issue 20). The same markup is written here: text and links escaped, counts whole numbers."""

from __future__ import annotations

from html import escape as _escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def escape(value) -> str:
    """``django.utils.html.escape`` without its lazy-text wrapper (thousands of calls; every
    value here is plain text or a number)."""
    return _escape(str(value))


def _cell(n: int, url: str) -> str:
    if not n:
        return '<td class="text-end"><span class="text-secondary">0</span></td>'
    return f'<td class="text-end"><a href="{escape(url)}">{int(n)}</a></td>'


@register.filter
def caseload_row(line: tuple) -> SafeString:
    """``<tr>`` of ``(row, cells, all_link, overdue_link)`` (``views._caseload_rows``): the
    staff member and roles, a cell per state (the number linked to its members, or a grey 0),
    the members and the overdue deadlines."""
    row, cells, all_link, overdue_link = line
    roles = ", ".join(escape(r) for r in row.roles)
    bad = " status-bad" if row.overdue else ""
    return mark_safe(  # noqa: S308 (every text and link escaped; counts are integers)
        f'<tr data-staff="{int(row.staff.pk)}"><th scope="row" class="fw-normal">'
        f'{escape(row.staff)}<div class="small text-secondary">{roles}</div></th>\n        '
        + "".join(_cell(n, url) for n, url in cells)
        + f'\n        <td class="text-end"><a href="{escape(all_link)}">{int(row.total)}</a>'
        f'</td>\n        <td class="text-end{bad}"><a href="{escape(overdue_link)}">'
        f'{int(row.overdue)}</a></td></tr>')


@register.filter
def staff_options(staff: list[tuple[int, str]]) -> SafeString:
    """``<option>`` of each ``(pk, name)`` (the overdue filter's staff: hundreds on a large
    program), as ``<option value="{{ pk }}">{{ name }}</option>`` with localization off."""
    return mark_safe("".join(  # noqa: S308 (names escaped; ids are integers)
        f'<option value="{int(pk)}">{escape(name)}</option>' for pk, name in staff))
