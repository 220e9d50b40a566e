"""The caseload: the members one works with, found by scope and name (PS VI.B.1.a)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cares.base.access import VIEW_MEMBER, permission_required
from cares.base.audit.services import audit_members_listed
from members.models import Member
from members.pages import PAGE_SIZE, SCOPE_LABELS, SHOW_LABELS, default_scope
from members.selectors import caseload, scopes_for, status_label, turning_21_flag


@dataclass(frozen=True)
class CaseloadRow:
    member: Member
    age: int
    status: str
    flag: str
    primary_contact: str
    referral_date: date | None


@permission_required(VIEW_MEMBER)
@require_GET
def member_list_view(request):
    on = timezone.localdate()
    scopes = scopes_for(request.user)
    scope = request.GET.get("scope", "")
    if scope not in scopes:
        scope = default_scope(request.user, scopes)
    text = request.GET.get("q", "").strip()
    show = request.GET.get("show", "")
    if show not in SHOW_LABELS:
        show = "current"
    page = Paginator(caseload(request.user, scope=scope, text=text, show=show), PAGE_SIZE)\
        .get_page(request.GET.get("page"))
    audit_members_listed(members=page.object_list, actor=request.user,
                         detail={"page": "caseload", "scope": scope, "show": show})
    rows = [
        CaseloadRow(
            member=m, age=m.age_on(on), status=status_label(m.episode_status),
            flag=turning_21_flag(m, on),
            primary_contact=f"{m.primary_first or ''} {m.primary_last or ''}".strip(),
            referral_date=m.episode_referral,
        )
        for m in page
    ]
    return render(request, "members/list.html", {
        "rows": rows, "page": page, "scope": scope, "q": text, "show": show,
        "shows": list(SHOW_LABELS.items()),
        "scopes": [(s, SCOPE_LABELS[s]) for s in scopes], "today": on,
    })
