"""Quality records of the demo program (issue 18, PS VII): one open review request from
MassHealth's designee about two enrolled members, last quarter's experience survey round with
responses from about a third of the households, three grievances (one resolved on time, one
acknowledged and open, one not yet acknowledged and late), and outcomes for the goals of
finalized ICPs whose target date has passed. Fictional.

Everything goes through the services (the same checks as the pages), as the program director
at work. Safe to run again: each part is skipped when its records exist. No packet is made
here: making one is the worker's job, started from the request's page."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from careplans.models import (
    CarePlan,
    CarePlanStatus,
    Goal,
    GoalAchievement,
    GoalKind,
    GoalOutcome,
    GoalTerm,
)
from careplans.outcomes import goal_outcome_record
from cares.base.staff.models import Role, StaffProfile
from members.models import (
    Episode,
    EpisodeStatus,
    Grievance,
    GrievanceFrom,
    GrievanceTopic,
    Member,
    QuestionKind,
    ResponseMode,
    ReviewKind,
    ReviewRequest,
    SurveyRound,
)
from members.quality.grievances import (
    grievance_acknowledge,
    grievance_record,
    grievance_resolve,
)
from members.quality.requests import request_create
from members.quality.surveys import question_add, response_record, round_create

SURVEY_TITLE = "Family experience survey"
QUESTIONS = (
    (QuestionKind.SCALE, "How well does your care coordinator know your child's needs?",
     {"es": "¿Qué tan bien conoce su coordinador de cuidado las necesidades de su hijo/a?",
      "vi": "Điều phối viên chăm sóc hiểu nhu cầu của con quý vị đến mức nào?"}),
    (QuestionKind.SCALE, "How easy is it to reach the program when you need help?",
     {"es": "¿Qué tan fácil es comunicarse con el programa cuando necesita ayuda?",
      "vi": "Liên lạc với chương trình khi cần giúp đỡ có dễ không?"}),
    (QuestionKind.YES_NO, "Did you receive a copy of the care plan in your language?",
     {"es": "¿Recibió una copia del plan de cuidado en su idioma?",
      "vi": "Quý vị có nhận được bản kế hoạch chăm sóc bằng ngôn ngữ của mình không?"}),
    (QuestionKind.TEXT, "What could we do better?",
     {"es": "¿Qué podríamos hacer mejor?", "vi": "Chúng tôi có thể làm gì tốt hơn?"}),
)
COMMENTS = ("More evening appointments would help.", "Our coordinator is wonderful.",
            "Please send the school letters sooner.", "")


@dataclass
class Seeded:
    requests: int = 0
    responses: int = 0
    grievances: int = 0
    outcomes: int = 0

    def words(self) -> str:
        return (f"Quality records: {self.requests} review requests, {self.responses} survey "
                f"responses, {self.grievances} grievances, {self.outcomes} goal outcomes "
                f"added.")


def _director() -> StaffProfile | None:
    return (StaffProfile.objects.filter(active=True, roles__role=Role.PROGRAM_DIRECTOR,
                                        roles__is_backup=False)
            .select_related("user").order_by("pk").first())


def _enrolled(on: date, limit: int) -> list[Member]:
    """Members enrolled on ``on`` (and still), oldest enrollment first."""
    ids = list(Episode.objects.filter(status=EpisodeStatus.ENROLLED, effective_date__lte=on)
               .order_by("effective_date", "pk").values_list("member_id", flat=True)[:limit])
    found = Member.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def seed_request(today: date, actor, seeded: Seeded) -> None:
    if ReviewRequest.objects.exists():
        return
    ids = [m.masshealth_id for m in _enrolled(today - timedelta(days=400), 2)]
    if not ids:
        return
    request_create(
        reference="UR-2026-0417", kind=ReviewKind.UTILIZATION,
        requester="MassHealth utilization review (designee)",
        requester_contact="ur-requests@example.org", received_on=today - timedelta(days=6),
        due_on=today + timedelta(days=8),
        asked=("Case management records supporting CARES services for the past year: "
               "assessments, care plans, monitoring and contact notes."),
        masshealth_ids=ids, records_from=today - relativedelta(years=1), records_to=today,
        actor=actor)
    seeded.requests += 1


def _period(today: date) -> tuple[date, date]:
    """Last calendar quarter."""
    first_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = first_this - relativedelta(months=3)
    return start, first_this - timedelta(days=1)


def seed_survey(today: date, actor, seeded: Seeded) -> None:
    if SurveyRound.objects.exists():
        return
    start, end = _period(today)
    survey = round_create(title=SURVEY_TITLE, period_start=start, period_end=end,
                          languages=["en", "es", "vi"], actor=actor)
    questions = [question_add(round_id=survey.pk, kind=kind, text=text, translations=words,
                              actor=actor) for kind, text, words in QUESTIONS]
    rng = random.Random("demo-survey")  # noqa: S311 (fictional data, repeatable)
    for n, member in enumerate(_enrolled(start, 300)):
        if rng.random() > 0.35:
            continue
        answers = {questions[0].pk: rng.choice((3, 4, 4, 5, 5)),
                   questions[1].pk: rng.choice((2, 3, 4, 5)),
                   questions[2].pk: rng.random() < 0.8,
                   questions[3].pk: COMMENTS[n % len(COMMENTS)]}
        response_record(round_id=survey.pk, member=member,
                        received_on=min(end + timedelta(days=1 + n % 20), today),
                        mode=(ResponseMode.PAPER, ResponseMode.PHONE)[n % 2],
                        language="en", answers=answers, actor=actor, today=today)
        seeded.responses += 1


GRIEVANCES = (
    # (days ago received, from, who, topic, what, acknowledged after, resolved after, resolution)
    (40, "A parent", GrievanceFrom.FAMILY, GrievanceTopic.LANGUAGE,
     "The enrollment letter arrived in English only; the family reads Vietnamese.", 2, 12,
     "Letter re-sent in Vietnamese; the Vietnamese template was approved by a qualified "
     "translator; staff reminded to check the family's language before release."),
    (20, "A school nurse", GrievanceFrom.PROVIDER, GrievanceTopic.TIMELINESS,
     "Waited two weeks for a call back about the emergency plan.", 3, None, ""),
    (9, "A grandparent", GrievanceFrom.FAMILY, GrievanceTopic.COORDINATION,
     "Not told about the change of care coordinator.", None, None, ""),
)


def seed_grievances(today: date, actor, seeded: Seeded) -> None:
    if Grievance.objects.exists():
        return
    for ago, who, kind, topic, what, ack, resolved, resolution in GRIEVANCES:
        received = today - timedelta(days=ago)
        grievance = grievance_record(received_on=received, from_name=who, from_kind=kind,
                                     topic=topic, description=what, actor=actor)
        if ack is not None:
            grievance_acknowledge(grievance_id=grievance.pk,
                                  acknowledged_on=received + timedelta(days=ack), actor=actor)
        if resolved is not None:
            grievance_resolve(grievance_id=grievance.pk, resolution=resolution,
                              resolved_on=received + timedelta(days=resolved), actor=actor)
        seeded.grievances += 1


DEMO_GOALS = (
    (GoalKind.CLINICAL, GoalTerm.SHORT, 90,
     "Fewer than two asthma flares a month, with the action plan at home and school."),
    (GoalKind.FUNCTIONAL, GoalTerm.LONG, 240,
     "Uses the communication device to ask for help at school."),
)


def seed_plan_goals(limit: int) -> None:
    """The synthetic members' finalized ICP versions are written without goals
    (``cares.program.demo.program`` seeds the history in bulk); give the first ``limit`` of
    them two goals each, as if written with the plan (target dates from its finalization).
    Seeded in bulk for the same reason: the versions are already finalized."""
    plans = list(CarePlan.objects.filter(
        status__in=[CarePlanStatus.FINALIZED, CarePlanStatus.SUPERSEDED], goals__isnull=True)
        .order_by("pk").values_list("pk", "finalized_on")[:limit])
    Goal.objects.bulk_create([
        Goal(plan_id=pk, order=n, kind=kind, term=term, description=text,
             target_date=finalized_on + timedelta(days=days))
        for pk, finalized_on in plans if finalized_on
        for n, (kind, term, days, text) in enumerate(DEMO_GOALS)])


def seed_goal_outcomes(today: date, actor, seeded: Seeded, limit: int = 120) -> None:
    """Outcomes for goals of finalized ICP versions whose target date has passed: most met
    on or before the target date, some late, some partly met or not met."""
    if GoalOutcome.objects.exists():
        return
    seed_plan_goals(limit)
    goals = list(Goal.objects.filter(
        plan__status__in=[CarePlanStatus.FINALIZED, CarePlanStatus.SUPERSEDED],
        target_date__lt=today).select_related("plan").order_by("target_date", "pk")[:limit])
    rng = random.Random("demo-goals")  # noqa: S311 (fictional data, repeatable)
    for goal in goals:
        roll = rng.random()
        assessed = min(goal.target_date + timedelta(days=7), today)
        if roll < 0.6:
            achievement, met_on = GoalAchievement.MET, goal.target_date - timedelta(
                days=rng.randint(0, 20))
        elif roll < 0.7:
            achievement, met_on = GoalAchievement.MET, min(
                goal.target_date + timedelta(days=rng.randint(1, 6)), assessed)
        elif roll < 0.85:
            achievement, met_on = GoalAchievement.PARTLY_MET, None
        else:
            achievement, met_on = GoalAchievement.NOT_MET, None
        goal_outcome_record(goal=goal, achievement=achievement, achieved_on=met_on,
                            assessed_on=assessed, note="", actor=actor)
        seeded.outcomes += 1


@transaction.atomic
def seed_demo_quality(today: date | None = None) -> Seeded:
    """Seed the demo program's quality records (see the module's docstring)."""
    today = today or timezone.localdate()
    seeded = Seeded()
    director = _director()
    if director is None:
        return seeded
    actor = director.user
    seed_request(today, actor, seeded)
    seed_survey(today, actor, seeded)
    seed_grievances(today, actor, seeded)
    seed_goal_outcomes(today, actor, seeded)
    return seeded
