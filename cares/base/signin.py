"""Two-factor sign-in (TOTP, django-otp) for every staff user, the admin site included.

After the password step the user is signed in but not *verified*; ``OTPRequiredMiddleware``
sends them here until they enter a code from their authenticator app. A user without a
device sets one up only with a one-time enrollment link from the program director
(``cares.base.staff.enrollment``; the link is opened before or after the password step): a password
alone never enrolls a device. Wrong codes are throttled by django-otp (each failure doubles
the wait); a code that was already used is refused. The session key is rotated once the
second factor succeeds.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cares.base.audit.models import Action, Priority
from cares.base.audit.services import audit_record
from cares.base.staff.enrollment import enrollment_link_find, enrollment_link_redeem

TWO_FACTOR_PATH = "/accounts/two-factor/"
ENROLL_PATH = "/accounts/enroll/"
# Paths an authenticated but unverified user may still open.
UNVERIFIED_ALLOWED = (TWO_FACTOR_PATH, ENROLL_PATH, "/accounts/logout/", "/accounts/login/",
                      "/static/", "/healthz")
SETUP_SESSION_KEY = "cares_totp_setup_device"
ENROLL_TOKEN_KEY = "cares_enrollment_token"  # noqa: S105 (a session key name)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"), max_length=6,
        min_length=6, widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}",
            "autofocus": True}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits shown in your app."))
        return code


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _setup_device(request) -> TOTPDevice:
    """The unconfirmed device being set up in this session (created once)."""
    user = request.user
    device_id = request.session.get(SETUP_SESSION_KEY)
    device = TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first() \
        if device_id else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        request.session[SETUP_SESSION_KEY] = device.pk
    return device


@login_not_required
@require_http_methods(["GET"])
def enroll_view(request):
    """The enrollment link from the program director (``?token=``): kept in the session, which
    survives the password step, and taken out of the address bar at once."""
    token = request.GET.get("token", "").strip()
    if token:
        request.session[ENROLL_TOKEN_KEY] = token[:100]
    if not request.user.is_authenticated:
        return redirect_to_login(TWO_FACTOR_PATH)
    return redirect(TWO_FACTOR_PATH)


def _refuse_enrollment(request):
    """No device and no usable enrollment link: nothing to set up, and the refusal audited."""
    had_token = bool(request.session.get(ENROLL_TOKEN_KEY))
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    request.session.pop(SETUP_SESSION_KEY, None)
    audit_record(action=Action.DENIED, actor=request.user, priority=Priority.HIGH,
                 detail={"second_factor": "enrollment refused",
                         "link": "unusable" if had_token else "none"})
    return render(request, "registration/two_factor.html",
                  {"needs_link": True, "link_unusable": had_token}, status=403)


@require_http_methods(["GET", "POST"])
def two_factor_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    link = None
    if setting_up:
        link = enrollment_link_find(user=request.user,
                                    token=request.session.get(ENROLL_TOKEN_KEY))
        if link is None:
            return _refuse_enrollment(request)
        device = _setup_device(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes. Wait a little and try again."))
        elif device.verify_token(form.cleaned_data["code"]):
            if setting_up:
                try:
                    enrollment_link_redeem(link=link, device=device)
                except ValidationError:
                    return _refuse_enrollment(request)
                request.session.pop(SETUP_SESSION_KEY, None)
                request.session.pop(ENROLL_TOKEN_KEY, None)
            otp_login(request, device)
            # A new session key once both factors passed (session fixation).
            request.session.cycle_key()
            audit_record(action=Action.SIGN_IN, actor=request.user,
                         detail={"second_factor": "totp", "enrolled": setting_up})
            return redirect(_next_url(request))
        else:
            audit_record(action=Action.SIGN_IN_FAILED, actor=request.user,
                         priority=Priority.NORMAL, detail={"second_factor": "totp"})
            form.add_error("code", _("That code is not valid, or was already used."))
    context = {"form": form, "setting_up": setting_up, "next": _next_url(request)}
    if setting_up:
        context["qr"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 (our own SVG)
        context["secret"] = _base32(device.bin_key)
    return render(request, "registration/two_factor.html", context)


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


class OTPRequiredMiddleware:
    """Deny by default: a signed-in user must pass the second factor before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and not request.path.startswith(UNVERIFIED_ALLOWED)):
            if request.method != "GET":
                messages.info(request, _("Enter your two-factor code first."))
            return redirect(f"{TWO_FACTOR_PATH}?next={request.get_full_path()}")
        return self.get_response(request)
