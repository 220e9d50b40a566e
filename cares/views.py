"""Program-level pages: the landing page and a health check."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from cares.base.access import (
    MANAGE_STAFF,
    VIEW_MEMBER,
    VIEW_PROGRAM_DASHBOARD,
    VIEW_WORKLIST,
    may,
    may_answer_consultations,
)


def home(request):
    """The program director starts on the dashboard; care coordinators and senior care
    managers on their worklist; anyone else who sees members on the caseload; the senior
    medical professional on their consultations."""
    user = request.user
    if may(user, VIEW_PROGRAM_DASHBOARD) and may(user, MANAGE_STAFF):
        return redirect("dashboards:program")
    if may(user, VIEW_WORKLIST):
        return redirect("dashboards:worklist")
    if may(user, MANAGE_STAFF):
        return redirect("staff:list")
    if may(user, VIEW_MEMBER):
        return redirect("members:list")
    if may_answer_consultations(user):  # the senior medical professional (PS IV.A.2)
        return redirect("members:consultations")
    return render(request, "home.html")


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
