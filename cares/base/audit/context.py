"""The request being served, so the audit log can record the client address and path
without every service taking the request as an argument."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

current_request: ContextVar = ContextVar("cares_current_request", default=None)


def client_address(request) -> str | None:
    """The client's address. Behind a reverse proxy set CARES_TRUSTED_PROXY_COUNT (and the
    same for django-axes, AXES_IPWARE_PROXY_COUNT) to the number of proxies in front of the
    app; X-Forwarded-For is read only then."""
    if request is None:
        return None
    proxies = getattr(settings, "CARES_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


DENIAL_RECORDED = "_cares_denial_recorded"


class AuditContextMiddleware:
    """Makes the request available to the audit log, and records every refusal: a 403 for
    which nothing wrote a ``denied`` event (a permission check in a view, the admin, a CSRF
    failure) gets one here, so no denial goes unrecorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 and not getattr(request, DENIAL_RECORDED, False):
                from cares.base.audit.models import Action
                from cares.base.audit.services import audit_record

                audit_record(action=Action.DENIED, request=request,
                             detail={"status": 403, "method": request.method})
            return response
        finally:
            current_request.reset(token)
