"""Two-factor enrollment links: no trust on first use.

A new account (or one whose authenticator was removed) sets up its TOTP device only through
a one-time link from the program director: it expires after ``CARES_ENROLLMENT_LINK_HOURS``,
works once, and a new link revokes the earlier ones. Issuing, using and revoking a link are
high-priority audit events; only a hash of the token is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.access import MANAGE_STAFF, may
from cares.base.audit.models import Action, Priority
from cares.base.audit.services import audit_record
from cares.base.staff.models import EnrollmentLink, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(action: str, link: EnrollmentLink, *, actor=None, old=None, new=None) -> None:
    audit_record(action=action, actor=actor, obj=link, priority=Priority.HIGH,
                 detail={"access": True, "user": link.user_id, "enrollment_link": link.pk,
                         "old": old, "new": new})


def _state(link: EnrollmentLink) -> dict:
    return {"expires_at": link.expires_at.isoformat(),
            "used_at": link.used_at.isoformat() if link.used_at else None,
            "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None}


@transaction.atomic
def enrollment_link_issue(*, user: User, issued_by: User | None) -> tuple[EnrollmentLink, str]:
    """A new one-time enrollment link for ``user``: the link and its token (shown once).

    ``issued_by`` must be allowed to manage staff (the program director); ``None`` is the
    command line (``manage.py enrollment_link``), for the first account of an installation.
    Earlier unused links of ``user`` are revoked.
    """
    if issued_by is not None and not may(issued_by, MANAGE_STAFF):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("This account is not active: activate it before sending "
                                "an enrollment link."))
    now = timezone.now()
    # Lock the account's row so two issues at once leave exactly one usable link.
    User.objects.select_for_update().filter(pk=user.pk).first()
    for old in EnrollmentLink.objects.filter(user=user, used_at__isnull=True,
                                             revoked_at__isnull=True):
        before = _state(old)
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        _audit(Action.UPDATE, old, actor=issued_by, old=before, new=_state(old))
    token = secrets.token_urlsafe(32)
    link = EnrollmentLink.objects.create(
        user=user, token_hash=_hash(token), issued_by=issued_by, issued_at=now,
        expires_at=now + timedelta(hours=settings.CARES_ENROLLMENT_LINK_HOURS))
    _audit(Action.CREATE, link, actor=issued_by, old=None, new=_state(link))
    return link, token


def enrollment_link_find(*, user: User, token: str | None) -> EnrollmentLink | None:
    """The usable link of ``user`` with this token, or ``None``."""
    if not token or not user.is_authenticated:
        return None
    link = EnrollmentLink.objects.filter(user=user, token_hash=_hash(token)).first()
    return link if link is not None and link.is_usable() else None


@transaction.atomic
def enrollment_link_redeem(*, link: EnrollmentLink, device) -> None:
    """Confirm ``device`` and use up ``link``, once: of two uses at once, one wins and the
    other is refused (ValidationError) with nothing confirmed."""
    now = timezone.now()
    used = EnrollmentLink.objects.filter(
        pk=link.pk, user=device.user_id, used_at__isnull=True, revoked_at__isnull=True,
        expires_at__gt=now).update(used_at=now)
    if used != 1:
        raise ValidationError(_("This enrollment link has expired or was already used. Ask "
                                "the program director for a new one."))
    before = _state(link)
    link.used_at = now
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit(Action.UPDATE, link, actor=link.user, old=before, new=_state(link))
