"""What the database already holds for a caseload file, read up front in a fixed number of
queries (one per kind of record, whatever the number of members), so that matching and
checking each record of the file asks the database nothing more.

Each list keeps the order the member's own related manager gives (the model's ordering), so
records are matched exactly as one member at a time would match them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Q

from careplans.models import Assessment, CarePlan, CarePlanDelivery
from cares.base.staff.models import StaffProfile
from members.models import (
    CareTeamMember,
    Contact,
    Episode,
    Guardian,
    HospitalStay,
    Member,
    MonitoringReview,
    ReferralFollowUp,
    Removal,
    ServiceReferral,
    TransitionPlan,
)
from notices.models import Letter

# Values per ``__in`` lookup: far below SQLite's limit on bound parameters.
CHUNK = 5000


def chunks(values: Iterable) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def rows_in(queryset, field: str, values: Iterable) -> Iterator:
    """``queryset`` filtered by ``field__in=values``, a chunk at a time."""
    for chunk in chunks(values):
        yield from queryset.filter(**{f"{field}__in": chunk})


def _grouped(queryset, field: str, ids: Iterable) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for obj in rows_in(queryset, field, ids):
        found[getattr(obj, f"{field}")].append(obj)
    return found


# Each member-level list: (name, queryset). The member's own related manager's view.
_MEMBER_LISTS = (
    ("episodes", Episode.objects.select_related("primary_contact").order_by("referral_date",
                                                                          "pk")),
    ("guardians", Guardian.objects.all()),
    ("letters", Letter.objects.all()),
    ("assessments", Assessment.objects.all()),
    ("care_plans", CarePlan.objects.all()),
    ("monitoring", MonitoringReview.objects.all()),
    ("referrals", ServiceReferral.objects.all()),
    ("transition_plans", TransitionPlan.objects.all()),
    ("contacts", Contact.objects.filter(Q(with_member=True) | Q(with_guardian=True))),
    ("stays", HospitalStay.objects.filter(key__isnull=False)),
)


class Stored:
    """The stored records of the file's members (by key) and of its primary contacts."""

    def __init__(self, records: list[dict]):
        self.members: dict[str, Member] = {
            m.key: m for m in rows_in(Member.objects.all(), "key",
                                      [r["key"] for r in records])}
        ids = [m.pk for m in self.members.values()]
        self.lists = {name: _grouped(queryset, "member_id", ids)
                      for name, queryset in _MEMBER_LISTS}
        episodes = [e.pk for group in self.lists["episodes"].values() for e in group]
        self.removals: dict[int, Removal] = {}
        for removal in rows_in(Removal.objects.all(), "episode_id", episodes):
            self.removals.setdefault(removal.episode_id, removal)
        plans = [p.pk for group in self.lists["care_plans"].values() for p in group]
        self.deliveries = _grouped(CarePlanDelivery.objects.all(), "care_plan_id", plans)
        referrals = [r.pk for group in self.lists["referrals"].values() for r in group]
        self.follow_ups = _grouped(ReferralFollowUp.objects.all(), "referral_id", referrals)
        self.care_team = {(m, s) for m, s in rows_in(
            CareTeamMember.objects.filter(until__isnull=True).values_list("member_id",
                                                                          "staff_id"),
            "member_id", ids)}
        self.contacts: dict[str, StaffProfile] = {
            s.key: s for s in rows_in(
                StaffProfile.objects.select_related("user").prefetch_related("roles",
                                                                             "credentials"),
                "key", {r["primary_contact"] for r in records if r.get("primary_contact")})}

    def of(self, name: str, member: Member) -> list:
        """The member's stored ``name`` records (none for a new member)."""
        return list(self.lists[name].get(member.pk, ())) if member.pk else []

    def letters(self, member: Member, episode: Episode) -> list:
        return [letter for letter in self.of("letters", member)
                if episode.pk is not None and letter.episode_id == episode.pk]
