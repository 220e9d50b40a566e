"""Break-glass: emergency access to a member outside one's care team (45 CFR
164.312(a)(2)(ii)). Needs a written reason, lasts a limited time, is audited as high priority,
and the program director is told at once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cares.base.access import BREAK_GLASS, may
from cares.base.audit.models import Action, BreakGlassGrant, Priority
from cares.base.audit.services import audit_record
from cares.base.staff.models import Role, User

MIN_REASON_LENGTH = 20


@transaction.atomic
def break_glass_open(*, user, member, reason: str) -> BreakGlassGrant:
    if not may(user, BREAK_GLASS):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(_("Explain the emergency in at least %(n)d characters.")
                              % {"n": MIN_REASON_LENGTH})
    minutes = settings.CARES_BREAK_GLASS_MINUTES
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(user=user, member=member, reason=reason,
                                           granted_at=now,
                                           expires_at=now + timedelta(minutes=minutes))
    event = audit_record(action=Action.BREAK_GLASS, actor=user, member=member, obj=grant,
                         reason=reason, priority=Priority.HIGH,
                         detail={"minutes": minutes, "access": True, "user": user.pk,
                                 "old": None,
                                 "new": {"member": member.pk,
                                         "expires_at": grant.expires_at.isoformat()}})
    directors = list(User.objects.filter(
        is_active=True, staff_profile__active=True,
        staff_profile__roles__role=Role.PROGRAM_DIRECTOR, staff_profile__roles__is_backup=False,
    ).values_list("email", flat=True).distinct())
    if directors:
        # Minimum necessary: the e-mail names the staff member, the record number and the
        # grant; the reason (free text, often clinical) is read in the audit log only.
        review = f"{reverse('audit_log')}?action={Action.BREAK_GLASS}&member={member.pk}"
        transaction.on_commit(lambda: send_mail(
            subject=_("CARES Kids: emergency access used"),
            message=_("%(staff)s used break-glass access to member record #%(member)s for "
                      "%(minutes)d minutes (grant #%(grant)s).\n\nRead the reason and review "
                      "the access in the audit log (event #%(event)s): %(review)s")
            % {"staff": user.get_full_name() or user.email, "member": member.pk,
               "minutes": minutes, "grant": grant.pk, "event": event.pk, "review": review},
            from_email=None, recipient_list=directors,
        ))
    return grant
