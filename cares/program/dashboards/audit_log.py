"""The audit log page (program director only): every event, filtered by action, priority,
member and actor (45 CFR 164.312(b)). A program-level page: it reads the whole log."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cares.base.access import VIEW_AUDIT, permission_required
from cares.base.audit.models import Action, AuditEvent, Priority


@permission_required(VIEW_AUDIT)
def audit_log_view(request):
    events = AuditEvent.objects.select_related("actor")
    filters = {
        "action": request.GET.get("action", ""),
        "priority": request.GET.get("priority", ""),
        "member": request.GET.get("member", ""),
        "actor": request.GET.get("actor", ""),
    }
    if filters["action"] in Action.values:
        events = events.filter(action=filters["action"])
    if filters["priority"] in Priority.values:
        events = events.filter(priority=filters["priority"])
    if filters["member"].isdigit():
        events = events.filter(member_id=int(filters["member"]))
    if filters["actor"]:
        events = events.filter(actor__email__icontains=filters["actor"])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page, "filters": filters, "actions": Action.choices,
        "priorities": Priority.choices,
    })
