"""The audit log page (program director only) and the break-glass request page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from cares.base.access import BREAK_GLASS, VIEW_AUDIT, permission_required
from cares.base.audit.break_glass import break_glass_open
from cares.base.audit.models import Action, AuditEvent, Priority
from cares.base.audit.services import audit_record


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


class BreakGlassForm(forms.Form):
    masshealth_id = forms.CharField(label=_("MassHealth ID of the member"), max_length=12,
                                    min_length=12)
    reason = forms.CharField(
        label=_("Reason for emergency access"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Your access lasts a limited time, is recorded as high priority "
                    "and the program director is notified."))


@permission_required(BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass_view(request):
    from members.models import Member

    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = Member.objects.filter(masshealth_id=form.cleaned_data["masshealth_id"]).first()
        if member is None:
            audit_record(action=Action.DENIED, actor=request.user, priority=Priority.HIGH,
                         reason=form.cleaned_data["reason"],
                         detail={"break_glass": "no member with that MassHealth ID"})
            form.add_error("masshealth_id", _("No member has this MassHealth ID."))
        else:
            try:
                break_glass_open(user=request.user, member=member,
                                 reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error("reason", exc)
            else:
                messages.warning(request, _("Emergency access granted for %(minutes)d minutes.")
                                 % {"minutes": settings.CARES_BREAK_GLASS_MINUTES})
                return redirect("members:detail", pk=member.pk)
    return render(request, "audit/break_glass.html", {"form": form})
