"""Program-level pages: the landing page and the health checks."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cares.base.access import (
    MANAGE_STAFF,
    VIEW_MEMBER,
    VIEW_PROGRAM_DASHBOARD,
    VIEW_WORKLIST,
    may,
    may_answer_consultations,
)
from cares.base.ops.health import OK, run_checks
from cares.celery import app as celery_app


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
@never_cache
def healthz(request):
    """The original liveness probe (plain text), kept for existing monitors."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@never_cache
@require_safe
def health_live(request):
    """Liveness: the process serves requests. Touches neither the database nor the broker."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def health_ready(request):
    """Readiness: 200 when every check passes, else 503. The same answer for everyone (only
    "ok" or "failing" per check); what failed and why is in the log (cares.health)."""
    checks = run_checks(celery_app)
    healthy = all(answer == OK for answer in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks},
                        status=200 if healthy else 503)
