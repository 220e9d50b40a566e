"""Document downloads: access checked, generic file name, never cached, checksum verified."""

from django.http import Http404, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from cares.access import may_see_clinical, member_view
from cares.documents.services import DocumentIntegrityError, document_read

# Documents whose content is clinical detail (family support staff may not open them).
CLINICAL_DOCUMENT_KINDS = frozenset({"care_plan", "care_plan_translation", "emergency_plan"})


@member_view("GET")
def document_download(request, member, document_id: int):
    document = member.documents.filter(pk=document_id).first()
    if document is None or (document.kind in CLINICAL_DOCUMENT_KINDS
                            and not may_see_clinical(request.user)):
        # Minimum necessary: care plans and emergency plans carry clinical detail.
        raise Http404
    try:
        content = document_read(document=document, actor=request.user)
    except DocumentIntegrityError:
        return HttpResponse(_("This document failed its integrity check and cannot be "
                              "shown. The program director has been alerted in the audit "
                              "log."), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.download_name}"'
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response
