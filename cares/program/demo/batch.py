"""The rows of a chunk of synthetic members (``cares.program.demo.program``), written with
bulk inserts, parents before children."""

from __future__ import annotations

from dataclasses import dataclass, field

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from members.models import (
    CareTeamMember,
    Contact,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatusChange,
    Guardian,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    ReleaseOfInformation,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter


@dataclass
class Batch:
    """The rows of a chunk of members, in the order they must be inserted."""

    members: list = field(default_factory=list)
    episodes: list = field(default_factory=list)  # (member, Episode)
    after_episode: list = field(default_factory=list)  # callables(episode) -> rows
    rows: dict = field(default_factory=dict)  # model -> list of rows with saved parents
    plans: list = field(default_factory=list)  # (member, [CarePlan v1, v2, ...], deliveries)
    referrals: list = field(default_factory=list)  # (ServiceReferral, follow-up date | None)

    def add(self, model, row) -> None:
        self.rows.setdefault(model, []).append(row)


def insert(batch: Batch) -> None:
    """Insert a chunk's rows, parents before children."""
    for history in batch.members:
        history.member.fold_names()  # bulk_create does not call save()
    Member.objects.bulk_create([h.member for h in batch.members], batch_size=500)
    dependents = []
    episodes = []
    for history in batch.members:
        member = history.member
        history.guardians(member)
        plan = history.episodes_plan
        for n, (status, referred) in enumerate(plan):
            episode, make = history.episode_rows(member, status, referred, n == len(plan) - 1)
            episodes.append(episode)
            dependents.append((episode, make))
        history.care_team(member, plan[-1][1])
    Episode.objects.bulk_create(episodes, batch_size=500)
    for episode, make in dependents:
        make(episode)
    # A stay before the reassessment it suggested; a review after the ICP version it asked for.
    for model in (EpisodeStatusChange, EligibilityEvaluation, Engagement, Removal,
                  CareTeamMember, Guardian, HospitalStay, Assessment, TransitionPlan,
                  ReleaseOfInformation, Letter, Contact):
        model.objects.bulk_create(batch.rows.get(model, []), batch_size=500)
    depth = max((len(plans) for plans, _d in batch.plans), default=0)
    for level in range(depth):
        level_plans = []
        for plans, _d in batch.plans:
            if level < len(plans):
                if level:
                    plans[level].previous = plans[level - 1]
                level_plans.append(plans[level])
        CarePlan.objects.bulk_create(level_plans, batch_size=500)
    MonitoringReview.objects.bulk_create(batch.rows.get(MonitoringReview, []), batch_size=500)
    CarePlanDelivery.objects.bulk_create(
        [CarePlanDelivery(care_plan=plans[level], language=language, medium=medium,
                          delivered_on=on, recipient="Parent Example")
         for plans, deliveries in batch.plans for level, rows in deliveries.items()
         for language, medium, on in rows], batch_size=500)
    ServiceReferral.objects.bulk_create([r for r, _f in batch.referrals], batch_size=500)
    ReferralFollowUp.objects.bulk_create(
        [ReferralFollowUp(referral=r, followed_up_on=f, with_whom="Parent Example",
                          services_received=True, met_need=True)
         for r, f in batch.referrals if f is not None], batch_size=500)
