"""Facts entered once (issue 16, item 7): the medications, allergies and durable medical
equipment recorded in the latest completed assessment are the emergency plan's starting
values while the plan has none of its own. They are only offered: the user edits them and
nothing is kept until the page is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from careplans.models import Assessment, CarePlan, CarePlanStatus, TeamRole
from careplans.services import team_from_record
from members.models import Member

NONE_KNOWN = re.compile(r"^\s*(nka|nkda|no known (drug )?allergies|none)\.?\s*$", re.IGNORECASE)


def _lines(value: str) -> list[str]:
    """One entry a line (or separated by semicolons), without list bullets."""
    parts = (p.strip().lstrip("-*•").strip() for p in re.split(r"[\n;]", value or ""))
    return [p for p in parts if p]


@dataclass
class StartingValues:
    """What the page offers, and where it came from (``note`` for the page, ``source`` for
    each offered row)."""

    note: str = ""
    source: str = ""
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
        found.source = _("from the assessment of %(date)s") % {
            "date": assessment.completed_on.isoformat()}
    return found


def team_starting_values(plan: CarePlan) -> StartingValues:
    """The member's providers, CARES care team and guardians not yet on a draft ``plan``'s
    care team (by name), as care team rows; the PCP, specialists and guardians with a phone
    are marked for the emergency plan."""
    if not plan.is_draft:
        return StartingValues()
    listed = {name.casefold().strip() for name in plan.team.values_list("name", flat=True)}
    rows = [row for row in team_from_record(plan.member)
            if row["name"].casefold().strip() not in listed]
    if not rows:
        return StartingValues()
    return StartingValues(
        note=_("Starting values from the member's providers, care team and guardians not yet "
               "on this plan: check and edit them, mark any not wanted to delete, then save."),
        source=_("from the member's providers"), rows={"team": rows})


def emergency_page_values(plan: CarePlan) -> StartingValues:
    """The emergency plan page's starting values; while no care team entry is marked for the
    emergency plan, the note also points to the member's providers offered for it on the care
    team page (the emergency plan's contacts are those entries)."""
    found = emergency_starting_values(plan)
    if plan.is_draft and not plan.team.filter(emergency=True).exists() and any(
            row["emergency"] for row in team_starting_values(plan).rows.get("team", [])):
        found.note = " ".join(filter(None, [found.note, _(
            "No care team entry is on the emergency plan yet: the member's providers and "
            "guardians are offered for it on the care team page.")]))
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
                row_form.prefilled_source = values.source


# --- The aftercare/transition plan (PS IX.B), asked by ``members`` through
# ``cares.base.events.aftercare_starting_values`` ------------------------------------------------

NOT_SERVICES = (TeamRole.CARE_MANAGER, TeamRole.CARES_STAFF, TeamRole.FAMILY)


def _joined(*parts: str) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _plan_medications(plan: CarePlan) -> str:
    lines = [_joined(m.name, m.dose, m.schedule) for m in plan.medications.all()]
    if plan.no_medications:
        lines.append(_("Takes no medications."))
    allergies = "; ".join(_joined(a.allergen, a.reaction) for a in plan.allergies.all())
    if plan.no_known_allergies:
        lines.append(_("No known allergies."))
    elif allergies:
        lines.append(_("Allergies: %(allergies)s") % {"allergies": allergies})
    if plan.accommodations.strip():
        lines.append(plan.accommodations.strip())
    return "\n".join(lines)


def _assessment_medications(assessment: Assessment) -> str:
    lines = _lines(assessment.medications)
    if _lines(assessment.allergies):
        lines.append(_("Allergies: %(allergies)s") % {
            "allergies": "; ".join(_lines(assessment.allergies))})
    if _lines(assessment.dme):
        lines.append(_("Durable medical equipment: %(dme)s") % {
            "dme": "; ".join(_lines(assessment.dme))})
    return "\n".join(lines)


def _service_line(row: dict) -> str:
    return f"{TeamRole(row['role']).label}: " + _joined(row["name"], row["organization"],
                                                         row["phone"])


def aftercare_starting_values(member_id: int) -> dict[str, dict[str, str]]:
    """Aftercare plan field -> {"value", "source"}: the medications, allergies, DME and
    treatments of the ICP in force (or else of the latest completed assessment) and the
    services in place from its care team (or else the member's providers)."""
    found: dict[str, dict[str, str]] = {}
    plan = CarePlan.objects.filter(member_id=member_id, status=CarePlanStatus.FINALIZED) \
        .order_by("-version").first()
    from_plan = _("from ICP version %(version)d, finalized %(date)s") % {
        "version": plan.version, "date": plan.finalized_on.isoformat()} if plan else ""
    assessment = latest_completed_assessment(member_id)
    medications = _plan_medications(plan) if plan else ""
    if medications:
        found["medications"] = {"value": medications, "source": from_plan}
    elif assessment and _assessment_medications(assessment):
        found["medications"] = {"value": _assessment_medications(assessment), "source": _(
            "from the assessment of %(date)s") % {"date": assessment.completed_on.isoformat()}}
    if plan:
        rows = list(plan.team.values("role", "name", "organization", "phone"))
        source = from_plan
    else:
        rows, source = team_from_record(Member.objects.get(pk=member_id)), \
            _("from the member's providers")
    lines = [_service_line(row) for row in rows if row["role"] not in NOT_SERVICES]
    if plan and plan.current_services.strip():
        lines.append(plan.current_services.strip())
    if lines:
        found["services_in_place"] = {"value": "\n".join(lines), "source": source}
    return found
