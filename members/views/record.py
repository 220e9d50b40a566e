"""Intake and the member record: a new member with their referral (PS VIII), the member page
(the lifecycle as steps, what to do next, the record's parts and its deadlines) and the
member's own record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cares.base import events
from cares.base.access import (
    MANAGE_MEMBERS,
    may,
    may_see_clinical,
    permission_required,
    staff_profile,
)
from cares.base.languages import language_name
from cares.base.toolkit import form_flow
from members import services
from members.access import member_view, visible_members
from members.benefits import benefits_of
from members.coordination.contacts import contact_summary
from members.forms import IntakeForm, IntakeGuardianFormSet, MemberForm, ReferralForm
from members.models import Episode, EpisodeStatus, Member
from members.pages import done, form_page, post_data
from members.selectors import member_detail, member_timeline, turning_21_flag
from members.timeline import deadline_rows, recent_deadlines, timeline_rows


def _already_on_file(request, form) -> Member | None:
    """The member who already has the MassHealth ID the intake form was refused for, when the
    user may see them: the page links to them and offers a new referral there (a re-referral
    is a new episode of the same member, PS VIII)."""
    if not any(e.code == "unique" for e in form.errors.as_data().get("masshealth_id", ())):
        return None
    digits = "".join(c for c in str(form.data.get("masshealth_id", "")) if c.isdigit())
    return visible_members(request.user).filter(masshealth_id=digits).first()


@permission_required(MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def intake_view(request):
    form = IntakeForm(post_data(request), profile=staff_profile(request.user))
    guardians = IntakeGuardianFormSet(post_data(request))
    episode, refused = form_flow(request, [form, guardians], lambda: services.intake_create(
        member=form.instance, **form.referral(), assigned_to=form.cleaned_data["assigned_to"],
        guardians=guardians.rows(), actor=request.user))
    if episode:
        messages.success(request, _("%(name)s was referred on %(date)s.") % {
            "name": episode.member, "date": episode.referral_date.isoformat()})
        if visible_members(request.user).filter(pk=episode.member_id).exists():
            return redirect("members:eligibility", pk=episode.member_id)
        return redirect("members:list")
    return form_page(request, member=None, form=form, refused=refused,
                     title=_("New member and referral"), citation="PS VIII",
                     existing=_already_on_file(request, form),
                     fieldsets=[
                         (_("Member"), "", [form[n] for n in MemberForm._meta.fields
                                            if n not in MemberForm.benefit_fields]),
                         (_("Referral"), "PS III, VIII",
                          [form[n] for n in (*ReferralForm.referral_fields, "assigned_to")]),
                         (_("Benefits"), "PS VI.B.1.h",
                          [form[n] for n in MemberForm.benefit_fields]),
                     ],
                     formsets=[(_("Parents and guardians"), "PS VIII", guardians)])


RELEASE_STATUS = {
    "in_force": (gettext_lazy("In force"), "success"),
    "expired": (gettext_lazy("Expired"), "danger"),
    "revoked": (gettext_lazy("Revoked"), "secondary"),
    "not_yet": (gettext_lazy("Not yet signed"), "warning"),
}

STEPS = (
    (gettext_lazy("Referred"), "PS VIII", (EpisodeStatus.REFERRED,)),
    (gettext_lazy("Evaluated"), "PS I, VIII", (EpisodeStatus.ELIGIBLE, EpisodeStatus.INELIGIBLE)),
    (gettext_lazy("Consented"), "PS VIII", (EpisodeStatus.CONSENTED,)),
    (gettext_lazy("Enrolled"), "PS VIII", (EpisodeStatus.ENROLLED,)),
    (gettext_lazy("Removal initiated"), "PS IX.A", (EpisodeStatus.REMOVAL_INITIATED,)),
    (gettext_lazy("Terminated"), "PS IX", (EpisodeStatus.TERMINATED,)),
)


@dataclass(frozen=True)
class Step:
    label: str
    citation: str
    state: str  # "done" | "current" | "stopped" | "todo"
    on: date | None


def stepper(episode: Episode | None) -> list[Step]:
    """The lifecycle as steps, with the date each one was reached. An episode closed before
    enrollment stops at the step it did not reach, labelled with the closing."""
    if episode is None:
        return [Step(label, cite, "todo", None) for label, cite, _s in STEPS]
    changes = list(episode.status_changes.all())
    reached = {c.to_status: c.on for c in changes}

    def index_of(status):
        return next(i for i, (_l, _c, statuses) in enumerate(STEPS) if status in statuses)

    stopped = episode.status in Episode.CLOSED_BEFORE_ENROLLMENT
    if stopped:
        closing = next((c for c in reversed(changes) if c.to_status == episode.status), None)
        before = closing.from_status if closing and closing.from_status else \
            EpisodeStatus.REFERRED
        current = index_of(before) + 1
    else:
        current = index_of(episode.status)
    steps = []
    for i, (label, cite, statuses) in enumerate(STEPS):
        on = next((reached[s] for s in statuses if s in reached), None)
        if i < current:
            state = "done"
        elif i > current:
            state, on = "todo", None
        elif stopped:
            state, label = "stopped", EpisodeStatus(episode.status).label
            on = episode.closed_on or reached.get(episode.status)
        else:
            state = "current"
        steps.append(Step(str(label), cite, state, on))
    return steps


def next_steps(member: Member, episode: Episode | None) -> list[tuple[str, str, bool]]:
    """The forms that move the current episode on: (url, label, is the main action)."""
    def url(name):
        return reverse(f"members:{name}", args=[member.pk])

    status = episode.status if episode else None
    if status is None or status in Episode.CLOSED:
        return [(url("refer"), _("New referral"), True)]
    if status == EpisodeStatus.REMOVAL_INITIATED:
        complete = episode.removal.plan_complete
        return [(url("aftercare"), _("Aftercare/transition plan"), not complete),
                (url("terminate"), _("Complete termination"), complete)]
    main = {
        EpisodeStatus.REFERRED: (url("eligibility"), _("Record eligibility evaluation"), True),
        EpisodeStatus.ELIGIBLE: (url("consent"), _("Record education and consent"), True),
        EpisodeStatus.CONSENTED: (url("enroll"), _("Enroll"), True),
        EpisodeStatus.ENROLLED: (url("removal"), _("Start removal of assignment"), True),
    }[status]
    if status in Episode.CLOSABLE_BEFORE_ENROLLMENT:  # PS VIII, reading 12
        return [main, (url("close"), _("Close before enrollment"), False)]
    return [main]


def icp_update_rows(reviews, deadlines) -> list[tuple]:
    """Each monitoring review with its stored ``icp_update`` deadline while its request for
    an ICP update waits (else ``None``), from the deadlines the page already has."""
    waiting = {d.ref: d for d in deadlines if d.rule == "icp_update"}
    return [(r, waiting.get(f"{r._meta.label_lower}:{r.pk}") if r.icp_update_pending else None)
            for r in reviews]


# The member page shows the most recent part of the long histories, each with a link to all
# of it (``?show=timeline``, ``?show=deadlines``: the same page, the same access and audit).
HISTORIES = ("timeline", "deadlines")
RECENT_TIMELINE = 20
RECENT_DEADLINES = 5  # met, late or excepted; the open and overdue ones are all shown
# The coordination records that make one timeline entry each, newest first: only the most
# recent few can be among the most recent entries.
ONE_ENTRY_EACH = ("contacts", "on_call_calls", "case_reviews", "consultations",
                  "monitoring_reviews")


def recent_timeline(member: Member, detail: dict, *, clinical: bool,
                    keep: int | None) -> tuple[list, int]:
    """The ``keep`` most recent timeline entries (all for ``None``) and how many there are
    in all, without building the entries that could not be among them."""
    if keep is None:
        entries = member_timeline(member, detail, clinical=clinical)
        return entries, len(entries)
    coordination = detail["coordination"]
    trimmed = {name: coordination[name][:keep] for name in ONE_ENTRY_EACH}
    left_out = sum(coordination.get(f"{name}_total", len(coordination[name]))
                   - len(trimmed[name]) for name in ONE_ENTRY_EACH)
    entries = member_timeline(member, {**detail, "coordination": {**coordination, **trimmed}},
                              clinical=clinical)
    return entries[:keep], len(entries) + left_out


def shown_history(request) -> str:
    """The history the page shows in full (``?show=``), if any."""
    show = request.GET.get("show")
    return show if show in HISTORIES else ""


def regular_contact(member: Member, on: date, coordination: dict, deadlines: list):
    """``contact_summary`` from the contacts the page read: the latest ones, so the latest
    regular contact is among them unless none of them is one (then one query finds it)."""
    contacts = coordination["contacts"]
    if len(contacts) < coordination["contacts_total"] and not any(c.qualifies
                                                                   for c in contacts):
        contacts = None
    return contact_summary(member, on, deadlines=deadlines, contacts=contacts)


def history_context(show: str, member: Member, detail: dict, deadlines: list, *,
                    clinical: bool) -> dict:
    """The timeline and the deadlines as the page prints them, the most recent part unless
    ``show`` asks for all of one, with their totals."""
    timeline, timeline_total = recent_timeline(
        member, detail, clinical=clinical,
        keep=None if show == "timeline" else RECENT_TIMELINE)
    shown = deadlines if show == "deadlines" else recent_deadlines(deadlines, RECENT_DEADLINES)
    return {"show": show, "timeline": timeline, "timeline_rows": timeline_rows(timeline),
            "timeline_total": timeline_total, "deadlines": shown,
            "deadline_rows": deadline_rows(shown, clinical=clinical),
            "deadlines_total": len(deadlines)}


@member_view("GET")
def member_detail_view(request, member):
    on = timezone.localdate()
    clinical = may_see_clinical(request.user)
    show = shown_history(request)
    detail = member_detail(member, recent_contacts=None if show == "timeline" else RECENT_TIMELINE)
    episode = detail["episode"]
    removal = getattr(episode, "removal", None) if episode else None
    evaluations = list(episode.evaluations.all()) if episode else []
    releases = [(r, *RELEASE_STATUS[r.status_on(on)]) for r in detail["releases"]]
    deadlines = events.ask(events.member_deadlines, member=member)
    # ``member_view`` found the member among those the user sees without a break-glass grant
    # exactly when ``cares_read_via_team``: ``may_change_member`` without asking again.
    can_change = may(request.user, MANAGE_MEMBERS) and member.cares_read_via_team
    return render(request, "members/detail.html", {
        "member": member, **detail, "today": on,
        "age": member.age_on(on), "flag": turning_21_flag(member, on),
        "primary_language": language_name(member.primary_language),
        "written_language": language_name(member.preferred_written_language),
        "guardians": [(g, language_name(g.preferred_language)) for g in detail["guardians"]],
        "releases": releases, "evaluation": evaluations[-1] if evaluations else None,
        "removal": removal, "missing": removal.missing_elements() if removal else [],
        "steps": stepper(episode), "next_steps": next_steps(member, episode),
        "previous_episodes": detail["episodes"][1:],
        **history_context(show, member, detail, deadlines, clinical=clinical),
        "engagement": getattr(episode, "engagement", None) if episode else None,
        "can_change": can_change, "clinical": clinical,
        "benefits": benefits_of(member, on),
        "monitoring_rows": icp_update_rows(detail["coordination"]["monitoring_reviews"][:3],
                                           deadlines),
        "regular_contact": regular_contact(member, on, detail["coordination"], deadlines),
    })


@member_view("GET", "POST", change=True)
def member_edit_view(request, member):
    form = MemberForm(post_data(request), instance=Member.objects.get(pk=member.pk))
    saved, refused = form_flow(request, [form], lambda: services.member_save(
        member=form.instance, actor=request.user))
    if saved:
        return done(request, member, _("Saved %(name)s.") % {"name": saved})
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Edit member"), fieldsets=[
                         (_("Member"), "", [form[n] for n in form.fields
                                            if n not in MemberForm.benefit_fields]),
                         (_("Benefits"), "PS VI.B.1.h",
                          [form[n] for n in MemberForm.benefit_fields])])
