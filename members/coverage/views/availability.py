"""Pages of members.coverage (issue 17): the senior medical professional's consultation hours
(PS IV.A.2). Any active staff member sees them and who covers today; adding and removing hours
needs MANAGE_COVERAGE (program director, senior care managers)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import MANAGE_COVERAGE, may, permission_required, staff_profile
from cares.base.calendar import is_business_day
from cares.base.toolkit import button_action, form_flow, posted_id
from members.coverage import availability
from members.coverage.forms_availability import HoursForm
from members.coverage.models import AvailabilityHours


def require_active_staff(request) -> None:
    """Any active staff member may look; anyone else is refused (403)."""
    profile = staff_profile(request.user)
    if profile is None or not profile.active or not request.user.is_active:
        raise PermissionDenied


@require_GET
def hours_list(request):
    """Each senior medical professional's weekly hours (current and upcoming), who covers
    now, and the business days of the next 30 days without anyone."""
    require_active_staff(request)
    today = timezone.localdate()
    hours = (AvailabilityHours.objects.filter(Q(valid_until__isnull=True)
                                              | Q(valid_until__gte=today))
             .select_related("staff__user").order_by("staff__user__last_name", "staff_id",
                                                     "weekday", "starts"))
    known = availability.Availability(today, today + timedelta(days=availability.CHECK_DAYS - 1))
    days = [today + timedelta(days=n) for n in range(14)]
    upcoming = [(day, known.on(day)) for day in days if is_business_day(day)]
    return render(request, "coverage/hours.html", {
        "hours": hours, "now_cover": known.at(timezone.now()), "upcoming": upcoming,
        "uncovered": availability.uncovered_business_days(today),
        "may_manage": may(request.user, MANAGE_COVERAGE),
        "check_days": availability.CHECK_DAYS})


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["GET", "POST"])
def hours_add(request):
    form = HoursForm(request.POST if request.method == "POST" else None,
                     initial={"valid_from": timezone.localdate()})
    saved, refused = form_flow(request, [form], lambda: availability.hours_add(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Consultation hours added."))
        return redirect("coverage:hours")
    return render(request, "coverage/cover_form.html", {
        "form": form, "refused": refused, "title": _("Add consultation hours"),
        "citation": "PS IV.A.2", "back": "coverage:hours", "back_label": _("Consultation hours")})


@permission_required(MANAGE_COVERAGE)
@require_http_methods(["POST"])
def hours_remove(request):
    button_action(request, lambda: availability.hours_remove(
        hours_id=posted_id(request, "hours"), actor=request.user),
        _("Consultation hours removed."))
    return redirect("coverage:hours")


urlpatterns = [
    path("hours/", hours_list, name="hours"),
    path("hours/add/", hours_add, name="hours_add"),
    path("hours/remove/", hours_remove, name="hours_remove"),
]
