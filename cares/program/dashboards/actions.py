"""Where a deadline is satisfied: for each rule of the rule book, the page whose form records
the satisfying event, so a worklist row links straight to it.

``RULE_FORMS`` maps a rule to URL names, the preferred first; the first one that exists is
used. A name may carry a ``#section`` of its page. The forms of ``RECORD_RULES`` take the
member's ``pk`` and the id of the record the deadline is about (the referral for
``REFERRAL_RULES``, the hospital stay for ``STAY_RULES``); the others the member's ``pk``
only. A rule with no form (or whose record cannot be found) points at the member page's list
of deadlines (``SECTION``). When a new form lands, add its URL name here and nothing else changes.
"""

from __future__ import annotations

from functools import cache

from django.urls import NoReverseMatch, reverse

MEMBER_PAGE = "members:detail"
SECTION = "member-deadlines"  # the deadlines table on the member page

RULE_FORMS: dict[str, tuple[str, ...]] = {
    "initial_assessment_icp": ("careplans:overview",),
    "icp_copies": ("careplans:overview",),
    "enrollment_letter": ("members:detail#letters-heading",),
    "monitoring": ("members:monitoring_add",),
    "annual_reassessment": ("careplans:assessment_new",),
    "icp_update": ("careplans:plan_new", "careplans:overview"),
    "referral_follow_up": ("members:referral_follow_up",),
    "transition_plan": ("members:transition_plan",),
    "aftercare_plan": ("members:aftercare",),
    "termination_letter": ("members:detail#letters-heading",),
    "referral_inquiry_response": ("members:referral_detail",),
    "referral_closure_notice": ("members:referral_notice",),
    "discharge_follow_up": ("members:stay_follow_up",),
    "member_contact": ("members:contact_record",),
}
REFERRAL_RULES = frozenset({"referral_follow_up", "referral_inquiry_response",
                            "referral_closure_notice"})
STAY_RULES = frozenset({"discharge_follow_up"})
RECORD_RULES = REFERRAL_RULES | STAY_RULES


@cache
def _first_form(rule: str) -> tuple[str, str] | None:
    """(URL name, #section) of the first form of ``rule`` that exists."""
    sample = [1, 1] if rule in RECORD_RULES else [1]
    for entry in RULE_FORMS.get(rule, ()):
        name, _hash, section = entry.partition("#")
        try:
            reverse(name, args=sample)
        except NoReverseMatch:
            continue
        return name, section
    return None


def action_url(rule: str, member_id: int | None, record_id: int | None = None) -> str:
    """The page on which the deadline of ``rule`` for the member is satisfied ('' for staff
    deadlines, which the program director records on the staff pages). ``record_id``: the
    referral or stay of a ``RECORD_RULES`` deadline."""
    if member_id is None:
        return ""
    found = _first_form(rule)
    if found and (rule not in RECORD_RULES or record_id is not None):
        name, section = found
        args = [member_id, record_id] if rule in RECORD_RULES else [member_id]
        url = reverse(name, args=args)
        return f"{url}#{section}" if section else url
    return f"{reverse(MEMBER_PAGE, args=[member_id])}#{SECTION}"


def has_form(rule: str) -> bool:
    found = _first_form(rule)
    return found is not None and found[0] != MEMBER_PAGE
