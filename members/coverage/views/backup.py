"""Pages of members.coverage (issue 17): leave and backup coverage (PS IV.A.4). Any active
staff member sees who is away and who covers whom (members are counted, never named, on the
list); recording leave, adding coverage and ending it early need MANAGE_COVERAGE."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import MANAGE_COVERAGE, may, permission_required
from cares.base.audit.services import audit_members_listed
from cares.base.staff.models import Role
from cares.base.toolkit import button_action, form_flow, posted_id
from members.coverage import backup
from members.coverage.forms_backup import CoverageForm, LeaveForm
from members.coverage.models import StaffLeave
from members.coverage.views.availability import require_active_staff
from members.models import Member


@require_GET
def backup_list(request):
    require_active_staff(request)
    leaves, coverages = backup.current_and_upcoming()
    for coverage in coverages:
        coverage.role_label = Role(coverage.role).label
    return render(request, "coverage/backup.html", {
        "leaves": leaves, "coverages": coverages, "now": timezone.now(),
        "may_manage": may(request.user, MANAGE_COVERAGE)})


def _form_page(request, form, refused, title, **extra):
    return render(request, "coverage/cover_form.html", {
        "form": form, "refused": refused, "title": title, "citation": "PS IV.A.4",
        "back": "coverage:backup", "back_label": _("Leave and backup coverage"), **extra})


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["GET", "POST"])
def leave_add(request):
    form = LeaveForm(request.POST if request.method == "POST" else None)
    saved, refused = form_flow(request, [form], lambda: backup.leave_add(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Leave recorded."))
        return redirect("coverage:backup")
    return _form_page(request, form, refused, _("Record leave"))


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["POST"])
def leave_remove(request):
    button_action(request, lambda: backup.leave_remove(
        leave_id=posted_id(request, "leave"), actor=request.user), _("Leave removed."))
    return redirect("coverage:backup")


def _covered(request):
    """The colleague chosen (query string first, then the form), among those with a
    position."""
    raw = request.GET.get("covered") or request.POST.get("covered", "")
    return backup.positions_held().filter(pk=int(raw)).first() if str(raw).isdigit() else None


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["GET", "POST"])
def coverage_add(request):
    """Choose the colleague first (their caseload and leave are then offered), then the
    backup, the span and, optionally, some of the members."""
    covered = _covered(request)
    members = leaves = None
    if covered is not None:
        members = Member.objects.filter(care_team__staff=covered,
                                        care_team__until__isnull=True).distinct()
        leaves = StaffLeave.objects.filter(staff=covered, ends_at__gt=timezone.now())
    initial = {"covered": covered}
    if covered is not None:
        held = list(covered.roles.filter(is_backup=False).values_list("role", flat=True))
        initial["role"] = held[0] if held else None
    form = CoverageForm(request.POST if request.method == "POST" else None, initial=initial,
                        members=members, leaves=leaves)
    saved, refused = form_flow(request, [form], lambda: backup.coverage_add(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Backup coverage recorded."))
        return redirect("coverage:backup")
    if members is not None:
        audit_members_listed(members=list(members), request=request,
                             detail={"page": "backup coverage"})
    return _form_page(request, form, refused, _("Add backup coverage"), covered=covered,
                      pick_colleague=True, colleagues=backup.positions_held())


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["POST"])
def coverage_end(request):
    button_action(request, lambda: backup.coverage_end(
        coverage_id=posted_id(request, "coverage"), actor=request.user),
        _("Backup coverage ended."))
    return redirect("coverage:backup")


urlpatterns = [
    path("backup/", backup_list, name="backup"),
    path("backup/leave/add/", leave_add, name="leave_add"),
    path("backup/leave/remove/", leave_remove, name="leave_remove"),
    path("backup/add/", coverage_add, name="backup_add"),
    path("backup/end/", coverage_end, name="backup_end"),
]
