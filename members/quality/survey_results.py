"""Who is invited to a survey round, its response rate and its results per question
(PS VII.A): the reads and the arithmetic behind ``members.quality.surveys`` (the rules are
stated there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from members.models import (
    Episode,
    QuestionKind,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)

SCORES = (1, 2, 3, 4, 5)

# --- Who is invited -----------------------------------------------------------------------------

def enrolled_between(start: date, end: date):
    """Episodes enrolled on at least one day from ``start`` to ``end`` (both included)."""
    return Episode.objects.filter(effective_date__isnull=False, effective_date__lte=end).filter(
        Q(termination_date__isnull=True) | Q(termination_date__gte=start))


def is_invited(survey: SurveyRound, member) -> bool:
    return enrolled_between(survey.period_start, survey.period_end).filter(
        member=member).exists()


def _invited_count():
    """Households invited to the round ``OuterRef`` (a subquery: one number per round)."""
    episodes = Episode.objects.filter(
        effective_date__isnull=False, effective_date__lte=OuterRef("period_end")).filter(
        Q(termination_date__isnull=True) | Q(termination_date__gte=OuterRef("period_start")))
    return Subquery(episodes.order_by().annotate(n=Func(
        F("member"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)",
        output_field=IntegerField())).values("n")[:1], output_field=IntegerField())


def _responded_count():
    responses = SurveyResponse.objects.filter(round=OuterRef("pk")).order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")[:1]
    return Subquery(responses, output_field=IntegerField())


def rounds_with_rates(rounds=None):
    """Rounds (default: all) with ``invited`` and ``responded`` (one query)."""
    rounds = SurveyRound.objects.all() if rounds is None else rounds
    return rounds.annotate(invited=_invited_count(), responded=_responded_count())


# --- Arithmetic ---------------------------------------------------------------------------------

def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; ``None`` when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Rate:
    responded: int
    invited: int

    @property
    def percent(self) -> float | None:
        return percent(self.responded, self.invited)

    def __str__(self) -> str:
        if not self.invited:
            return _("no households invited")
        return _("%(responded)s of %(invited)s households (%(percent)s%%)") % {
            "responded": self.responded, "invited": self.invited,
            "percent": f"{self.percent:.1f}"}


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    mean: float | None = None  # scale
    by_score: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))
    yes: int = 0  # yes/no
    texts: list[str] = field(default_factory=list)  # only when asked for (VIEW_SURVEY_TEXT)

    @property
    def share_yes(self) -> float | None:
        return percent(self.yes, self.answered)

    @property
    def score_counts(self) -> list[tuple[int, int]]:
        return list(self.by_score.items())


def result_of(question: SurveyQuestion, answers) -> QuestionResult:
    """A question's result from its answers (``SurveyAnswer`` rows or like objects)."""
    result = QuestionResult(question)
    if question.kind == QuestionKind.SCALE:
        scores = [a.score for a in answers if a.score is not None]
        result.answered = len(scores)
        for score in scores:
            result.by_score[score] += 1
        result.mean = round(sum(scores) / len(scores), 1) if scores else None
    elif question.kind == QuestionKind.YES_NO:
        given = [a.yes for a in answers if a.yes is not None]
        result.answered, result.yes = len(given), sum(1 for v in given if v)
    else:
        result.answered = sum(1 for a in answers if a.text)
    return result


def aggregated(questions) -> list[QuestionResult]:
    """Results of ``questions`` (a queryset) aggregated in the database: one query."""
    counted = {f"s{n}": Count("answers", filter=Q(answers__score=n)) for n in SCORES}
    rows = questions.annotate(
        n_score=Count("answers", filter=Q(answers__score__isnull=False)),
        n_yes_no=Count("answers", filter=Q(answers__yes__isnull=False)),
        n_yes=Count("answers", filter=Q(answers__yes=True)),
        n_text=Count("answers", filter=~Q(answers__text="")),
        mean=Avg("answers__score"), **counted).select_related("round")
    results = []
    for q in rows:
        result = QuestionResult(q)
        if q.kind == QuestionKind.SCALE:
            result.answered = q.n_score
            result.mean = round(q.mean, 1) if q.mean is not None else None
            result.by_score = {n: getattr(q, f"s{n}") for n in SCORES}
        elif q.kind == QuestionKind.YES_NO:
            result.answered, result.yes = q.n_yes_no, q.n_yes
        else:
            result.answered = q.n_text
        results.append(result)
    return results


def round_results(survey: SurveyRound, *, with_text: bool = False) -> list[QuestionResult]:
    """Each question's result (one query; one more for the texts when ``with_text``)."""
    results = aggregated(SurveyQuestion.objects.filter(round=survey).order_by("position"))
    if with_text:
        texts: dict[int, list[str]] = {}
        for qid, text in SurveyAnswer.objects.filter(
                question__round=survey, question__kind=QuestionKind.TEXT).exclude(
                text="").order_by("response__received_on", "pk").values_list(
                "question_id", "text"):
            texts.setdefault(qid, []).append(text)
        for result in results:
            result.texts = texts.get(result.question.pk, [])
    return results


def round_rate(survey: SurveyRound) -> Rate:
    found = rounds_with_rates(SurveyRound.objects.filter(pk=survey.pk)).first()
    return Rate(found.responded or 0, found.invited or 0)
