"""Survey responses imported from a CSV file (PS VII.A), all or nothing.

Columns (a header row first, names in any case and order): ``masshealth_id``,
``received_on`` (YYYY-MM-DD or MM/DD/YYYY), ``mode`` (paper, phone or imported; empty:
imported), ``language`` (a tag such as es or pt-BR, or the language's name; may be empty),
then ``q1``, ``q2``, ... by question number: a rating 1 to 5, yes or no, or text; an empty
cell is no answer. Every row passes the rules of ``members.quality.surveys`` (invited, one
per household, not before the period, not in the future, round open, at least one answer),
and one household may be on one row only. Any problem refuses the whole file: each is listed
by row (the header is row 1) and column, and nothing is saved.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.languages import language_tag
from cares.base.toolkit import Refusal
from members.models import Member, QuestionKind, ResponseMode, SurveyQuestion
from members.quality.surveys import (
    CLOSED,
    answer_rows,
    enrolled_between,
    locked_round,
    response_problems,
    save_response,
)

MAX_ROWS = 5000
FIXED = ("masshealth_id", "received_on", "mode", "language")
REQUIRED = ("masshealth_id", "received_on")
# Which column a service's field problem is about.
COLUMN_OF = {"member": "masshealth_id", "received_on": "received_on", "mode": "mode",
             "language": "language"}
YES = {"yes", "y", "true", "1", "sí", "si", "oui", "sim"}
NO = {"no", "n", "false", "0", "non", "não", "nao"}


def _problem(row: int, column: str, message: str) -> str:
    if column:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": row, "column": column, "message": message}
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


def _day(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _value(question: SurveyQuestion, text: str):
    """The cell as the service's answer value (left as text when it cannot be read, so the
    service names the problem)."""
    if question.kind == QuestionKind.SCALE:
        return int(text) if re.fullmatch(r"\d+", text) else text
    if question.kind == QuestionKind.YES_NO:
        low = text.casefold()
        return True if low in YES else False if low in NO else text
    return text


def _header(header: list[str], questions: dict[str, SurveyQuestion]
            ) -> tuple[list[str], list[str]]:
    names = [(n or "").strip().lower() for n in header]
    problems = [_problem(1, n or "?", _("not a column of this round's file"))
                for n in names if n not in FIXED and n not in questions]
    problems += [_problem(1, n, _("this column is missing")) for n in REQUIRED
                 if n not in names]
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problems.append(_problem(1, n, _("this column is there twice")))
        seen.add(n)
    return names, problems


def read_rows(text: str, questions: dict[str, SurveyQuestion]):
    """The file's data rows as (row number, {column: cell}), and the header's problems."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        return [], [_("The file is empty.")]
    names, problems = _header(header, questions)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            problems.append(_problem(number, "", _("more cells than columns")))
        rows.append((number, {n: (cells[i].strip() if i < len(cells) else "")
                              for i, n in enumerate(names)}))
    if not rows:
        problems.append(_("The file has no responses."))
    elif len(rows) > MAX_ROWS:
        problems.append(_("The file has more than %(n)s responses; split it.") % {"n": MAX_ROWS})
    return rows, problems


def _row_problems(survey, number, cells, ctx) -> tuple[list[str], tuple | None]:
    """One row's problems, or what to save."""
    problems: list[str] = []
    member = ctx["members"].get(cells.get("masshealth_id", ""))
    if cells.get("masshealth_id") and member is None:
        problems.append(_problem(number, "masshealth_id", _("no member has this MassHealth ID")))
        member = False
    received_on = _day(cells.get("received_on", ""))
    if cells.get("received_on") and received_on is None:
        problems.append(_problem(number, "received_on",
                                 _("not a date (write YYYY-MM-DD or MM/DD/YYYY)")))
    mode = (cells.get("mode") or ResponseMode.IMPORTED).lower()
    language = cells.get("language", "")
    tag = language_tag(language) if language else ""
    if tag is None:
        problems.append(_problem(number, "language", _("not a language on the list")))
    found = response_problems(survey, member or None, received_on, mode, tag or "",
                              ctx["today"], invited=ctx["invited"], responded=ctx["responded"])
    for p in found:
        if str(p) == str(CLOSED) or (member is False and getattr(p, "field", "") == "member"):
            continue  # the closed round is said once; an unknown ID already was
        if received_on is None and cells.get("received_on") and \
                getattr(p, "field", "") == "received_on":
            continue
        problems.append(_problem(number, COLUMN_OF.get(getattr(p, "field", ""), ""), p))
    answers = {q.pk: _value(q, cells[name]) for name, q in ctx["questions"].items()
               if cells.get(name)}
    rows, answer_problems = answer_rows(ctx["questions"].values(), answers)
    problems += [_problem(number, getattr(p, "field", ""), p) for p in answer_problems]
    if member:
        first = ctx["seen"].setdefault(member.pk, number)
        if first != number:
            problems.append(_problem(number, "masshealth_id", _(
                "the same household is on row %(row)s (one response per household)") % {
                "row": first}))
    return problems, (member, received_on, mode, tag or "", rows)


@transaction.atomic
def response_import(*, round_id: int, text: str, actor, today: date | None = None) -> int:
    """Record every response of the CSV ``text``, or none: a ``Refusal`` lists every
    problem by row and column. The number of responses recorded."""
    survey = locked_round(round_id)
    questions = {f"q{q.position}": q for q in survey.questions.order_by("position")}
    rows, problems = read_rows(text, questions)
    if survey.closed:
        problems.insert(0, str(CLOSED))
    ids = {cells.get("masshealth_id", "") for _n, cells in rows} - {""}
    members = {m.masshealth_id: m for m in Member.objects.filter(masshealth_id__in=ids)}
    ctx = {"members": members, "questions": questions, "seen": {},
           "today": today or timezone.localdate(),
           "invited": set(enrolled_between(survey.period_start, survey.period_end).filter(
               member__in=members.values()).values_list("member_id", flat=True)),
           "responded": set(survey.responses.filter(member__in=members.values())
                            .values_list("member_id", flat=True))}
    ready = []
    for number, cells in rows:
        found, values = _row_problems(survey, number, cells, ctx)
        problems += found
        ready.append(values)
    if problems:
        raise Refusal(problems)
    for member, received_on, mode, language, answers in ready:
        save_response(survey, member, received_on, mode, language, answers, actor)
    return len(ready)
