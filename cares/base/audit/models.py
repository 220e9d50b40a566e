"""The append-only audit log (45 CFR 164.312(b) audit controls).

One row per event: who did what to which member's record, when, from where, and why (for
break-glass access). Rows are never updated or deleted: the model, its queryset and (on
PostgreSQL) a database trigger all refuse. django-simple-history keeps row versions beside it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditImmutable(Exception):
    """Audit events cannot be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("audit events are append-only")

    def delete(self):
        raise AuditImmutable("audit events are append-only")


class Action(models.TextChoices):
    READ = "read", _("Read a member record")
    LIST = "list", _("Member shown in a list")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    DENIED = "denied", _("Access denied")
    BREAK_GLASS = "break_glass", _("Emergency (break-glass) access")
    DOWNLOAD = "download", _("Document downloaded")
    EXPORT = "export", _("Export")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("member"))
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["member", "at"]), models.Index(fields=["actor", "at"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditImmutable("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("audit events are append-only")


class BreakGlassGrant(models.Model):
    """Emergency access (45 CFR 164.312(a)(2)(ii)): a coordinator opens a member outside their
    care team by giving a written reason. It lasts a limited time and is audited as high
    priority; the program director is notified."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="break_glass_grants")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "member", "expires_at"])]

    def __str__(self) -> str:
        return f"break-glass #{self.pk} until {self.expires_at:%Y-%m-%d %H:%M}"
