"""Member experience surveys (PS VII.A): rounds, their questions, the households' responses
and the results. Import from a CSV file: ``members.quality.survey_import``.

Rules (readings of PS VII.A):

- **Invited households.** A round asks about its period. Every member enrolled on any day of
  the period is invited: an episode with an enrollment effective date on or before the last
  day of the period and no termination date, or one on or after the first day (enrolled
  from the effective date through the termination date, both included). A member enrolled
  only after the period, or terminated before it, is not invited. Each member is one
  household: siblings are counted (and answer) separately.
- **One response per household and round** (the database's unique constraint backs the
  check; the loser of a race gets the ordinary refusal). A response is refused for a member
  who was not invited (the reason says so), when received before the period starts or in
  the future, and once the round is closed. It needs at least one answer: a scale answer is
  a whole number from 1 to 5, a yes/no answer is yes or no, a free-text answer is any text.
  The language answered in, when given, is English or one of the round's languages.
- **Questions** can be added, changed or removed only while the round has no response (the
  answers given must keep meaning what was asked); the period cannot change either then.
- **Response rate** = households that responded / households invited, shown as both
  numbers and a percentage (none when no household was invited: "no households invited").
- **Results per question.** Scale: the number answered, the mean (one decimal) and the count
  of each score 1..5. Yes/no: the number answered and the share of yes (percent, one
  decimal). Free text: the number answered only; the texts themselves only to those with
  ``VIEW_SURVEY_TEXT`` (the program director), on the round page and in the round's CSV
  export, never on the dashboard or its export.
- Every change is audited (``audit_change``); every export of responses is audited as an
  export with the members' ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change
from cares.base.languages import language_name, validate_language_tag
from cares.base.toolkit import FieldProblem, Refusal, refuse, save_and_audit
from members.models import (
    QuestionKind,
    ResponseMode,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)
from members.quality.survey_results import (  # noqa: F401 (the reads, used from here too)
    SCORES,
    QuestionResult,
    Rate,
    enrolled_between,
    is_invited,
    percent,
    result_of,
    round_rate,
    round_results,
    rounds_with_rates,
)
from members.quality.survey_results import aggregated as _aggregated

# --- Rounds and questions -----------------------------------------------------------------------

def _language_problems(languages) -> list[str]:
    problems = []
    for tag in languages or []:
        try:
            validate_language_tag(tag)
        except ValidationError:
            problems.append(FieldProblem(
                _("%(tag)s is not a language tag.") % {"tag": tag}, "languages"))
    return problems


@transaction.atomic
def round_create(*, title: str, period_start: date, period_end: date, languages=(),
                 questions=(), actor) -> SurveyRound:
    """A new round with its ``questions`` (rows as ``questions_save`` takes them)."""
    problems = _language_problems(languages)
    if period_start and period_end and period_end < period_start:
        problems.append(FieldProblem(_("The period must end on or after its first day."),
                                     "period_end"))
    survey = SurveyRound(title=title, period_start=period_start, period_end=period_end,
                         languages=sorted(set(languages or [])), created_by=actor)
    save_and_audit(survey, actor=actor, problems=problems)
    if questions:
        questions_save(round_id=survey.pk, rows=questions, actor=actor)
    return survey


@transaction.atomic
def round_update(*, round_id: int, title: str, period_start: date, period_end: date,
                 languages=(), closed: bool = False, questions=None, actor) -> SurveyRound:
    """Change a round; its period and questions only while it has no response. Closing it
    stops responses; reopening it lets them in again."""
    survey = locked_round(round_id)
    problems = _language_problems(languages)
    if period_start and period_end and period_end < period_start:
        problems.append(FieldProblem(_("The period must end on or after its first day."),
                                     "period_end"))
    moved = (period_start, period_end) != (survey.period_start, survey.period_end)
    if moved and survey.responses.exists():
        problems.append(FieldProblem(
            _("The period cannot change once responses are recorded."), "period_start"))
    survey.title, survey.period_start, survey.period_end = title, period_start, period_end
    survey.languages, survey.closed = sorted(set(languages or [])), bool(closed)
    save_and_audit(survey, actor=actor, problems=problems)
    if questions is not None:
        questions_save(round_id=survey.pk, rows=questions, actor=actor)
    return survey


def locked_round(round_id: int) -> SurveyRound:
    survey = SurveyRound.objects.select_for_update().filter(pk=round_id).first()
    if survey is None:
        raise Refusal(_("This survey round no longer exists."))
    return survey


def _questions_frozen(survey: SurveyRound) -> list[str]:
    if survey.responses.exists():
        return [_("The questions cannot change once responses are recorded for this round.")]
    return []


def _question_problems(survey: SurveyRound, kind: str, text: str, translations) -> list[str]:
    problems = []
    if kind not in QuestionKind.values:
        problems.append(FieldProblem(_("Choose the kind of answer."), "kind"))
    if not (text or "").strip():
        problems.append(FieldProblem(_("Write the question."), "text"))
    offered = {t.lower() for t in survey.languages}
    for tag, said in (translations or {}).items():
        if tag.lower() not in offered:
            problems.append(FieldProblem(
                _("The round is not offered in %(language)s.") % {
                    "language": language_name(tag)}, "translations"))
        elif not (said or "").strip():
            problems.append(FieldProblem(
                _("The %(language)s question is empty.") % {"language": language_name(tag)},
                "translations"))
    return problems


@transaction.atomic
def question_add(*, round_id: int, kind: str, text: str, translations=None,
                 actor) -> SurveyQuestion:
    survey = locked_round(round_id)
    problems = _questions_frozen(survey) or _question_problems(survey, kind, text, translations)
    last = survey.questions.order_by("-position").values_list("position", flat=True).first()
    question = SurveyQuestion(round=survey, position=(last or 0) + 1, kind=kind,
                              text=(text or "").strip(), translations=translations or {})
    return save_and_audit(question, actor=actor, problems=problems)


def _locked_question(question_id: int, round_id: int | None):
    question = SurveyQuestion.objects.filter(pk=question_id).select_related("round").first()
    if question is None or (round_id is not None and question.round_id != round_id):
        raise Refusal(_("This question was already removed."))
    survey = locked_round(question.round_id)
    question = SurveyQuestion.objects.select_for_update().filter(pk=question_id).first()
    if question is None:
        raise Refusal(_("This question was already removed."))
    return survey, question


@transaction.atomic
def question_edit(*, question_id: int, kind: str, text: str, translations=None,
                  round_id: int | None = None, actor) -> SurveyQuestion:
    survey, question = _locked_question(question_id, round_id)
    problems = _questions_frozen(survey) or _question_problems(survey, kind, text, translations)
    question.kind, question.text = kind, (text or "").strip()
    question.translations = translations or {}
    return save_and_audit(question, actor=actor, problems=problems)


@transaction.atomic
def question_remove(*, question_id: int, round_id: int | None = None, actor) -> None:
    """Remove a question; the later ones move up a number."""
    survey, question = _locked_question(question_id, round_id)
    refuse(_questions_frozen(survey))
    audit_change(action=Action.DELETE, obj=question, actor=actor)
    question.delete()
    later = list(survey.questions.filter(position__gt=question.position).order_by("position"))
    survey.questions.filter(pk__in=[q.pk for q in later]).update(position=F("position") + 1000)
    for q in later:  # two steps: the unique (round, position) holds at every row
        SurveyQuestion.objects.filter(pk=q.pk).update(position=q.position - 1)


def _unchanged(question: SurveyQuestion, row: dict) -> bool:
    return (not row.get("delete") and question.kind == row.get("kind")
            and question.text == (row.get("text") or "").strip()
            and question.translations == (row.get("translations") or {}))


@transaction.atomic
def questions_save(*, round_id: int, rows, actor) -> None:
    """Rows of a question list (``id`` None: new; ``delete``: remove), in their order; a
    problem is said with the question's row number. Unchanged rows are left alone."""
    stored = {q.pk: q for q in SurveyQuestion.objects.filter(round_id=round_id)}
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        existing = stored.get(row.get("id"))
        if existing is not None and _unchanged(existing, row):
            continue
        if row.get("id") and existing is None:
            problems.append(_("Question %(n)s: it was already removed.") % {"n": number})
            continue
        values = {k: row.get(k) for k in ("kind", "text", "translations")}
        try:
            if existing is None:
                if not row.get("delete"):
                    question_add(round_id=round_id, actor=actor, **values)
            elif row.get("delete"):
                question_remove(question_id=existing.pk, round_id=round_id, actor=actor)
            else:
                question_edit(question_id=existing.pk, round_id=round_id, actor=actor, **values)
        except ValidationError as exc:
            problems += [_("Question %(n)s: %(problem)s") % {"n": number, "problem": m}
                         for m in exc.messages]
    refuse(problems)


# --- Responses ----------------------------------------------------------------------------------

def answer_problems(question: SurveyQuestion, value, column: str) -> list[str]:
    """Why ``value`` cannot answer ``question`` (``None`` or "" is no answer)."""
    if value in (None, ""):
        return []
    if question.kind == QuestionKind.SCALE:
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
            return [FieldProblem(_("A rating is a whole number from 1 to 5."), column)]
    elif question.kind == QuestionKind.YES_NO:
        if not isinstance(value, bool):
            return [FieldProblem(_("Answer yes or no."), column)]
    elif not isinstance(value, str):
        return [FieldProblem(_("Write the answer as text."), column)]
    return []


CLOSED = gettext_lazy("This survey round is closed: no more responses are recorded.")


def response_problems(survey: SurveyRound, member, received_on: date | None, mode: str,
                      language: str, today: date, *, invited: set[int] | None = None,
                      responded: set[int] | None = None) -> list[str]:
    """Why this household's response cannot be recorded (the answers apart). ``invited`` and
    ``responded`` (member ids), when given, stand for the queries (an import's rows)."""
    problems: list[str] = []
    if survey.closed:
        problems.append(str(CLOSED))
    if member is None:
        problems.append(FieldProblem(_("Give the member's MassHealth ID."), "member"))
    elif not (member.pk in invited if invited is not None else is_invited(survey, member)):
        problems.append(FieldProblem(
            _("This member was not enrolled on any day from %(start)s to %(end)s, so their "
              "household was not invited to this round.") % {
                "start": survey.period_start.isoformat(), "end": survey.period_end.isoformat()},
            "member"))
    elif (member.pk in responded if responded is not None
          else SurveyResponse.objects.filter(round=survey, member=member).exists()):
        problems.append(FieldProblem(
            _("A response from this household is already recorded for this round (one per "
              "household)."), "member"))
    if received_on is None:
        problems.append(FieldProblem(_("Give the day the response was received."),
                                     "received_on"))
    elif received_on < survey.period_start:
        problems.append(FieldProblem(
            _("A response cannot be received before the period starts (%(start)s).") % {
                "start": survey.period_start.isoformat()}, "received_on"))
    elif received_on > today:
        problems.append(FieldProblem(_("The day received cannot be in the future."),
                                     "received_on"))
    if mode not in ResponseMode.values:
        problems.append(FieldProblem(_("Say how the response came in."), "mode"))
    offered = {"en", *(t.lower() for t in survey.languages)}
    if language and language.lower() not in offered:
        problems.append(FieldProblem(
            _("The round is not offered in %(language)s.") % {"language": language_name(language)},
            "language"))
    return problems


def answer_rows(survey_questions, answers: dict) -> tuple[list[SurveyAnswer], list[str]]:
    """``answers`` ({question id: value}) as rows, and the problems (``q<position>``)."""
    problems: list[str] = []
    rows: list[SurveyAnswer] = []
    by_id = {q.pk: q for q in survey_questions}
    for qid, value in answers.items():
        question = by_id.get(qid)
        if question is None:
            problems.append(_("An answer is to a question this round does not ask."))
            continue
        column = f"q{question.position}"
        found = answer_problems(question, value, column)
        problems += found
        if found or value in (None, ""):
            continue
        if question.kind == QuestionKind.SCALE:
            rows.append(SurveyAnswer(question=question, score=value))
        elif question.kind == QuestionKind.YES_NO:
            rows.append(SurveyAnswer(question=question, yes=value))
        else:
            rows.append(SurveyAnswer(question=question, text=value.strip()))
    if not rows and not problems:
        problems.append(_("Record at least one answer."))
    return rows, problems


def save_response(survey, member, received_on, mode, language, rows, actor) -> SurveyResponse:
    response = SurveyResponse(round=survey, member=member, received_on=received_on, mode=mode,
                              language=language or "", recorded_by=actor)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # the loser of a race: the ordinary refusal
        raise Refusal({"member": [_("A response from this household is already recorded for "
                                    "this round (one per household).")]}) from None
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    audit_change(action=Action.CREATE, obj=response, member=member, actor=actor,
                 detail={"answers": len(rows)})
    return response


@transaction.atomic
def response_record(*, round_id: int, member, received_on: date, mode: str, language: str = "",
                    answers: dict, actor, today: date | None = None) -> SurveyResponse:
    """Record one household's response with its answers ({question id: value}), all or
    nothing."""
    today = today or timezone.localdate()
    survey = locked_round(round_id)
    problems = response_problems(survey, member, received_on, mode, language, today)
    rows, answer_problems_ = answer_rows(list(survey.questions.all()), answers)
    refuse(problems + answer_problems_)
    return save_response(survey, member, received_on, mode, language, rows, actor)


# --- Export -------------------------------------------------------------------------------------

def export_table(survey: SurveyRound, *, with_text: bool):
    """The round's responses, one row per household: ``(header, rows, member_ids)``. Free-text
    columns only ``with_text`` (VIEW_SURVEY_TEXT). Three queries."""
    questions = [q for q in survey.questions.order_by("position")
                 if with_text or q.kind != QuestionKind.TEXT]
    header = ["masshealth_id", "received_on", "mode", "language",
              *(f"q{q.position}" for q in questions)]
    responses = list(survey.responses.select_related("member").prefetch_related("answers")
                     .order_by("received_on", "pk"))
    rows, member_ids = [], []
    for response in responses:
        given = {a.question_id: a for a in response.answers.all()}
        cells = [response.member.masshealth_id, response.received_on, response.mode,
                 response.language]
        for q in questions:
            a = given.get(q.pk)
            cells.append("" if a is None else a.score if q.kind == QuestionKind.SCALE
                         else ("" if a.yes is None else "yes" if a.yes else "no")
                         if q.kind == QuestionKind.YES_NO else a.text)
        rows.append(cells)
        member_ids.append(response.member_id)
    return header, rows, member_ids


# --- The program dashboard ----------------------------------------------------------------------

@dataclass
class RoundSummary:
    survey: SurveyRound
    rate: Rate
    results: list[QuestionResult]


def survey_summary(period, today: date) -> list[RoundSummary] | None:
    """The rounds whose period overlaps the dashboard's ``period``, each with its response
    rate and results per question (never the texts): two queries whatever the number of
    rounds, questions or members. ``None`` when no round overlaps."""
    overlapping = SurveyRound.objects.filter(period_start__lte=period.end,
                                             period_end__gte=period.start)
    rounds = list(rounds_with_rates(overlapping).order_by("period_start", "pk"))
    if not rounds:
        return None
    results: dict[int, list[QuestionResult]] = {}
    for result in _aggregated(SurveyQuestion.objects.filter(
            round__in=[r.pk for r in rounds]).order_by("round", "position")):
        results.setdefault(result.question.round_id, []).append(result)
    return [RoundSummary(r, Rate(r.responded or 0, r.invited or 0), results.get(r.pk, []))
            for r in rounds]


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def survey_table(summary):
    """The dashboard section as a CSV table: ``(header, rows, member_ids)``, one row per
    question (no free text: text questions give their number answered only)."""
    header = ["round", "period_start", "period_end", "invited", "responded",
              "response_rate_percent", "question", "question_text", "kind", "answered",
              "mean_score",
              *(f"score_{n}" for n in SCORES), "yes", "share_yes_percent"]
    rows = []
    for s in summary or []:
        head = [s.survey.title, s.survey.period_start, s.survey.period_end, s.rate.invited,
                s.rate.responded, _fmt(s.rate.percent)]
        if not s.results:
            rows.append([*head, "", "", "", "", "", *("" for _n in SCORES), "", ""])
        for r in s.results:
            q, scale = r.question, r.question.kind == QuestionKind.SCALE
            yes_no = q.kind == QuestionKind.YES_NO
            rows.append([*head, f"q{q.position}", q.text, q.kind, r.answered,
                         _fmt(r.mean) if scale else "",
                         *((r.by_score[n] if scale else "") for n in SCORES),
                         r.yes if yes_no else "", _fmt(r.share_yes) if yes_no else ""])
    return header, rows, []
