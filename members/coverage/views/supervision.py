"""Pages of members.coverage (issue 17): weekly supervision of care coordinators and ongoing
medical training (PS IV.B.2.b.5-6).

Recording needs MANAGE_COVERAGE (program director, senior care managers). The supervision log
is for them and for each care coordinator (their own sessions only); a session's notes are
shown to MANAGE_COVERAGE holders and the supervised coordinator. Members discussed are named
only when the viewer may see them (``members.access.visible_members``), and each name shown is
recorded in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cares.base.access import MANAGE_COVERAGE, may, permission_required, staff_profile
from cares.base.audit.services import audit_members_listed
from cares.base.staff.models import StaffProfile
from cares.base.toolkit import button_action, form_flow, posted_id
from members.access import visible_members
from members.coverage import supervision
from members.coverage.forms_supervision import (
    CoordinatorPickForm,
    MedicalTrainingForm,
    SupervisionForm,
)
from members.coverage.models import MedicalTrainingSession, Supervision
from members.models import Member


def _own_coordinator(user) -> StaffProfile | None:
    """The signed-in care coordinator (active, holding the role), else none."""
    profile = staff_profile(user)
    if profile is None or not supervision.is_coordinator(profile):
        return None
    return profile


def _chosen(request, queryset) -> StaffProfile | None:
    raw = request.GET.get("coordinator", "")
    return queryset.filter(pk=int(raw)).first() if raw.isdigit() else None


GRID_PAGE = 50  # coordinators a page: a program of 20,000 members has some 450
SESSIONS_SHOWN = 50  # the most recent sessions, when no coordinator is chosen
GRID_SHOWS = {"all": gettext_lazy("Everyone"), "missing": gettext_lazy("Missing a week")}


def _grid_page(request, grid: list, *, manager: bool) -> dict:
    """The page of the grid shown: for the managers, everyone or those missing a week,
    narrowed by name, fifty at a time (the check is made for everyone first)."""
    missing = [row for row in grid if row.missing]
    show = request.GET.get("show", "") if manager else ""
    show = show if show in GRID_SHOWS else "all"
    text = request.GET.get("q", "").strip()[:100] if manager else ""
    rows = [row for row in (missing if show == "missing" else grid)
            if text.casefold() in str(row.coordinator).casefold()]
    return {"page": Paginator(rows, GRID_PAGE).get_page(request.GET.get("page")),
            "show": show, "q": text, "grid_count": len(grid),
            "shows": [(key, label, len(missing) if key == "missing" else len(grid))
                      for key, label in GRID_SHOWS.items()]}


@require_http_methods(["GET"])
def supervision_log_view(request):
    manager = may(request.user, MANAGE_COVERAGE)
    own = None if manager else _own_coordinator(request.user)
    if not manager and own is None:
        raise PermissionDenied
    today = timezone.localdate()
    weeks = supervision.weeks_before(today, supervision.LOG_WEEKS, include_current=True)
    active = supervision.active_coordinators()
    coordinators = list(active.order_by("user__last_name", "user__first_name")) if manager \
        else [own]
    chosen = _chosen(request, active) if manager else own
    sessions = list(Supervision.objects.filter(
        held_on__range=(weeks[0].monday, weeks[-1].sunday),
        coordinator__in=[chosen] if chosen else active,
    ).select_related("coordinator__user", "supervisor__user").prefetch_related(
        Prefetch("members_discussed", queryset=Member.objects.order_by("pk")))
        .order_by("-held_on", "pk")[:None if chosen else SESSIONS_SHOWN + 1])
    more = len(sessions) > SESSIONS_SHOWN and not chosen
    rows = _sessions(request, sessions[:SESSIONS_SHOWN] if more else sessions,
                     manager=manager)
    check_weeks = supervision.weeks_before(today, supervision.CHECK_WEEKS)
    return render(request, "coverage/supervision_log.html", {
        "weeks": weeks, "sessions": rows, "more_sessions": more, "manager": manager,
        "chosen": chosen, "today": today, "sessions_shown": SESSIONS_SHOWN,
        "check_first": check_weeks[0].monday, "check_last": check_weeks[-1].sunday,
        **_grid_page(request, supervision.supervision_grid(coordinators, weeks, today),
                     manager=manager),
    })


def _sessions(request, sessions, *, manager: bool) -> list[dict]:
    """Each session with the members discussed the viewer may see (named, audited) and how
    many others; notes only for MANAGE_COVERAGE holders and the supervised coordinator."""
    discussed = {m.pk for s in sessions for m in s.members_discussed.all()}
    visible = set(visible_members(request.user).filter(pk__in=discussed)
                  .values_list("pk", flat=True)) if discussed else set()
    profile = staff_profile(request.user)
    rows, shown = [], {}
    for session in sessions:
        named = [m for m in session.members_discussed.all() if m.pk in visible]
        shown.update({m.pk: m for m in named})
        rows.append({
            "session": session, "named": named,
            "others": len(session.members_discussed.all()) - len(named),
            "notes": session.notes if manager or (
                profile is not None and profile.pk == session.coordinator_id) else None,
        })
    if shown:
        audit_members_listed(members=shown.values(), request=request,
                             detail={"list": "supervision log"})
    return rows


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_COVERAGE)
def supervision_record_view(request):
    pick = CoordinatorPickForm(request.GET or None)
    coordinator = pick.cleaned_data["coordinator"] if pick.is_bound and pick.is_valid() \
        else None
    if request.method == "POST":
        coordinator = StaffProfile.objects.filter(
            pk=request.POST.get("coordinator") or 0).select_related("user").first()
    if coordinator is None:
        return render(request, "coverage/supervision_form.html", {"pick": pick})
    profile = staff_profile(request.user)
    visible = visible_members(request.user)
    form = SupervisionForm(request.POST if request.method == "POST" else None,
                           coordinator=coordinator, visible=visible, supervisor=profile)
    saved, refused = form_flow(request, [form], lambda: supervision.supervision_record(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Supervision session recorded."))
        return redirect(f"{reverse('coverage:supervision')}?coordinator={coordinator.pk}")
    caseload = list(form.fields["members_discussed"].queryset)
    if caseload:
        audit_members_listed(members=caseload, request=request,
                             detail={"list": "supervision caseload"})
    return render(request, "coverage/supervision_form.html", {
        "pick": pick, "form": form, "coordinator": coordinator, "refused": refused,
    })


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["POST"])
def supervision_remove_view(request):
    button_action(request, lambda: supervision.supervision_remove(
        session_id=posted_id(request, "session"), actor=request.user),
        _("Supervision session removed."))
    return redirect("coverage:supervision")


@require_http_methods(["GET"])
def training_list_view(request):
    manager = may(request.user, MANAGE_COVERAGE)
    own = None if manager else _own_coordinator(request.user)
    if not manager and own is None:
        raise PermissionDenied
    sessions = MedicalTrainingSession.objects.select_related("led_by__user").prefetch_related(
        Prefetch("attendees", queryset=StaffProfile.objects.select_related("user")))
    return render(request, "coverage/training_list.html", {
        "sessions": sessions[:100], "manager": manager, "own": own,
    })


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_COVERAGE)
def training_record_view(request):
    form = MedicalTrainingForm(request.POST if request.method == "POST" else None,
                               leader=staff_profile(request.user))
    saved, refused = form_flow(request, [form], lambda: supervision.medical_training_record(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Medical training session recorded."))
        return redirect("coverage:training")
    return render(request, "coverage/training_form.html", {"form": form, "refused": refused})


urlpatterns = [
    path("supervision/", supervision_log_view, name="supervision"),
    path("supervision/record/", supervision_record_view, name="supervision_record"),
    path("supervision/remove/", supervision_remove_view, name="supervision_remove"),
    path("training/", training_list_view, name="training"),
    path("training/record/", training_record_view, name="training_record"),
]
