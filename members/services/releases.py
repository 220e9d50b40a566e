"""Releases of information (PS VIII): a signed release meeting HIPAA requirements, which can
expire or be revoked."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cares.base.staff.models import User
from cares.base.toolkit import Refusal, not_future, refuse, save_and_audit
from members.models import ReleaseOfInformation


@transaction.atomic
def release_save(*, release: ReleaseOfInformation,
                 actor: User | None = None) -> ReleaseOfInformation:
    problems = []
    if release.expires_on and release.signed_on and release.expires_on < release.signed_on:
        problems.append(_("The release expires before it was signed."))
    if release.revoked_on and release.signed_on and release.revoked_on < release.signed_on:
        problems.append(_("The release cannot be revoked before it was signed."))
    not_future(release.signed_on, _("The signature date"), problems)
    return save_and_audit(release, actor=actor, member=release.member_id, problems=problems)


@transaction.atomic
def release_revoke(*, release: ReleaseOfInformation, revoked_on: date,
                   actor: User | None = None) -> ReleaseOfInformation:
    stored = ReleaseOfInformation.objects.get(pk=release.pk)
    if stored.revoked_on:
        raise Refusal(_("This release was already revoked on %(date)s.")
                      % {"date": stored.revoked_on.isoformat()})
    problems: list[str] = []
    not_future(revoked_on, _("The revocation date"), problems)
    if revoked_on < stored.signed_on:
        problems.append(_("The release cannot be revoked before it was signed."))
    refuse(problems)
    release.revoked_on = revoked_on
    return release_save(release=release, actor=actor)
