"""The provider and agency directory (PS III, VI.B.1.d)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cares.base.access import EDIT_DIRECTORY, VIEW_DIRECTORY, permission_required
from cares.base.toolkit import form_flow
from members import records
from members.forms import ProviderForm
from members.models import Provider
from members.pages import PAGE_SIZE, post_data
from members.selectors import provider_search


@permission_required(VIEW_DIRECTORY)
@require_GET
def directory_list_view(request):
    text = request.GET.get("q", "").strip()
    page = Paginator(provider_search(text), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/list.html", {"page": page, "q": text})


@permission_required(EDIT_DIRECTORY)
@require_http_methods(["GET", "POST"])
def directory_edit_view(request, provider_id: int | None = None):
    provider = get_object_or_404(Provider, pk=provider_id) if provider_id else Provider()
    form = ProviderForm(post_data(request), instance=provider)
    saved, refused = form_flow(request, [form], lambda: records.provider_save(
        provider=form.instance))
    if saved:
        messages.success(request, _("Saved %(name)s.") % {"name": saved})
        return redirect("directory:list")
    return render(request, "members/form.html", {
        "form": form, "refused": refused, "cancel_url": reverse("directory:list"),
        "title": _("Edit directory entry") if provider_id else _("New directory entry"),
        "citation": "PS III, VI.B.1.d", "directory": True,
    })
