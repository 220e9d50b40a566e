"""Reads of member records, each with a bounded number of queries."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base import events
from cares.base.access import VIEW_ALL_MEMBERS, may, staff_profile
from members.access import visible_members
from members.coordination.models import ReferralStatus, ServiceReferral
from members.coordination.selectors import coordination_detail, coordination_events
from members.models import (
    APPROACHING_21,
    CareTeamMember,
    EligibilityEvaluation,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Member,
    Provider,
    Removal,
    folded,
)
from members.timeline import TimelineEvent

SCOPES = ("mine", "team", "all")
# The aftercare plan's fields that may start from values entered elsewhere (issue 16, item 7).
AFTERCARE_OFFERED = ("referrals", "services_in_place", "medications")


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def member_search(qs: QuerySet[Member], text: str) -> QuerySet[Member]:
    """Search by name (any part, accents and case ignored), date of birth (YYYY-MM-DD or
    MM/DD/YYYY) or MassHealth ID."""
    text = (text or "").strip()
    if not text:
        return qs
    digits = re.sub(r"\D", "", text)
    if digits and len(digits) == len(text.replace(" ", "")) and len(digits) >= 4:
        return qs.filter(masshealth_id__startswith=digits)
    born = _parse_date(text)
    if born:
        return qs.filter(date_of_birth=born)
    for word in text.split():  # accents and case ignored: "ramirez" finds "Ramírez"
        qs = qs.filter(search_name__contains=folded(word))
    return qs


def member_with_id(text: str | None, among: QuerySet[Member] | None = None) -> Member | None:
    """The member (of ``among``, by default all) whose MassHealth ID is ``text`` as typed,
    spaces and dashes ignored ("9000 0000 0060"); ``None`` for an empty or unknown ID."""
    masshealth_id = re.sub(r"[\s-]", "", text or "")
    if not masshealth_id:
        return None
    return (Member.objects.all() if among is None else among).filter(
        masshealth_id=masshealth_id).first()


def scopes_for(user) -> tuple[str, ...]:
    return SCOPES if may(user, VIEW_ALL_MEMBERS) else ("mine", "team")


SHOW = ("current", "closed", "all")


def caseload(user, *, scope: str = "mine", text: str = "", profile=None,
             show: str = "current") -> QuerySet[Member]:
    """The caseload list: members ``user`` may see, narrowed by ``scope`` and search text,
    annotated with the current episode's status and dates (one query). ``profile`` (for those
    who see every member) narrows "mine" and "team" to another staff member's. ``show``:
    "current" leaves out members whose latest episode closed before enrollment (reading 12),
    "closed" shows only those, "all" both."""
    qs = visible_members(user)
    if profile is None or not may(user, VIEW_ALL_MEMBERS):
        profile = staff_profile(user)
    if scope not in scopes_for(user):
        scope = "mine"
    latest = Episode.objects.filter(member=OuterRef("pk")).order_by("-referral_date", "-pk")
    if scope == "mine":  # primary contact of the member's current episode
        qs = qs.annotate(current_primary=Subquery(latest.values("primary_contact")[:1])) \
            .filter(current_primary=profile.pk) if profile else qs.none()
    elif scope == "team":
        on_team = CareTeamMember.objects.filter(member=OuterRef("pk"), staff=profile,
                                                until__isnull=True)
        qs = qs.filter(Exists(on_team)) if profile else qs.none()
    qs = member_search(qs, text).annotate(
        episode_status=Subquery(latest.values("status")[:1]),
        episode_referral=Subquery(latest.values("referral_date")[:1]),
        episode_effective=Subquery(latest.values("effective_date")[:1]),
        primary_first=Subquery(latest.values("primary_contact__user__first_name")[:1]),
        primary_last=Subquery(latest.values("primary_contact__user__last_name")[:1]),
    )
    closed = closed_before_enrollment()
    if show == "closed":
        qs = qs.filter(pk__in=closed)
    elif show != "all":  # (a member with no episode yet has no status: kept)
        qs = qs.exclude(pk__in=closed)
    return qs.order_by("legal_last_name", "legal_first_name", "pk")


def closed_before_enrollment() -> QuerySet:
    """The ids of members whose latest episode closed before enrollment (reading 12): the
    few such episodes that no later one follows. Not correlated with the list it narrows, so
    the database reads those episodes once rather than finding every member's latest
    episode (at 20,000 members the referrals list counted 31,000 referrals that way)."""
    later = Episode.objects.filter(member=OuterRef("member")).filter(
        Q(referral_date__gt=OuterRef("referral_date"))
        | Q(referral_date=OuterRef("referral_date"), pk__gt=OuterRef("pk")))
    return (Episode.objects.filter(status__in=Episode.CLOSED_BEFORE_ENROLLMENT)
            .exclude(Exists(later)).values("member_id"))


def status_label(status: str | None) -> str:
    return EpisodeStatus(status).label if status else _("No referral")


def turning_21_flag(member: Member, on: date) -> str:
    """'' | 'approaching' (from 20½, PS VI.C.5) | 'aged_out' (21: remove, PS IX.A.1)."""
    if on >= member.birthday_21:
        return "aged_out"
    if on >= member.transfer_planning_from:
        return "approaching"
    return ""


def members_turning_21(qs: QuerySet[Member], on: date) -> QuerySet[Member]:
    """Members aged 20½ or more on ``on`` (PS VI.C.5)."""
    # The latest birth date whose 20½ birthday (PS VI.C.5) falls on or before ``on``; stepping
    # back by relativedelta alone is off by a day or two at month ends.
    half = APPROACHING_21
    cutoff = on - half
    while cutoff + timedelta(days=1) + half <= on:
        cutoff += timedelta(days=1)
    return qs.filter(date_of_birth__lte=cutoff)


def member_detail(member: Member, *, recent_contacts: int | None = None) -> dict:
    """Everything the member page shows, in a fixed number of queries (only the
    ``recent_contacts`` latest contacts, when given: ``coordination_detail``)."""
    episodes = list(
        member.episodes.select_related("primary_contact__user", "referring_contact",
                                       "engagement", "removal")
        .prefetch_related(
            Prefetch("evaluations", queryset=EligibilityEvaluation.objects.select_related(
                "evaluator__user")),
            Prefetch("status_changes", queryset=EpisodeStatusChange.objects.select_related(
                "changed_by")))
    )
    # every membership, past ones for the timeline (``_care_team_events``)
    memberships = list(CareTeamMember.objects.filter(member=member)
                       .select_related("staff__user"))
    return {
        "episodes": episodes,
        "episode": episodes[0] if episodes else None,
        "guardians": list(member.guardians.all()),
        "contacts": list(member.contacts.select_related("provider")),
        "releases": list(member.releases.select_related("provider")),
        "care_team": [m for m in memberships if m.until is None],
        "memberships": memberships,
        "coordination": coordination_detail(member, today(), recent_contacts=recent_contacts),
    }


_STATUS_RANK = {status: 10 * (i + 1) for i, status in enumerate(EpisodeStatus)}


def member_timeline(member: Member, detail: dict | None = None, *,
                    clinical: bool) -> list[TimelineEvent]:
    """Everything that happened to the member, newest first. Without ``clinical``
    (``cares.base.access.may_see_clinical``) clinical detail such as an evaluation's rationale is
    left out."""
    detail = detail or member_detail(member)
    events: list[TimelineEvent] = []
    for episode in detail["episodes"]:
        events.extend(_status_events(episode))
        events.extend(_intake_events(episode, clinical=clinical))
        events.extend(_removal_events(episode))
    events.extend(_release_events(detail["releases"]))
    coordination = detail.get("coordination") or coordination_detail(member, today())
    events.extend(coordination_events(coordination, clinical=clinical))
    memberships = detail["memberships"] if "memberships" in detail else \
        CareTeamMember.objects.filter(member=member).select_related("staff__user")
    events.extend(_care_team_events(memberships))
    return sorted(events, key=lambda e: e.sort_key, reverse=True)


def _status_events(episode: Episode) -> list[TimelineEvent]:
    """Each status move, by whom; a closing before enrollment with its reason and note."""
    events = []
    for change in episode.status_changes.all():
        by = f" · {change.changed_by}" if change.changed_by else ""
        label = EpisodeStatus(change.to_status).label
        detail_text = by.lstrip(" ·")
        if change.to_status == EpisodeStatus.CLOSED_UNENROLLED and episode.closure_reason:
            label = _("Closed before enrollment: %(reason)s") % {
                "reason": episode.get_closure_reason_display()}
            if episode.closure_note:
                detail_text = " · ".join(p for p in (detail_text, episode.closure_note) if p)
        events.append(TimelineEvent(change.on, label, detail_text,
                                    _status_citation(change.to_status),
                                    _STATUS_RANK[change.to_status]))
    return events


def _intake_events(episode: Episode, *, clinical: bool) -> list[TimelineEvent]:
    """The eligibility evaluations (the rationale only for ``clinical``) and the education
    before consent (PS I, VIII)."""
    events = []
    for evaluation in episode.evaluations.all():
        events.append(TimelineEvent(
            evaluation.evaluated_on,
            _("Eligibility evaluated: %(result)s") % {
                "result": _("eligible") if evaluation.eligible else _("not eligible")},
            f"{evaluation.evaluator} · {evaluation.rationale}" if clinical
            else str(evaluation.evaluator), "PS I, VIII",
            _STATUS_RANK[EpisodeStatus.ELIGIBLE]))
    engagement = getattr(episode, "engagement", None)
    if engagement:
        consented = _STATUS_RANK[EpisodeStatus.CONSENTED]
        events.append(TimelineEvent(engagement.educated_on, _("Educated about CARES"),
                                    engagement.get_education_mode_display(), "PS VIII",
                                    consented - 3))
        events.append(TimelineEvent(engagement.rights_given_on,
                                    _("Rights and responsibilities given"), "", "PS VIII",
                                    consented - 2))
        events.append(TimelineEvent(engagement.choice_explained_on,
                                    _("Right to choose providers explained"), "", "PS VIII",
                                    consented - 1))
    return events


def _removal_events(episode: Episode) -> list[TimelineEvent]:
    """Removal of assignment, its consent and the aftercare plan's completion (PS IX)."""
    removal = getattr(episode, "removal", None)
    if not removal:
        return []
    events = [TimelineEvent(
        removal.initiated_on, _("Removal of assignment initiated: %(reason)s")
        % {"reason": removal.get_reason_display()},
        _("planned termination %(date)s") % {
            "date": removal.planned_termination_date.isoformat()}, "PS IX.A",
        _STATUS_RANK[EpisodeStatus.REMOVAL_INITIATED] - 1)]
    if removal.consent_signed_on:
        events.append(TimelineEvent(removal.consent_signed_on, _("Removal consent signed"),
                                    removal.consent_signed_by, "PS IX.B.1"))
    if removal.plan_completed_on:
        events.append(TimelineEvent(removal.plan_completed_on,
                                    _("Aftercare/transition plan complete"), "", "PS IX.B"))
    return events


def _release_events(releases) -> list[TimelineEvent]:
    events = []
    for release in releases:
        events.append(TimelineEvent(release.signed_on, _("Release of information signed"),
                                    release.party, "PS VIII"))
        if release.revoked_on:
            events.append(TimelineEvent(release.revoked_on, _("Release of information revoked"),
                                        release.party, "PS VIII"))
    return events


def _care_team_events(memberships) -> list[TimelineEvent]:
    events = []
    for membership in memberships:
        events.append(TimelineEvent(membership.since, _("Joined the care team"),
                                    f"{membership.staff} · {membership.get_role_display()}"))
        if membership.until:
            events.append(TimelineEvent(membership.until, _("Left the care team"),
                                        str(membership.staff)))
    return events


def _status_citation(status: str) -> str:
    return {
        EpisodeStatus.REFERRED: "PS VIII",
        EpisodeStatus.ELIGIBLE: "PS I, VIII",
        EpisodeStatus.INELIGIBLE: "PS I, VIII",
        EpisodeStatus.CONSENTED: "PS VIII",
        EpisodeStatus.ENROLLED: "PS VIII",
        EpisodeStatus.REMOVAL_INITIATED: "PS IX.A",
        EpisodeStatus.TERMINATED: "PS IX",
        EpisodeStatus.CLOSED_UNENROLLED: "PS VIII",
    }[status]


def today() -> date:
    return timezone.localdate()


def provider_search(text: str = "") -> QuerySet:
    """The provider and agency directory, narrowed by words found in the organization, the
    contact person, the phone number or the e-mail address."""
    qs = Provider.objects.all()
    for word in (text or "").split():
        qs = qs.filter(Q(organization__icontains=word) | Q(person__icontains=word)
                       | Q(phone__icontains=word) | Q(email__icontains=word))
    return qs


def aftercare_starting_values(removal: Removal) -> dict[str, dict[str, str]]:
    """The aftercare/transition plan's empty fields (PS IX.B) and what they may start from:
    {field: {"value", "source"}}. ``careplans`` answers for the medications and the services
    in place (``cares.base.events.aftercare_starting_values``); the member's open referrals
    are the referrals. Only offered: nothing is saved until the user saves."""
    member_id = removal.episode.member_id
    found = dict(events.ask(events.aftercare_starting_values, member_id=member_id))
    open_referrals = ServiceReferral.objects.filter(member_id=member_id).exclude(
        status=ReferralStatus.CLOSED).select_related("provider").order_by("referred_on", "pk")
    lines = [", ".join(p for p in (r.service, r.provider.organization if r.provider else "",
                                   _("referred %(date)s") % {"date": r.referred_on.isoformat()})
                       if p) + f" ({r.get_status_display()})" for r in open_referrals]
    if lines:
        found["referrals"] = {"value": "\n".join(lines),
                              "source": _("from the member's open referrals")}
    return {name: offer for name, offer in found.items()
            if name in AFTERCARE_OFFERED and not getattr(removal, name).strip()}
