"""Staff pages for program directors. Thin: validate, call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.access import MANAGE_STAFF, permission_required
from cares.base.events import ask, staff_medical_trainings
from cares.base.staff.enrollment import enrollment_link_issue
from cares.base.staff.forms import (
    BackupFormSet,
    CredentialFormSet,
    ProgramSettingsForm,
    StaffForm,
    TrainingFormSet,
)
from cares.base.staff.models import EnrollmentLink, Program, Role, StaffProfile, User
from cares.base.staff.selectors import staff_get, staff_overview, staff_status
from cares.base.staff.services import program_save, staff_save
from cares.base.toolkit import form_flow

STAFF_PAGE_SIZE = 50
SHOW_LABELS = {  # the staff page's filter (``staff_overview``)
    "all": gettext_lazy("Everyone"),
    "active": gettext_lazy("Active"),
    "attention": gettext_lazy("Needs attention"),
    "inactive": gettext_lazy("Inactive"),
}


@permission_required(MANAGE_STAFF)
def staff_list_view(request):
    on = timezone.localdate()
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""  # anything else: any role
    show = request.GET.get("show", "")
    show = show if show in SHOW_LABELS else "all"
    text = request.GET.get("q", "").strip()[:100]
    overview = staff_overview(on=on, text=text, role=role, show=show)
    page = Paginator(overview.rows, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/list.html", {
        "rows": page.object_list, "page": page, "total": overview.total,
        # Active staff whose role no longer passes its check: listed, never changed silently.
        "unqualified": overview.unqualified,
        "checks": overview.checks,
        "q": text, "role": role, "show": show,
        "roles": Role.choices, "shows": list(SHOW_LABELS.items()),
        "licence_window_days": settings.CARES_LICENSE_EXPIRY_WARNING_DAYS,
        "today": on,
    })


def _get_profile(pk: int) -> StaffProfile:
    try:
        return staff_get(pk=pk)
    except StaffProfile.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(MANAGE_STAFF)
def staff_detail_view(request, pk: int):
    profile = _get_profile(pk)
    on = timezone.localdate()
    history = profile.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "staff/detail.html", {
        "row": staff_status(profile, on),
        "profile": profile,
        "history": history,
        "today": on,
        # PS IV.B.2.b.6, kept by members.coverage: asked, not imported (the floors).
        "medical_trainings": ask(staff_medical_trainings, staff_id=profile.pk),
        "is_coordinator": any(r.role == Role.CARE_COORDINATOR for r in profile.roles.all()),
        "has_authenticator": TOTPDevice.objects.filter(user=profile.user,
                                                       confirmed=True).exists(),
        "pending_link": EnrollmentLink.objects.filter(
            user=profile.user, used_at__isnull=True, revoked_at__isnull=True,
            expires_at__gt=timezone.now()).first(),
    })


@permission_required(MANAGE_STAFF)
@require_POST
def staff_enrollment_link_view(request, pk: int):
    """A one-time link for setting up the authenticator app, shown once (only its hash is
    kept): the program director passes it to the staff member."""
    profile = _get_profile(pk)
    try:
        link, token = enrollment_link_issue(user=profile.user, issued_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("staff:detail", pk=profile.pk)
    url = request.build_absolute_uri(f"{reverse('enroll')}?{urlencode({'token': token})}")
    return render(request, "staff/enrollment_link.html",
                  {"profile": profile, "link": link, "url": url})


@permission_required(MANAGE_STAFF)
def staff_edit_view(request, pk: int | None = None):
    profile = _get_profile(pk) if pk else StaffProfile()
    user = profile.user if pk else User()
    data = request.POST if request.method == "POST" else None
    form = StaffForm(data, instance=profile, user=user)
    formsets = {
        "credentials": CredentialFormSet(data, instance=profile, prefix="cred"),
        "trainings": TrainingFormSet(data, instance=profile, prefix="train"),
        "backups": BackupFormSet(data, instance=profile, prefix="backup"),
    }
    refused: list[str] = []
    if data is not None:
        # Validate everything (no short-circuit) so every error shows at once.
        results = [form.is_valid()] + [fs.is_valid() for fs in formsets.values()]
        valid = all(results)
        if valid:
            try:
                saved = staff_save(
                    user=form.user_instance(),
                    profile=form.instance,
                    credentials=formsets["credentials"].final_instances(),
                    roles=form.role_instances() + formsets["backups"].final_instances(),
                    trainings=formsets["trainings"].final_instances(),
                    password=form.cleaned_data.get("password") or None,
                )
            except ValidationError as exc:  # Refusal among them
                refused = exc.messages
                if not pk:
                    # The transaction rolled back: the new records must not look saved.
                    form.instance.pk = None
                    user.pk = None
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": saved})
                return redirect("staff:detail", pk=saved.pk)
        messages.error(request, _("Nothing was saved. Please correct the problems shown."))
    return render(request, "staff/form.html", {
        "form": form,
        "formsets": formsets,
        "refused": refused,
        "profile": profile if pk else None,
    })


# --- Program settings (the program director) ----------------------------------------------------

CHANGE_PROGRAM = "staff.change_program"


@permission_required(CHANGE_PROGRAM)
def program_settings_view(request):
    """The program record: name and contact details, and the program's own lengths that the
    deadline rule book reads (deadlines.md notes). Every change is audited, with history."""
    program = Program.objects.order_by("pk").first() or Program()
    form = ProgramSettingsForm(request.POST if request.method == "POST" else None,
                               instance=program)
    saved, refused = form_flow(request, [form], lambda: program_save(program=form.instance,
                                                                    actor=request.user))
    if saved is not None:
        messages.success(request, _("Saved the program settings."))
        return redirect("staff:program_settings")
    history = program.history.select_related("history_user").order_by(
        "-history_date")[:20] if program.pk else []
    return render(request, "staff/program_settings.html", {
        "form": form, "refused": refused, "program": program, "history": history,
        "lengths": [form[name] for name in ProgramSettingsForm.LENGTHS],
        "details": [form[name] for name in ("name", "phone", "address")],
        "line": [form[name] for name in ("on_call_phone", "callback_target_minutes")],
    })
