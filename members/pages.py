"""The plumbing the member pages share (``members.views`` and ``members.coordination.views``):
the posted data, the caseload scopes, the form page and the "done" redirect."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cares.base.access import staff_profile
from cares.base.toolkit import checklist
from members.models import Episode, Member, Removal
from members.services import PRIMARY_CONTACT_ROLES

PAGE_SIZE = 50
SCOPE_LABELS = {"mine": gettext_lazy("Mine"), "team": gettext_lazy("My care teams"),
                "all": gettext_lazy("All")}
SHOW_LABELS = {"current": gettext_lazy("Current"),
               "closed": gettext_lazy("Closed before enrollment"),
               "all": gettext_lazy("Current and closed")}


def post_data(request):
    """The posted data to bind a form to, or ``None`` (an unbound form) on a GET."""
    return request.POST if request.method == "POST" else None


def default_scope(user, scopes: tuple[str, ...]) -> str:
    """Care coordinators and senior care managers start with the members they are primary
    contact for; other staff with their care teams' members."""
    profile = staff_profile(user)
    if profile is None:
        return "all" if "all" in scopes else "team"
    leads = profile.roles.filter(role__in=PRIMARY_CONTACT_ROLES, is_backup=False)
    return "mine" if leads.exists() else "team"


def form_page(request, *, member: Member | None, form, refused: list[str], title: str,
              citation: str = "", episode: Episode | None = None, **extra):
    """The one form page: the form, the service's reasons for refusing, and a way back."""
    cancel = reverse("members:detail", args=[member.pk]) if member else \
        reverse("members:list")
    return render(request, "members/form.html", {
        "member": member, "episode": episode, "form": form, "refused": refused,
        "title": title, "citation": citation, "cancel_url": cancel, **extra,
    })


def done(request, member: Member, message: str):
    """Say what was saved and go back to the member page."""
    messages.success(request, message)
    return redirect("members:detail", pk=member.pk)


def aftercare_checklist(member: Member, removal: Removal | None, *, here: bool = False) -> list:
    """What the aftercare/transition plan still lacks (PS IX.B), grouped by section, each
    item a link to the field on the aftercare plan page that supplies it (``here``: on that
    page already)."""
    if removal is None:
        return []
    page = "" if here else reverse("members:aftercare", args=[member.pk])
    return checklist((item.section, str(item), f"{page}#id_{item.field}")
                     for item in removal.missing_items())
