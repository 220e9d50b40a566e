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


# Set on a request once a ``denied`` event was written for it (``AuditContextMiddleware``).
DENIAL_RECORDED = "_cares_denial_recorded"

