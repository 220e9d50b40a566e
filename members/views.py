"""Member pages: the caseload, intake, the member record, each step of the enrollment
lifecycle (PS VIII, IX), and the provider and agency directory.

Thin: a page gets its member through ``cares.base.access.member_view`` (404 outside one's care
teams, 403 on a page that writes for a user who may only read), a form validates, and one
service writes. A refused step shows the service's reasons, keeps the user's input and saves
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import (
    EDIT_DIRECTORY,
    MANAGE_MEMBERS,
    VIEW_DIRECTORY,
    VIEW_MEMBER,
    may_see_clinical,
    permission_required,
    staff_profile,
)
from cares.base.audit.services import audit_members_listed
from cares.base.languages import language_name
from cares.deadlines.selectors import member_deadline_rows
from members import records, services
from members.access import may_change_member, member_view, visible_members
from members.forms import (
    AftercareForm,
    CareTeamForm,
    EligibilityForm,
    EngagementForm,
    EnrollmentForm,
    EpisodeCloseForm,
    GuardianForm,
    IntakeForm,
    MemberContactForm,
    MemberForm,
    ProviderForm,
    ReferralForm,
    ReleaseForm,
    RemovalForm,
    RevokeForm,
    TerminationForm,
)
from members.models import (
    Episode,
    EpisodeStatus,
    Guardian,
    Member,
    MemberContact,
    Provider,
    ReleaseOfInformation,
    Removal,
)
from members.selectors import (
    caseload,
    member_detail,
    member_timeline,
    provider_search,
    scopes_for,
    status_label,
    turning_21_flag,
)

PAGE_SIZE = 50
NOTHING_SAVED = gettext_lazy("Nothing was saved. Please correct the problems shown.")
SCOPE_LABELS = {"mine": gettext_lazy("Mine"), "team": gettext_lazy("My care teams"),
                "all": gettext_lazy("All")}
SHOW_LABELS = {"current": gettext_lazy("Current"),
               "closed": gettext_lazy("Closed before enrollment"),
               "all": gettext_lazy("Current and closed")}


# --- Plumbing ---------------------------------------------------------------------------------

def _data(request):
    return request.POST if request.method == "POST" else None


def _refusal(exc: ValidationError, form) -> list[str]:
    """The reasons a service gave; a reason about one of the form's fields also shows there."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
    return exc.messages


def _save(request, form, save: Callable[[dict], object]) -> tuple[object | None, list[str]]:
    """Validate ``form``, then ``save(cleaned_data)``: one service call. Returns what was
    saved, or ``None`` and the service's reasons for refusing; either failure says that
    nothing was saved."""
    if not form.is_bound:
        return None, []
    refused: list[str] = []
    if form.is_valid():
        instance = getattr(form, "instance", None)
        new = instance is not None and instance.pk is None
        try:
            return save(form.cleaned_data), []
        except ValidationError as exc:  # LifecycleError among them
            refused = _refusal(exc, form)
            if new:  # rolled back: a new record must not look saved
                instance.pk = None
                instance._state.adding = True
    messages.error(request, NOTHING_SAVED)
    return None, refused


def _referred(episode: Episode | None) -> Episode:
    if episode is None:
        raise services.LifecycleError(_("The member has not been referred yet: record a "
                                        "referral first."))
    return episode


def _removal(episode: Episode | None) -> Removal:
    removal = getattr(episode, "removal", None) if episode else None
    if removal is None:
        raise services.LifecycleError(_("Start the removal of assignment first."))
    return removal


def _form_page(request, *, member: Member | None, form, refused: list[str], title: str,
               citation: str = "", episode: Episode | None = None, **extra):
    cancel = reverse("members:detail", args=[member.pk]) if member else \
        reverse("members:list")
    return render(request, "members/form.html", {
        "member": member, "episode": episode, "form": form, "refused": refused,
        "title": title, "citation": citation, "cancel_url": cancel, **extra,
    })


def _done(request, member: Member, message: str):
    messages.success(request, message)
    return redirect("members:detail", pk=member.pk)


# --- Caseload ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseloadRow:
    member: Member
    age: int
    status: str
    flag: str
    primary_contact: str
    referral_date: date | None


def _default_scope(user, scopes: tuple[str, ...]) -> str:
    """Care coordinators and senior care managers start with the members they are primary
    contact for; other staff with their care teams' members."""
    profile = staff_profile(user)
    if profile is None:
        return "all" if "all" in scopes else "team"
    leads = profile.roles.filter(role__in=services.PRIMARY_CONTACT_ROLES, is_backup=False)
    return "mine" if leads.exists() else "team"


@permission_required(VIEW_MEMBER)
@require_GET
def member_list_view(request):
    on = timezone.localdate()
    scopes = scopes_for(request.user)
    scope = request.GET.get("scope", "")
    if scope not in scopes:
        scope = _default_scope(request.user, scopes)
    text = request.GET.get("q", "").strip()
    show = request.GET.get("show", "")
    if show not in SHOW_LABELS:
        show = "current"
    page = Paginator(caseload(request.user, scope=scope, text=text, show=show), PAGE_SIZE)\
        .get_page(request.GET.get("page"))
    audit_members_listed(members=page.object_list, actor=request.user,
                         detail={"page": "caseload", "scope": scope, "show": show})
    rows = [
        CaseloadRow(
            member=m, age=m.age_on(on), status=status_label(m.episode_status),
            flag=turning_21_flag(m, on),
            primary_contact=f"{m.primary_first or ''} {m.primary_last or ''}".strip(),
            referral_date=m.episode_referral,
        )
        for m in page
    ]
    return render(request, "members/list.html", {
        "rows": rows, "page": page, "scope": scope, "q": text, "show": show,
        "shows": list(SHOW_LABELS.items()),
        "scopes": [(s, SCOPE_LABELS[s]) for s in scopes], "today": on,
    })


# --- Intake and the member record -------------------------------------------------------------

@permission_required(MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def intake_view(request):
    form = IntakeForm(_data(request), profile=staff_profile(request.user))
    episode, refused = _save(request, form, lambda data: services.intake_create(
        member=form.instance, **form.referral(), assigned_to=data["assigned_to"],
        actor=request.user))
    if episode:
        messages.success(request, _("%(name)s was referred on %(date)s.") % {
            "name": episode.member, "date": episode.referral_date.isoformat()})
        if visible_members(request.user).filter(pk=episode.member_id).exists():
            return redirect("members:eligibility", pk=episode.member_id)
        return redirect("members:list")
    return _form_page(request, member=None, form=form, refused=refused,
                      title=_("New member and referral"), citation="PS VIII",
                      fieldsets=[
                          (_("Member"), "", [form[n] for n in MemberForm._meta.fields]),
                          (_("Referral"), "PS III, VIII",
                           [form[n] for n in (*ReferralForm.referral_fields, "assigned_to")]),
                      ])


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


@member_view("GET")
def member_detail_view(request, member):
    on = timezone.localdate()
    clinical = may_see_clinical(request.user)
    detail = member_detail(member)
    episode = detail["episode"]
    removal = getattr(episode, "removal", None) if episode else None
    evaluations = list(episode.evaluations.all()) if episode else []
    releases = [(r, *RELEASE_STATUS[r.status_on(on)]) for r in detail["releases"]]
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
        "timeline": member_timeline(member, detail, clinical=clinical),
        "engagement": getattr(episode, "engagement", None) if episode else None,
        "can_change": may_change_member(request.user, member), "clinical": clinical,
        "deadlines": member_deadline_rows(member),
    })


@member_view("GET", "POST", change=True)
def member_edit_view(request, member):
    form = MemberForm(_data(request), instance=Member.objects.get(pk=member.pk))
    saved, refused = _save(request, form, lambda data: services.member_save(
        member=form.instance, actor=request.user))
    if saved:
        return _done(request, member, _("Saved %(name)s.") % {"name": saved})
    return _form_page(request, member=member, form=form, refused=refused,
                      title=_("Edit member"))


# --- Lifecycle steps --------------------------------------------------------------------------

@member_view("GET", "POST", change=True)
def eligibility_view(request, member):
    episode = services.current_episode(member)
    form = EligibilityForm(_data(request), profile=staff_profile(request.user))
    saved, refused = _save(request, form, lambda data: services.eligibility_record(
        episode=_referred(episode), actor=request.user, **data))
    if saved:
        return _done(request, member, _("Eligibility evaluation recorded: %(result)s.") % {
            "result": _("eligible") if saved.eligible else _("not eligible")})
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Eligibility evaluation"), citation="PS I, VIII",
                      intro=_("Document the evaluation of eligibility for the CARES program."))


@member_view("GET", "POST", change=True)
def consent_view(request, member):
    episode = services.current_episode(member)
    form = EngagementForm(_data(request), initial=dict.fromkeys(
        ("educated_on", "rights_given_on", "choice_explained_on", "consent_on"),
        timezone.localdate()))
    saved, refused = _save(request, form, lambda data: services.engagement_record(
        episode=_referred(episode), actor=request.user, **data))
    if saved:
        return _done(request, member, _("Consent recorded."))
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Education and consent"), citation="PS VIII",
                      intro=_("Educate the member and their parent/guardian about CARES, give "
                              "their rights and responsibilities, explain their right to "
                              "choose among CARES providers and other TCM services, and record "
                              "their consent."))


@member_view("GET", "POST", change=True)
def enroll_view(request, member):
    episode = services.current_episode(member)
    form = EnrollmentForm(_data(request), profile=staff_profile(request.user))
    saved, refused = _save(request, form, lambda data: services.enrollment_create(
        episode=_referred(episode), effective_date=data["effective_date"],
        primary_contact=data["primary_contact"], team=form.team_roles(), actor=request.user))
    if saved:
        return _done(request, member, _("%(name)s is enrolled from %(date)s.") % {
            "name": member, "date": saved.effective_date.isoformat()})
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Enrollment"), citation="PS VIII, VI.B.1.a")


@member_view("GET", "POST", change=True)
def care_team_view(request, member):
    episode = services.current_episode(member)
    form = CareTeamForm(_data(request), episode=episode)
    saved, refused = _save(request, form, lambda data: services.care_team_change(
        episode=_referred(episode), on=data["effective_date"],
        primary_contact=data["primary_contact"], team=form.team_roles(), actor=request.user))
    if saved:
        return _done(request, member, _("The care team is changed from %(date)s.") % {
            "date": form.cleaned_data["effective_date"].isoformat()})
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Change the care team"), citation="PS VI.B.1.a",
                      intro=_("Staff who are not kept leave the care team on this date; the "
                              "history of who was on it is kept."))


@member_view("GET", "POST", change=True)
def removal_view(request, member):
    episode = services.current_episode(member)
    form = RemovalForm(_data(request), initial={"initiated_on": timezone.localdate()})
    saved, refused = _save(request, form, lambda data: services.removal_initiate(
        episode=_referred(episode), actor=request.user, **data))
    if saved:
        return _done(request, member, _("Removal of assignment started."))
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Removal of assignment"), citation="PS IX.A",
                      intro=_("Removal can begin when the member no longer needs or is no "
                              "longer eligible for CARES. Convene the CARES team to develop "
                              "the aftercare/transition plan next (PS IX.B)."))


@member_view("GET", "POST", change=True)
def aftercare_view(request, member):
    episode = services.current_episode(member)
    removal = getattr(episode, "removal", None) if episode else None
    missing = removal.missing_elements() if removal else []
    form = AftercareForm(_data(request), instance=removal or Removal())
    saved, refused = _save(request, form, lambda data: services.aftercare_update(
        removal=_removal(episode), **data))
    if saved:
        if saved.plan_complete:
            return _done(request, member, _("The aftercare/transition plan is complete."))
        return _done(request, member, _("Aftercare/transition plan saved; still missing: "
                                        "%(missing)s.") % {
            "missing": "; ".join(saved.missing_elements())})
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Aftercare/transition plan"), citation="PS IX.B",
                      missing=missing, removal=removal)


@member_view("GET", "POST", change=True)
def terminate_view(request, member):
    episode = services.current_episode(member)
    removal = getattr(episode, "removal", None) if episode else None
    form = TerminationForm(_data(request), initial={
        "termination_date": removal.planned_termination_date if removal else None})
    saved, refused = _save(request, form, lambda data: services.termination_complete(
        episode=_referred(episode), actor=request.user, **data))
    if saved:
        return _done(request, member, _("The assignment ended on %(date)s.") % {
            "date": saved.termination_date.isoformat()})
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Complete termination"), citation="PS IX",
                      missing=removal.missing_elements() if removal else [], removal=removal,
                      intro=_("Only with the signed consent form and a complete "
                              "aftercare/transition plan (PS IX.B)."))


@member_view("GET", "POST", change=True)
def close_view(request, member):
    episode = services.current_episode(member)
    form = EpisodeCloseForm(_data(request), initial={"closed_on": timezone.localdate()})
    saved, refused = _save(request, form, lambda data: services.episode_close(
        episode=_referred(episode), actor=request.user, **data))
    if saved:
        return _done(request, member, _("The referral is closed before enrollment (%(reason)s) "
                                        "on %(date)s.") % {
            "reason": saved.get_closure_reason_display(),
            "date": saved.closed_on.isoformat()})
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("Close the referral before enrollment"), citation="PS VIII",
                      intro=_("For a family who declined, withdrew or could not be reached, "
                              "or a member found not eligible. The 60-day assessment, care "
                              "plan and care-plan copies are owed only once the family "
                              "consents (PS VIII): those not done by the closing date are "
                              "released with this reason. A new referral later starts a new "
                              "episode."))


@member_view("GET", "POST", change=True)
def refer_view(request, member):
    episode = services.current_episode(member)
    form = ReferralForm(_data(request))
    saved, refused = _save(request, form, lambda data: services.referral_create(
        member=member, actor=request.user, **data))
    if saved:
        return _done(request, member, _("Referral recorded."))
    return _form_page(request, member=member, episode=episode, form=form, refused=refused,
                      title=_("New referral"), citation="PS VIII",
                      intro=_("A new episode, after the previous one ended."))


# --- Guardians, care-team contacts, releases --------------------------------------------------

@member_view("GET", "POST", change=True)
def guardian_edit_view(request, member, guardian_id: int | None = None):
    guardian = get_object_or_404(member.guardians, pk=guardian_id) if guardian_id \
        else Guardian(member=member)
    form = GuardianForm(_data(request), instance=guardian)
    saved, refused = _save(request, form, lambda data: records.guardian_save(
        guardian=form.instance))
    if saved:
        return _done(request, member, _("Saved %(name)s.") % {"name": saved})
    return _form_page(request, member=member, form=form, refused=refused,
                      title=_("Edit parent or guardian") if guardian_id
                      else _("Add parent or guardian"))


@member_view("GET", "POST", change=True)
def contact_add_view(request, member):
    form = MemberContactForm(_data(request), instance=MemberContact(member=member))
    saved, refused = _save(request, form, lambda data: records.member_contact_save(
        contact=form.instance))
    if saved:
        return _done(request, member, _("Added %(contact)s to the care team.") % {
            "contact": saved})
    return _form_page(request, member=member, form=form, refused=refused,
                      title=_("Add a care-team contact"), citation="PS VI.B.1.d",
                      intro=_("Link a provider or agency from the directory, with its role for "
                              "this member."))


@member_view("POST", change=True)
def contact_remove_view(request, member, contact_id: int):
    contact = get_object_or_404(member.contacts.select_related("provider"), pk=contact_id)
    records.member_contact_remove(contact=contact)
    return _done(request, member, _("Removed %(contact)s from the care team.") % {
        "contact": contact})


@member_view("GET", "POST", change=True)
def release_add_view(request, member):
    form = ReleaseForm(_data(request), instance=ReleaseOfInformation(member=member))
    saved, refused = _save(request, form, lambda data: services.release_save(
        release=form.instance))
    if saved:
        return _done(request, member, _("Release of information to %(party)s recorded.") % {
            "party": saved.party})
    return _form_page(request, member=member, form=form, refused=refused,
                      title=_("Add a release of information"), citation="PS VIII",
                      intro=_("A signed release meeting HIPAA requirements for sharing "
                              "personal health information."))


@member_view("POST", change=True)
def release_revoke_view(request, member, release_id: int):
    release = get_object_or_404(member.releases, pk=release_id)
    form = RevokeForm(request.POST)
    saved, refused = _save(request, form, lambda data: services.release_revoke(
        release=release, **data))
    if saved:
        return _done(request, member, _("Release of information to %(party)s revoked.") % {
            "party": release.party})
    for problem in refused or [e for errors in form.errors.values() for e in errors]:
        messages.error(request, problem)
    return redirect("members:detail", pk=member.pk)


# --- Directory --------------------------------------------------------------------------------

@permission_required(VIEW_DIRECTORY)
@require_GET
def directory_list_view(request):
    text = request.GET.get("q", "").strip()
    page = Paginator(provider_search(text), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/list.html", {"page": page, "q": text})


@permission_required(EDIT_DIRECTORY)
@require_http_methods(["GET", "POST"])
def directory_edit_view(request, provider_id: int | None = None):
    provider = get_object_or_404(Provider, pk=provider_id) if provider_id else Provider()
    form = ProviderForm(_data(request), instance=provider)
    saved, refused = _save(request, form, lambda data: records.provider_save(
        provider=form.instance))
    if saved:
        messages.success(request, _("Saved %(name)s.") % {"name": saved})
        return redirect("directory:list")
    return render(request, "members/form.html", {
        "form": form, "refused": refused, "cancel_url": reverse("directory:list"),
        "title": _("Edit directory entry") if provider_id else _("New directory entry"),
        "citation": "PS III, VI.B.1.d", "directory": True,
    })
