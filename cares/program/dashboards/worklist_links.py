"""The links and texts of the worklist's deadline rows, worked out once per process rather
than once per row (issue 20): a link is reversed once per rule, then formatted with the ids;
a text is translated once per language and value."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cares.deadlines.rules import RULES
from cares.program.dashboards.actions import MEMBER_PAGE, action_url

_MEMBER, _RECORD = 7391046285, 8502157396  # stand-ins for the ids in a URL reversed once


@lru_cache(maxsize=512)
def link_format(rule: str | None, with_record: bool, prefix: str, urlconf: str | None) -> str:
    """``action_url`` of ``rule`` (or the member page when ``rule`` is None) as a format
    string of the member id ({0}) and the record id ({1}): a reverse per rule and process,
    not per row (``prefix`` and ``urlconf``: what ``reverse`` depends on besides)."""
    url = action_url(rule, _MEMBER, _RECORD if with_record else None) if rule else \
        reverse(MEMBER_PAGE, args=[_MEMBER])
    return (url.replace("{", "{{").replace("}", "}}")
            .replace(str(_MEMBER), "{0}").replace(str(_RECORD), "{1}"))


def member_link(member_id: int) -> str:
    """The member page's URL (``reverse("members:detail", ...)``)."""
    return link_format(None, False, get_script_prefix(), get_urlconf()).format(member_id)


def days_text(section: str, days: int) -> str:
    """How far the due date is, as the page prints it."""
    if section == "overdue":
        return ngettext("%(n)s day overdue", "%(n)s days overdue", days) % {"n": days}
    if days == 0:
        return _("today")
    return ngettext("in %(n)s day", "in %(n)s days", days) % {"n": days}


@lru_cache(maxsize=4096)
def row_texts(language: str | None, section: str, days: int, rule: str,
              form: bool) -> tuple[str, str, str, str]:
    """(``days_text``, the rule's title and citation, the action's name) in ``language``,
    the active one: translated once per process, not per row."""
    return (days_text(section, days), str(RULES[rule].title), str(RULES[rule].citation),
            _("Record it") if form else _("Open"))
