"""Member document downloads: access checked, generic file name, never cached, checksum
verified (the documents themselves are kept by ``cares.base.documents``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from cares.base.access import may_see_clinical
from cares.base.audit.models import Action
from cares.base.audit.services import audit_record
from cares.base.documents.models import RESPONDER_CARD_KIND
from cares.base.documents.services import DocumentIntegrityError, document_read
from members.access import may_download_responder_card, member_view, record_member_read

# Documents whose content is clinical detail (family support staff may not open them).
CLINICAL_DOCUMENT_KINDS = frozenset({"care_plan", "care_plan_translation", "emergency_plan",
                                     RESPONDER_CARD_KIND})
# A member record packet is served only by its own audited export route
# (``quality:packet_download``), never here.
EXPORT_ONLY_KINDS = frozenset({"record_packet"})


@member_view("GET", record_read=False)  # a refused document is a denial, not a read
def document_download(request, member, document_id: int):
    document = member.documents.filter(pk=document_id).first()
    if document is not None and document.kind in EXPORT_ONLY_KINDS:
        audit_record(action=Action.DENIED, actor=request.user, member=member, obj=document,
                     detail={"document_id": document_id, "export_only": True})
        raise Http404
    if document is None or (document.kind in CLINICAL_DOCUMENT_KINDS
                            and not may_see_clinical(request.user)):
        # Minimum necessary: care plans and emergency plans carry clinical detail.
        audit_record(action=Action.DENIED, actor=request.user, member=member, obj=document,
                     detail={"document_id": document_id,
                             "clinical": document is not None})
        raise Http404
    if document.kind == RESPONDER_CARD_KIND and not may_download_responder_card(request.user,
                                                                                member):
        # The card prints a live responder link: not for a break-glass reader (README).
        audit_record(action=Action.DENIED, actor=request.user, member=member, obj=document,
                     detail={"responder_card": True, "break_glass": True})
        raise PermissionDenied
    record_member_read(request.user, member)
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
