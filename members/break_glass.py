"""The break-glass request page: a coordinator names a member by MassHealth ID and gives a
written reason (45 CFR 164.312(a)(2)(ii)); the grant itself is ``break_glass_open`` in the
audit log's base (limited time, high priority, the program director told)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from cares.base.access import BREAK_GLASS, permission_required
from cares.base.audit.break_glass import break_glass_open
from cares.base.audit.models import Action, Priority
from cares.base.audit.services import audit_record
from members.models import Member


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
