"""Who may see which member (care-team scoping), each read recorded; the base's
``cares.base.access`` decides the permissions, this module applies them to members.

Views, downloads and exports of one member go through ``member_view`` / ``member_for``:
anything not granted is a 404 (a member outside one's care teams looks like no member) and a
denied-access audit event.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cares.base.access import (
    MANAGE_MEMBERS,
    VIEW_ALL_MEMBERS,
    VIEW_MEMBER,
    may,
    may_answer_consultations,
    staff_profile,
)
from cares.base.audit.models import Action, BreakGlassGrant, Priority
from cares.base.audit.services import acting_user, audit_record
from members.models import BackupCoverage, CareTeamMember, ConsultationRequest, Member

# --- Members: care-team scoping ---------------------------------------------------------------


def visible_members(user, *, break_glass: bool = True):
    """The members ``user`` may see: every member for senior care managers and the program
    director; the members of their current care teams for coordinators and family support
    staff, plus any opened by an unexpired break-glass grant (when ``break_glass``); nobody
    for anyone else.

    For a care team, one ``IN`` over the union of the ids they see (care teams, coverage,
    grants): the database starts from those few members rather than testing every member
    (issue 20: a coordinator's member list at 20,000 members)."""
    profile = staff_profile(user)
    if not _sees_anyone(user, profile):
        return Member.objects.none()
    if may(user, VIEW_ALL_MEMBERS):
        return Member.objects.all()
    ids = [CareTeamMember.objects.filter(staff=profile, until__isnull=True)
           .values("member_id"), *_covering(profile)]
    if break_glass:
        ids.append(BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now())
                   .values("member_id"))
    ids = [part.order_by() for part in ids]  # no ORDER BY inside a UNION (SQLite)
    return Member.objects.filter(pk__in=ids[0].union(*ids[1:]))


def _sees_anyone(user, profile) -> bool:
    """Whether ``visible_members`` sees anyone: an active staff profile (or none, for a
    user who sees every member) with the permission to see members."""
    if profile is not None and not profile.active:
        return False
    return may(user, VIEW_ALL_MEMBERS) or (profile is not None and may(user, VIEW_MEMBER))


def care_team_members(user):
    """The members of ``user``'s current care teams, all of whom ``visible_members`` sees
    whenever it sees anyone: read from the care-team index alone (no coverage, no
    break-glass), for the coordinator's own lists."""
    profile = staff_profile(user)
    if profile is None or not _sees_anyone(user, profile):
        return Member.objects.none()
    return Member.objects.filter(pk__in=CareTeamMember.objects.filter(
        staff=profile, until__isnull=True).values("member_id"))


def running_coverage(profile, now=None):
    """The backup coverages ``profile`` holds at ``now`` (default: this minute): they begin
    at ``starts_at`` and end by themselves at ``ends_at``, a pure time comparison."""
    now = now or timezone.now()
    return BackupCoverage.objects.filter(backup=profile, starts_at__lte=now, ends_at__gt=now)


def _covering(profile) -> list:
    """The ids of the members seen through a running backup coverage (PS IV.A.4): the listed
    members, or the covered colleague's current caseload when none are listed (two
    queries of ids, for ``visible_members``' union)."""
    running = running_coverage(profile)
    listed = BackupCoverage.members.through.objects.filter(
        backupcoverage__in=running).values("member_id")
    caseload = CareTeamMember.objects.filter(
        until__isnull=True,
        staff_id__in=running.filter(members__isnull=True).values("covered_id")
    ).values("member_id")
    return [listed, caseload]


def coverage_of(user, member):
    """The id of the running coverage through which ``user`` sees ``member``, if any."""
    profile = staff_profile(user)
    if profile is None:
        return None
    running = running_coverage(profile)
    caseload = CareTeamMember.objects.filter(member=member, until__isnull=True).values("staff_id")
    return (running.filter(Q(members=member) | Q(members__isnull=True, covered_id__in=caseload))
            .order_by("pk").values_list("pk", flat=True).first())


def may_download_responder_card(user, member) -> bool:
    """A printed responder card carries a live bearer link (PS VI.A.1.c.5.e), so only those
    who see ``member`` without a break-glass grant download it (the care team, those who see
    every member). Break-glass access is read-only and short-lived: it never yields a link
    that outlasts it."""
    return visible_members(user, break_glass=False).filter(pk=member.pk).exists()


def may_change_member(user, member) -> bool:
    """Write access to ``member``: the permission to manage members and the member on one's
    care teams (or every member, for those who see all). Break-glass access is read only."""
    return may(user, MANAGE_MEMBERS) and visible_members(user, break_glass=False).filter(
        pk=getattr(member, "pk", member)).exists()


def member_for(user, pk: int, *, change: bool = False, record_read: bool = True):
    """The member with ``pk`` if ``user`` may see it, with the read recorded in the audit log.

    Otherwise 404 (a member outside one's care team is indistinguishable from none) and a
    denied-access audit event. ``change=True`` asks for write access (``may_change_member``):
    403 for a user who may only read, and break-glass access does not grant it (404).
    ``record_read=False`` leaves the read to the caller (``record_member_read``), for a view
    that may still refuse part of the record (a clinical document): that is a denial, not a
    read.
    """
    found = visible_members(user, break_glass=not change).filter(pk=pk)
    by_team = may(user, VIEW_ALL_MEMBERS)
    if not by_team:  # seen through the care team, a coverage or only a break-glass grant?
        found = found.annotate(on_team=Exists(CareTeamMember.objects.filter(
            member=OuterRef("pk"), staff=staff_profile(user), until__isnull=True)))
    member = found.first()
    if member is None or (change and not may_change_member(user, member)):
        exists = member is not None or Member.objects.filter(pk=pk).exists()
        audit_record(action=Action.DENIED, actor=user, member=pk if exists else None,
                     detail={"member_id": pk, "change": change})
        if member is None:
            raise Http404
        raise PermissionDenied
    member.cares_read_via_team = by_team or member.on_team
    if not member.cares_read_via_team:  # a backup coverage is the team's own access, marked
        member.cares_read_via_coverage = coverage_of(user, member)
        member.cares_read_via_team = member.cares_read_via_coverage is not None
    if record_read:
        record_member_read(user, member, change=change)
    return member


def record_member_read(user, member, *, change: bool = False) -> None:
    """The audit event for a read ``member_for`` allowed: high priority when only a
    break-glass grant allows it."""
    via_coverage = getattr(member, "cares_read_via_coverage", None)
    if not getattr(member, "cares_read_via_team", True):
        _record_break_glass_read(user, member)
    elif via_coverage is not None:
        detail = {"via_backup_coverage": via_coverage} | ({"change": change} if change else {})
        audit_record(action=Action.READ, actor=user, member=member, obj=member, detail=detail)
    else:
        audit_record(action=Action.READ, actor=user, member=member, obj=member,
                     detail={"change": change} if change else None)


def _record_break_glass_read(user, member) -> None:
    """A read that only a break-glass grant allows is high priority in the audit log, with
    the grant's reason, like the grant itself."""
    grant = BreakGlassGrant.objects.filter(
        member=member, user=user, expires_at__gt=timezone.now()).order_by("-granted_at").first()
    audit_record(action=Action.READ, actor=user, member=member, obj=member,
                 priority=Priority.HIGH, reason=grant.reason if grant else "",
                 detail={"break_glass_grant": grant.pk if grant else None})


# --- Consultations with the senior medical professional (PS IV.A.2) --------------------------


def consultations_for(user):
    """The consultations addressed to ``user`` (none unless they may answer them)."""
    if not may_answer_consultations(user):
        return ConsultationRequest.objects.none()
    return ConsultationRequest.objects.filter(consultant=staff_profile(user))


def consultation_for(user, pk: int, consult_id: int):
    """Consultation ``consult_id`` of member ``pk`` if it is addressed to ``user``, with the
    read recorded; otherwise 404 and a denied-access audit event, as for a member."""
    consult = consultations_for(user).select_related("member", "requested_by__user").filter(
        pk=consult_id, member_id=pk).first()
    if consult is None:
        exists = Member.objects.filter(pk=pk).exists()
        audit_record(action=Action.DENIED, actor=user, member=pk if exists else None,
                     detail={"member_id": pk, "consultation": consult_id})
        raise Http404
    audit_record(action=Action.READ, actor=user, member=consult.member, obj=consult)
    return consult


def member_view(*methods: str, change: bool = False, record_read: bool = True):
    """Decorator for a view of one member (URL parameter ``pk``), downloads and exports
    included. ``pk`` becomes the member if the user may see it (404 otherwise, whatever the
    method, so a member outside one's care teams looks like no member) and, with ``change``,
    may change it (403). Only then are ``methods`` checked (405). With
    ``record_read=False`` the view records the read itself (``record_member_read``)."""
    def decorator(view):
        allowed = require_http_methods(list(methods))(view)

        @wraps(view)
        def wrapped(request, pk: int, **kwargs):
            member = member_for(request.user, pk, change=change, record_read=record_read)
            return allowed(request, member, **kwargs)

        return wrapped

    return decorator


def audit_identifier_exists(*, member, field: str, actor=None, request=None):
    """A form refused an identifier because a member already has it, which tells the user
    that member exists: a ``denied`` event naming the member (never the identifier), high
    priority when the member is outside what the user may see."""
    actor = acting_user(actor, request)
    visible = (member is not None and actor is not None
               and visible_members(actor).filter(pk=member.pk).exists())
    return audit_record(action=Action.DENIED, actor=actor, member=member, request=request,
                        priority=Priority.NORMAL if visible else Priority.HIGH,
                        detail={"refused": "identifier already on file", "field": field})
