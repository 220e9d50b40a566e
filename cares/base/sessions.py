"""Session limits (45 CFR 164.312(a)(2)(iii) automatic logoff) and sign-in bookkeeping.

- Idle: signed out after IDLE_TIMEOUT_SECONDS (15 minutes) without a request.
- Absolute: signed out SESSION_ABSOLUTE_SECONDS (12 hours) after signing in, active or not.
Signing out flushes the server-side session. Django gives a new session id at sign-in, and
a password change or deactivation invalidates the user's other sessions.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cares.base.audit.models import Action
from cares.base.audit.services import audit_record

LAST_ACTIVITY_KEY = "cares_last_activity"
SIGNED_IN_AT_KEY = "cares_signed_in_at"


class IdleTimeoutMiddleware:
    """Sign a user out after too long idle, or too long since signing in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            signed_in = request.session.setdefault(SIGNED_IN_AT_KEY, now)
            if last is not None and now - last > settings.IDLE_TIMEOUT_SECONDS:
                message = _("You were signed out after %(minutes)d minutes without activity.") \
                    % {"minutes": settings.IDLE_TIMEOUT_SECONDS // 60}
            elif now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
                message = _("You were signed out %(hours)d hours after signing in. Please sign "
                            "in again.") % {"hours": settings.SESSION_ABSOLUTE_SECONDS // 3600}
            else:
                message = None
            if message:
                logout(request)
                messages.info(request, message)
                return redirect_to_login(request.get_full_path())
            request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


@require_safe
def session_view(request):
    """Who is signed in and when the session ends: a tiny page any signed-in user (both
    factors) may open, that reads nothing beyond what every request reads (the session and
    the user), and keeps the session alive like any page. It is also the floor of the pages'
    bench (``make bench``: a signed-in page through the same middleware)."""
    signed_in = request.session.get(SIGNED_IN_AT_KEY)
    return render(request, "registration/session.html", {
        "idle_minutes": settings.IDLE_TIMEOUT_SECONDS // 60,
        "signed_in_at": datetime.fromtimestamp(signed_in, UTC) if signed_in else None,
        "ends_at": datetime.fromtimestamp(signed_in + settings.SESSION_ABSOLUTE_SECONDS, UTC)
        if signed_in else None,
    })


def on_signed_in(sender, request, user, **kwargs):
    request.session[SIGNED_IN_AT_KEY] = time.time()
    request.session[LAST_ACTIVITY_KEY] = time.time()


def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.SIGN_OUT, actor=user, request=request)


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    audit_record(action=Action.SIGN_IN_FAILED, request=request, detail={"step": "password"})


def axes_username(request, credentials) -> str | None:
    """The sign-in name django-axes counts failures against: the e-mail, case-folded, so
    changing the case of an address does not reset the count."""
    value = (credentials or {}).get("username") or request.POST.get("username")
    return value.strip().lower() if value else None
