"""Pages of cares.program.quality (issue 18): grievances and complaints (PS VII). Everything
needs MANAGE_QUALITY (the program director and senior care managers). Thin: the services
and rules are ``members.quality.grievances``; a refused step shows the grievance page again,
each problem next to its field, with status 400."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cares.base.access import MANAGE_QUALITY, permission_required
from cares.base.audit.models import Action
from cares.base.audit.services import audit_members_listed, audit_record
from cares.base.toolkit import form_flow
from cares.program.quality.forms_grievances import (
    AcknowledgeForm,
    EscalateForm,
    GrievanceForm,
    ResolveForm,
)
from members.models import Grievance
from members.quality import grievances as rules

PAGE_SIZE = 50
FILTER_LABELS = {"": gettext_lazy("All"), "open": gettext_lazy("Open"),
                 "late": gettext_lazy("Late now"), "resolved": gettext_lazy("Resolved")}


@permission_required(MANAGE_QUALITY)
@require_GET
def grievance_list(request):
    today = timezone.localdate()
    show = request.GET.get("show", "")
    show = show if show in rules.FILTERS else ""
    targets = rules.grievance_targets()
    page = Paginator(rules.grievance_list(show, targets, today), PAGE_SIZE).get_page(
        request.GET.get("page"))
    audit_members_listed(members={g.member_id: g.member for g in page if g.member_id}.values(),
                         request=request, detail={"page": "grievances"})
    return render(request, "quality/grievances.html", {
        "page": page, "rows": [rules.grievance_state(g, targets, today) for g in page],
        "show": show, "filters": [(k, str(v)) for k, v in FILTER_LABELS.items()],
        "targets": targets, "today": today})


def _form_page(request, form, refused, title, grievance=None, status=200):
    return render(request, "quality/grievance_form.html", {
        "form": form, "refused": refused, "title": title, "grievance": grievance},
        status=status)


@permission_required(MANAGE_QUALITY)
@require_http_methods(["GET", "POST"])
def grievance_add(request):
    form = GrievanceForm(request.POST if request.method == "POST" else None,
                         initial={"received_on": timezone.localdate()})
    saved, refused = form_flow(request, [form], lambda: rules.grievance_record(
        actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Grievance recorded."))
        return redirect("quality:grievance", grievance_id=saved.pk)
    return _form_page(request, form, refused, _("Record a grievance"),
                      status=400 if request.method == "POST" else 200)


@permission_required(MANAGE_QUALITY)
@require_http_methods(["GET", "POST"])
def grievance_edit(request, grievance_id: int):
    grievance = get_object_or_404(Grievance.objects.select_related("member"), pk=grievance_id)
    form = GrievanceForm.of(grievance, request.POST if request.method == "POST" else None)
    saved, refused = form_flow(request, [form], lambda: rules.grievance_update(
        grievance_id=grievance.pk, actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, _("Grievance details saved."))
        return redirect("quality:grievance", grievance_id=grievance.pk)
    if grievance.member_id:
        audit_record(action=Action.READ, member=grievance.member, obj=grievance,
                     request=request, detail={"page": "grievance edit"})
    return _form_page(request, form, refused, _("Correct the grievance"), grievance,
                      status=400 if request.method == "POST" else 200)


def _detail(request, grievance_id: int, forms: dict | None = None, refused=(), status=200):
    """The grievance page; ``forms`` replaces the blank step forms (a refused one, bound)."""
    grievance = get_object_or_404(Grievance.objects.select_related("member", "recorded_by"),
                                  pk=grievance_id)
    today = timezone.localdate()
    steps = {"acknowledge": AcknowledgeForm(initial={"acknowledged_on": today}),
             "resolve": ResolveForm(initial={"resolved_on": today}),
             "escalate": EscalateForm(initial={"escalated_on": today})} | (forms or {})
    if grievance.member_id:
        audit_record(action=Action.READ, member=grievance.member, obj=grievance,
                     request=request, detail={"page": "grievance"})
    return render(request, "quality/grievance.html", {
        "grievance": grievance, "refused": refused, **steps,
        "state": rules.grievance_state(grievance, rules.grievance_targets(), today),
        "from_label": grievance.get_from_kind_display(),
        "topic_label": grievance.get_topic_display()}, status=status)


@permission_required(MANAGE_QUALITY)
@require_GET
def grievance_detail(request, grievance_id: int):
    return _detail(request, grievance_id)


def _step(request, grievance_id: int, name: str, form, service, done: str):
    """One step posted from the grievance page: the service, or the page again with the
    problems next to the fields (400)."""
    saved, refused = form_flow(request, [form], lambda: service(
        grievance_id=grievance_id, actor=request.user, **form.cleaned_data))
    if saved:
        messages.success(request, done)
        return redirect("quality:grievance", grievance_id=grievance_id)
    return _detail(request, grievance_id, {name: form}, refused, status=400)


@permission_required(MANAGE_QUALITY)
@require_POST
def grievance_acknowledge(request, grievance_id: int):
    return _step(request, grievance_id, "acknowledge", AcknowledgeForm(request.POST),
                 rules.grievance_acknowledge, _("Acknowledgement recorded."))


@permission_required(MANAGE_QUALITY)
@require_POST
def grievance_resolve(request, grievance_id: int):
    return _step(request, grievance_id, "resolve", ResolveForm(request.POST),
                 rules.grievance_resolve, _("Resolution recorded."))


@permission_required(MANAGE_QUALITY)
@require_POST
def grievance_escalate(request, grievance_id: int):
    return _step(request, grievance_id, "escalate", EscalateForm(request.POST),
                 rules.grievance_escalate, _("Escalation recorded."))


urlpatterns = [
    path("grievances/", grievance_list, name="grievances"),
    path("grievances/add/", grievance_add, name="grievance_add"),
    path("grievances/<int:grievance_id>/", grievance_detail, name="grievance"),
    path("grievances/<int:grievance_id>/edit/", grievance_edit, name="grievance_edit"),
    path("grievances/<int:grievance_id>/acknowledge/", grievance_acknowledge,
         name="grievance_acknowledge"),
    path("grievances/<int:grievance_id>/resolve/", grievance_resolve, name="grievance_resolve"),
    path("grievances/<int:grievance_id>/escalate/", grievance_escalate,
         name="grievance_escalate"),
]
