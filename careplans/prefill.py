"""Facts entered once (issue 16, item 7): the medications, allergies and durable medical
equipment recorded in the latest completed assessment are the emergency plan's starting
values while the plan has none of its own. They are only offered: the user edits them and
nothing is kept until the page is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from careplans.models import Assessment, CarePlan

NONE_KNOWN = re.compile(r"^\s*(nka|nkda|no known (drug )?allergies|none)\.?\s*$", re.IGNORECASE)


def _lines(value: str) -> list[str]:
    """One entry a line (or separated by semicolons), without list bullets."""
    parts = (p.strip().lstrip("-*•").strip() for p in re.split(r"[\n;]", value or ""))
    return [p for p in parts if p]


@dataclass
class StartingValues:
    """What the page offers, and where it came from."""

    note: str = ""
    rows: dict[str, list[dict]] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)


def latest_completed_assessment(member_id: int) -> Assessment | None:
    return Assessment.objects.filter(member_id=member_id, completed_on__isnull=False) \
        .order_by("-completed_on", "-pk").first()


def emergency_starting_values(plan: CarePlan) -> StartingValues:
    """Rows and fields for the emergency plan of a draft ``plan`` whose own are empty."""
    assessment = latest_completed_assessment(plan.member_id) if plan.is_draft else None
    if assessment is None:
        return StartingValues()
    found = StartingValues()
    if not plan.medications.exists() and not plan.no_medications:
        found.rows["medications"] = [{"name": line[:200]}
                                     for line in _lines(assessment.medications)]
    if not plan.allergies.exists() and not plan.no_known_allergies:
        allergies = _lines(assessment.allergies)
        if len(allergies) == 1 and NONE_KNOWN.match(allergies[0]):
            found.fields["no_known_allergies"] = True
        else:
            found.rows["allergies"] = [{"allergen": line[:200]} for line in allergies]
    if not plan.accommodations.strip() and _lines(assessment.dme):
        found.fields["accommodations"] = _("Durable medical equipment: %(dme)s") % {
            "dme": "; ".join(_lines(assessment.dme))}
    found.rows = {name: rows for name, rows in found.rows.items() if rows}
    if found.rows or found.fields:
        found.note = _("Starting values from the assessment of %(date)s: check and edit "
                       "them, then save.") % {"date": assessment.completed_on.isoformat()}
    return found


def offer(values: StartingValues, form, formsets: dict) -> None:
    """Put the starting values into the (bound or unbound) ``form`` and ``formsets`` (by list
    name), before they are validated. A row offered and left as it is is still saved."""
    for name, value in values.fields.items():
        if name in form.fields and form.initial.get(name) in (None, "", False):
            form.initial[name] = value
    for name, rows in values.rows.items():
        formset = formsets.get(name)
        if formset is None:
            continue
        formset.initial_extra = rows
        formset.extra = max(formset.extra, len(rows))
        for number, row_form in enumerate(formset.extra_forms):
            if number < len(rows):
                row_form.empty_permitted = False
                row_form.prefilled_from = values.note
