"""The quality hub: where the program director and senior care managers find review requests,
experience surveys and grievances (PS VII)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cares.base.access import MANAGE_QUALITY, permission_required


@require_GET
@permission_required(MANAGE_QUALITY)
def index(request):
    return render(request, "quality/index.html", {})


urlpatterns = [path("", index, name="index")]
