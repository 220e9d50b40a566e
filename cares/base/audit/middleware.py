"""Every request is known to the audit log while it is served, and no refusal goes
unrecorded."""

from __future__ import annotations

from cares.base.audit.context import DENIAL_RECORDED, current_request
from cares.base.audit.models import Action
from cares.base.audit.services import audit_record


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
                audit_record(action=Action.DENIED, request=request,
                             detail={"status": 403, "method": request.method})
            return response
        finally:
            current_request.reset(token)
