"""The people around the member: parents and guardians, care-team contacts from the
directory (PS VI.B.1.d) and releases of information (PS VIII)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from cares.base.toolkit import form_flow
from members import records, services
from members.access import member_view
from members.forms import GuardianForm, MemberContactForm, ReleaseForm, RevokeForm
from members.models import Guardian, MemberContact, ReleaseOfInformation
from members.pages import done, form_page, post_data


@member_view("GET", "POST", change=True)
def guardian_edit_view(request, member, guardian_id: int | None = None):
    guardian = get_object_or_404(member.guardians, pk=guardian_id) if guardian_id \
        else Guardian(member=member)
    form = GuardianForm(post_data(request), instance=guardian)
    saved, refused = form_flow(request, [form], lambda: records.guardian_save(
        guardian=form.instance))
    if saved:
        return done(request, member, _("Saved %(name)s.") % {"name": saved})
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Edit parent or guardian") if guardian_id
                     else _("Add parent or guardian"))


@member_view("GET", "POST", change=True)
def contact_add_view(request, member):
    form = MemberContactForm(post_data(request), instance=MemberContact(member=member))
    saved, refused = form_flow(request, [form], lambda: records.member_contact_save(
        contact=form.instance))
    if saved:
        return done(request, member, _("Added %(contact)s to the care team.") % {
            "contact": saved})
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Add a care-team contact"), citation="PS VI.B.1.d",
                     intro=_("Link a provider or agency from the directory, with its role for "
                             "this member."))


@member_view("POST", change=True)
def contact_remove_view(request, member, contact_id: int):
    contact = get_object_or_404(member.contacts.select_related("provider"), pk=contact_id)
    records.member_contact_remove(contact=contact)
    return done(request, member, _("Removed %(contact)s from the care team.") % {
        "contact": contact})


@member_view("GET", "POST", change=True)
def release_add_view(request, member):
    form = ReleaseForm(post_data(request), instance=ReleaseOfInformation(member=member))
    saved, refused = form_flow(request, [form], lambda: services.release_save(
        release=form.instance))
    if saved:
        return done(request, member, _("Release of information to %(party)s recorded.") % {
            "party": saved.party})
    return form_page(request, member=member, form=form, refused=refused,
                     title=_("Add a release of information"), citation="PS VIII",
                     intro=_("A signed release meeting HIPAA requirements for sharing "
                             "personal health information."))


@member_view("POST", change=True)
def release_revoke_view(request, member, release_id: int):
    release = get_object_or_404(member.releases, pk=release_id)
    form = RevokeForm(request.POST)
    saved, refused = form_flow(request, [form], lambda: services.release_revoke(
        release=release, **form.cleaned_data))
    if saved:
        return done(request, member, _("Release of information to %(party)s revoked.") % {
            "party": release.party})
    for problem in refused or [e for errors in form.errors.values() for e in errors]:
        messages.error(request, problem)
    return redirect("members:detail", pk=member.pk)
