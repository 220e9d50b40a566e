"""The one service toolkit every floor uses (issue 14): one refusal error, one ``refuse``, one
``not_future``, one save-and-audit helper, one form flow for views, one read-only admin and
one task decorator with the retry policy.

A service checks everything first and collects its reasons in a list; ``refuse(problems)``
raises ``Refusal`` when there are any, so nothing is saved. A reason about one input is a
``FieldProblem`` named as the service's parameter, so a form shows it next to that field too.
Views call ``form_flow``: validate, call the one service, and on a refusal keep the form, say
"nothing was saved" and show why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from celery import shared_task
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import OperationalError, models
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from cares.base.audit.models import Action
from cares.base.audit.services import audit_change

NOTHING_SAVED = gettext_lazy("Nothing was saved. Please correct the problems shown.")


# --- Refusals ---------------------------------------------------------------------------------

class Refusal(ValidationError):
    """A step was refused; ``messages`` say why. Reasons about one input are keyed by its name
    (``error_dict``), so a form shows them next to that field too."""


class FieldProblem(str):
    """A refusal reason about one input, named as the service's parameter."""

    field: str

    def __new__(cls, message: str, field: str):
        problem = super().__new__(cls, message)
        problem.field = field
        return problem


def refuse(problems: Sequence[str]) -> None:
    """Raise ``Refusal`` with ``problems`` (nothing to do when there are none)."""
    if not problems:
        return
    if not any(isinstance(p, FieldProblem) for p in problems):
        raise Refusal(list(problems))
    keyed: dict[str, list[str]] = {}
    for problem in problems:
        keyed.setdefault(getattr(problem, "field", NON_FIELD_ERRORS), []).append(str(problem))
    raise Refusal(keyed)


def not_future(value: date | datetime | None, label: str, problems: list[str],
               field: str | None = None) -> None:
    """A date (or a moment) that must not lie after today (or now)."""
    if value is None:
        return
    now = timezone.now() if isinstance(value, datetime) else timezone.localdate()
    if value > now:
        message = _("%(label)s cannot be in the future.") % {"label": label}
        problems.append(FieldProblem(message, field) if field else message)


# --- Save and audit ---------------------------------------------------------------------------

def changed_fields(obj: models.Model) -> list[str]:
    """Names (never values) of the fields that differ from the stored row; none when new."""
    if obj.pk is None:
        return []
    fields = obj._meta.concrete_fields
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(
        *(f.attname for f in fields)).first()
    if stored is None:
        return []
    return [f.name for f in fields if stored[f.attname] != getattr(obj, f.attname)]


def save_and_audit(obj: models.Model, *, actor, member=None,
                   problems: Sequence[str] = ()) -> models.Model:
    """Refuse with ``problems``, or validate in full, save and audit the create or update
    (which fields changed). Nothing is written when anything is wrong."""
    refuse(problems)
    obj.full_clean()
    created, changed = obj.pk is None, changed_fields(obj)
    obj.save()
    if created or changed:
        audit_change(action=Action.CREATE if created else Action.UPDATE, obj=obj,
                     member=member, actor=actor, fields=changed)
    return obj


def history_row(obj: models.Model, actor) -> None:
    """A history row (django-simple-history) after a conditional update, by ``actor``."""
    obj.refresh_from_db()
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    obj.save()


# --- Views --------------------------------------------------------------------------------------

def show_refusal(exc: ValidationError, forms: Iterable) -> list[str]:
    """The reasons a service gave; a reason about one of a form's fields also shows there."""
    if hasattr(exc, "error_dict"):
        for form in forms:
            for name, errors in exc.error_dict.items():
                if name in getattr(form, "fields", {}):
                    form.add_error(name, errors)
    return exc.messages


def form_flow(request, parts: Sequence, save: Callable[[], object]
              ) -> tuple[object | None, list[str]]:
    """Validate every form and formset in ``parts``, then ``save()``: one service call.

    Returns what was saved, or ``None`` and the service's reasons for refusing; either
    failure tells the user that nothing was saved, and a new record that was rolled back does
    not look saved."""
    if request.method != "POST" or not all(getattr(p, "is_bound", True) for p in parts):
        return None, []
    refused: list[str] = []
    if all([part.is_valid() for part in parts]):  # noqa: C419 (validate every part)
        new = [i for i in (getattr(p, "instance", None) for p in parts)
               if isinstance(i, models.Model) and i.pk is None]
        try:
            return save(), []
        except ValidationError as exc:  # Refusal among them
            refused = show_refusal(exc, parts)
            for instance in new:  # rolled back: a new record must not look saved
                instance.pk = None
                instance._state.adding = True
    messages.error(request, NOTHING_SAVED)
    return None, refused


def button_action(request, act: Callable[[], object], done: str) -> None:
    """A one-button POST (remove, end): ``act()`` calls one service; the user is told ``done``,
    or the service's reasons for refusing (a second click on a removed row is such a
    refusal, never a 500)."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


def posted_id(request, name: str) -> int:
    """The row id a button posted as ``name``; 0 (no row) when it is missing or not a number."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() else 0


def needed_label(label, note: str) -> str:
    """``label`` with a badge saying which later step needs the field (``note``)."""
    return format_html('{} <span class="badge text-bg-light border needed">{}</span>', label,
                       note)


def mark_needed(form, names: Iterable[str], note: str) -> None:
    """Mark the fields of ``form`` a later step needs (finalizing, completing) next to their
    label, for example "Needed to finalize"."""
    for name in names:
        field = form.fields.get(name)
        if field is not None:
            field.label = needed_label(field.label or pretty_name(name), note)


def checklist(entries: Iterable[tuple[str, str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """What is missing, grouped for ``templates/_checklist.html``: (section, text, link)
    entries as sections in the order they first appear, each with its (text, link) items."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for section, text, link in entries:
        groups.setdefault(str(section), []).append((text, link))
    return list(groups.items())


# --- Admin --------------------------------------------------------------------------------------

class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Records written by the services only: the admin shows them, with their history
    (django-simple-history's page when the model keeps one, Django's own otherwise)."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.keeps_history = hasattr(model._meta, "simple_history_manager_attribute")
        if not self.keeps_history:
            self.object_history_template = None  # Django's own page and template

    def history_view(self, request, object_id, extra_context=None):
        if not self.keeps_history:
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Tasks --------------------------------------------------------------------------------------

# Worth a retry: the network, the mail gateway, a busy or restarting database.
TRANSIENT = (ConnectionError, TimeoutError, OSError, OperationalError)


def task(name: str, **options):
    """A Celery task with the program's delivery policy: acknowledged after it ran
    (at-least-once, so every task is idempotent) and retried with backoff on a transient
    fault, at most five times."""
    policy = {"acks_late": True, "autoretry_for": TRANSIENT, "retry_backoff": True,
              "retry_backoff_max": 600, "max_retries": 5}
    return shared_task(name=name, **(policy | options))
