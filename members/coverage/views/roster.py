"""Pages of members.coverage (issue 17): the "Around the clock" hub and the on-call roster.

Every active staff member may see them; only those with ``MANAGE_COVERAGE`` (the program
director and senior care managers) add, change or remove shifts (403 otherwise). One service
call per change (``members.coverage.roster``); a refusal keeps the input and says why next to
the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cares.base.access import MANAGE_COVERAGE, may, permission_required, staff_profile
from cares.base.staff.models import Program
from cares.base.toolkit import button_action, form_flow
from members.coverage import roster as roster_rules
from members.coverage.forms_roster import ShiftForm
from members.coverage.models import OnCallShift


def _require_active_staff(request) -> None:
    """Any active staff member may see the roster; anyone else is refused (403)."""
    profile = staff_profile(request.user)
    if profile is None or not profile.active or not request.user.is_active:
        raise PermissionDenied


def _page_context(request) -> dict:
    found = roster_rules.roster()
    return {"roster": found, "may_manage": may(request.user, MANAGE_COVERAGE),
            "check_days": roster_rules.CHECK_DAYS}


@require_GET
def index(request):
    """Around the clock: who is on call now and next, the gaps of the next 30 days, and the
    other parts' pages."""
    _require_active_staff(request)
    context = _page_context(request)
    context["program"] = Program.objects.order_by("pk").first()
    return render(request, "coverage/index.html", context)


@require_GET
def roster_list(request):
    """The next 30 days, by day: each shift with its backup, and each gap."""
    _require_active_staff(request)
    return render(request, "coverage/roster.html", _page_context(request))


def _initial(request) -> dict:
    """A gap's start and end from the query string (the "Add a shift for this gap" link)."""
    initial = {}
    for name in ("starts_at", "ends_at"):
        try:
            value = parse_datetime(request.GET.get(name, ""))
        except ValueError:
            value = None
        if value is not None and timezone.is_aware(value):
            initial[name] = timezone.localtime(value)
    return initial


def _form_page(request, form, refused, title, shift=None):
    return render(request, "coverage/shift_form.html", {
        "form": form, "refused": refused, "title": title, "shift": shift,
        "citation": "PS VI.B.1.b"})


def _fields(form) -> dict:
    data = form.cleaned_data
    return {"staff": data["staff"], "backup": data["backup"], "starts_at": data["starts_at"],
            "ends_at": data["ends_at"], "note": data["note"]}


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["GET", "POST"])
def shift_add(request):
    form = ShiftForm(request.POST or None, initial=_initial(request))
    saved, refused = form_flow(request, [form], lambda: roster_rules.shift_add(
        **_fields(form), actor=request.user))
    if saved:
        messages.success(request, _("Shift added: %(span)s.") % {
            "span": roster_rules.span_words(saved.starts_at, saved.ends_at)})
        return redirect("coverage:roster")
    return _form_page(request, form, refused, _("Add a shift to the on-call roster"))


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["GET", "POST"])
def shift_edit(request, shift_id: int):
    shift = get_object_or_404(OnCallShift.objects.select_related("staff__user", "backup__user"),
                              pk=shift_id)
    initial = {"staff": shift.staff, "backup": shift.backup, "note": shift.note,
               "starts_at": timezone.localtime(shift.starts_at),
               "ends_at": timezone.localtime(shift.ends_at)}
    form = ShiftForm(request.POST or None, initial=initial)
    saved, refused = form_flow(request, [form], lambda: roster_rules.shift_change(
        shift=shift, **_fields(form), actor=request.user))
    if saved:
        messages.success(request, _("Shift changed: %(span)s.") % {
            "span": roster_rules.span_words(saved.starts_at, saved.ends_at)})
        return redirect("coverage:roster")
    return _form_page(request, form, refused, _("Change a shift"), shift)


@permission_required(MANAGE_COVERAGE)
@require_POST
def shift_remove(request, shift_id: int):
    shift = get_object_or_404(OnCallShift, pk=shift_id)
    button_action(request, lambda: roster_rules.shift_remove(shift=shift, actor=request.user),
                  _("Shift removed from the roster."))
    return redirect("coverage:roster")


urlpatterns = [
    path("", index, name="index"),
    path("roster/", roster_list, name="roster"),
    path("roster/add/", shift_add, name="shift_add"),
    path("roster/<int:shift_id>/edit/", shift_edit, name="shift_edit"),
    path("roster/<int:shift_id>/remove/", shift_remove, name="shift_remove"),
]
