"""Rows of the worklist's deadline sections rendered in one call (``{% load worklist_rows %}``).

A coordinator's next 30 days are dozens of deadlines, each a row of a dozen values: a
template loop's per-node work (a variable lookup, the locale and escaping per value) was
most of the page's time (issue 20). The same markup is written here from what
``worklist._items`` worked out (texts translated, links formatted): every text and link
escaped (``html.escape``, what ``django.utils.html.escape`` does, without its check for lazy
strings per call), ids whole numbers, dates ISO (``|date:"Y-m-d"``)."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cares.program.dashboards.worklist import DeadlineItem
from cares.program.dashboards.worklist_links import member_link

register = template.Library()


def _row(item: DeadlineItem, tone: str, you: str) -> str:
    d = item.deadline
    if item.member_url:
        data = f' data-member="{int(d.member_id)}"'
        who = f'<a href="{escape(item.member_url)}">{escape(d.member)}</a>'
    else:
        data, who = "", you
    action = (f'<a class="btn btn-sm btn-outline-primary" href="{escape(item.url)}">'
              f'{escape(item.action)}</a>') if item.url else ""
    return (f'<tr data-rule="{escape(d.rule)}"{data}>\n'
            f'        <td><span class="text-nowrap">{d.due.isoformat()}</span>'
            f'<div class="small {tone}">{escape(item.when)}</div></td>\n'
            f'        <td>{who}</td>\n'
            f'        <td>{escape(item.title)} <span class="citation">{escape(item.citation)}'
            f'</span></td>\n'
            f'        <td class="no-print">{action}</td>\n      </tr>\n')


@register.filter
def deadline_rows(items: list[DeadlineItem], section: str) -> SafeString:
    """The ``<tr>`` of each deadline of ``section``: the due date and how far it is (red when
    overdue), the member linked to their page (or "You" for one's own training), the rule
    and its citation, and the link to where it is done."""
    tone = "status-bad" if section == "overdue" else "text-secondary"
    you = escape(_("You (staff training)"))
    return mark_safe(  # noqa: S308 (every text and link escaped; ids are integers)
        "".join(_row(item, tone, you) for item in items))


@register.filter
def member_page(member_id: int) -> str:
    """The member page's URL (``{% url 'members:detail' member_id %}``, reversed once)."""
    return member_link(member_id)
