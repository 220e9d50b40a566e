"""The admin site, audited like every other way into a member's record (45 CFR 164.312(b)).
Part of the composition root: it sees every app.

Every model admin registered on the site whose model reaches a member (a foreign key to
``Member``, directly or through up to three others) is given ``MemberAuditMixin`` at
registration: opening a record (change form or history) writes a read event, each list page
one list event per member shown, and every save and delete in the admin a change event, as the
services do. Nobody has to remember it for a new admin: ``CaresAdminSite.register`` does it,
and ``tests/security/test_admin_audit.py`` walks the registry to prove it.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import admin
from django.db.models.base import ModelBase

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change, audit_members_listed, audit_record
from members.models import Member

MAX_DEPTH = 3
NOT_AUDITED_APPS = {"audit"}  # the audit log itself: its admin is read-only and for auditors


def member_path(model) -> str | None:
    """The lookup path from ``model`` to its member ("" for ``Member`` itself, e.g.
    ``"episode__member"``), or ``None`` when the model holds no member's data."""
    if model is Member:
        return ""
    if model._meta.app_label in NOT_AUDITED_APPS:
        return None
    frontier = [(model, "")]
    for _depth in range(MAX_DEPTH):
        following = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not (field.concrete and (field.many_to_one or field.one_to_one)):
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is Member:
                    return path
                following.append((field.related_model, f"{path}__"))
        frontier = following
    return None


class MemberAuditMixin:
    """Audit events for reads, lists and changes made through the admin."""

    member_path = ""

    def _member_of(self, obj) -> int | None:
        if not self.member_path:
            return obj.pk
        value = obj
        for part in self.member_path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value.pk

    def _audit_read(self, request, object_id, via: str) -> None:
        obj = self.get_object(request, object_id)
        if obj is not None:
            audit_record(action=Action.READ, actor=request.user, member=self._member_of(obj),
                         obj=obj, request=request, detail={"via": via})

    def _audit_change(self, request, obj, action: str, fields=()) -> None:
        audit_change(action=action, obj=obj, member=self._member_of(obj), actor=request.user,
                     fields=fields, detail={"via": "admin"})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if object_id and request.method == "GET" and response.status_code == 200:
            self._audit_read(request, object_id, "admin change form")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit_read(request, object_id, "admin history")
        return response

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        shown = [obj.pk for obj in changelist.result_list]
        if shown:
            field = self.member_path or "pk"
            members = set(self.model._default_manager.filter(pk__in=shown)
                          .values_list(field, flat=True)) - {None}
            audit_members_listed(members=[SimpleNamespace(pk=pk) for pk in sorted(members)],
                                 request=request,
                                 detail={"via": "admin list", "model": self.model._meta.label})
        return changelist

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit_change(request, obj, Action.UPDATE if change else Action.CREATE,
                           form.changed_data)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        inline = member_path(formset.model)
        if inline is None:
            return
        audit = MemberAuditMixin()
        audit.member_path = inline
        for obj in formset.new_objects:
            audit._audit_change(request, obj, Action.CREATE)
        for obj, fields in formset.changed_objects:
            audit._audit_change(request, obj, Action.UPDATE, fields)

    def delete_model(self, request, obj):
        self._audit_change(request, obj, Action.DELETE)  # before the row (and its pk) go
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_change(request, obj, Action.DELETE)
        super().delete_queryset(request, queryset)


class CaresAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) \
            else list(model_or_iterable)
        for model in models:
            cls = admin_class or admin.ModelAdmin
            path = member_path(model)
            if path is not None and not issubclass(cls, MemberAuditMixin):
                cls = type(cls.__name__, (MemberAuditMixin, cls),
                           {"member_path": path, "__module__": cls.__module__})
            super().register(model, cls, **options)

