"""``GET /fhir/Patient/<id>/$everything``: the member's record as a FHIR Bundle, for signed-in
staff who may see the member (404 otherwise, as the member page), minimum necessary by role.
``?download=1`` serves it as a file, for those who may see the whole record (the member page
offers it to them). Read only: no write API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

from cares.base.access import may_see_clinical
from cares.base.audit.models import Action
from cares.base.audit.services import audit_record
from cares.program.fhir.services import export_member
from members.access import member_view

FHIR_JSON = "application/fhir+json"


@member_view("GET", record_read=False)  # the export is recorded as an export
def everything_view(request, member):
    clinical = may_see_clinical(request.user)
    download = request.GET.get("download") == "1"
    if download and not clinical:
        audit_record(action=Action.DENIED, actor=request.user, member=member, obj=member,
                     detail={"fhir_download": True, "clinical": False})
        raise PermissionDenied
    made = export_member(member, clinical=clinical, actor=request.user, request=request,
                         base_url=request.build_absolute_uri("/fhir/"),
                         via="download" if download else "$everything")
    response = HttpResponse(made.json, content_type=f"{FHIR_JSON}; charset=utf-8")
    if download:
        response["Content-Disposition"] = (
            f'attachment; filename="member-{member.pk}-fhir-bundle.json"')
    add_never_cache_headers(response)
    return response
