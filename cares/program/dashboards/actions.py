"""Where a deadline is satisfied: for each rule of the rule book, the page whose form records
the satisfying event, so a worklist row links straight to it.

``RULE_FORMS`` maps a rule to URL names, the preferred first; the first one that exists is
used. A name may carry a ``#section`` of its page. The forms of ``REFERRAL_RULES`` take the
member's ``pk`` and the referral's id; the others the member's ``pk`` only. A rule with no
form (or whose referral cannot be found) points at the member page's list of deadlines
(``SECTION``). When a new form lands, add its URL name here and nothing else changes.
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
    "referral_follow_up": ("members:referral_follow_up",),
    "transition_plan": ("members:transition_plan",),
    "aftercare_plan": ("members:aftercare",),
    "termination_letter": ("members:detail#letters-heading",),
    "referral_inquiry_response": ("members:referral_detail",),
    "referral_closure_notice": ("members:referral_notice",),
}
REFERRAL_RULES = frozenset({"referral_follow_up", "referral_inquiry_response",
                            "referral_closure_notice"})


@cache
def _first_form(rule: str) -> tuple[str, str] | None:
    """(URL name, #section) of the first form of ``rule`` that exists."""
    sample = [1, 1] if rule in REFERRAL_RULES else [1]
    for entry in RULE_FORMS.get(rule, ()):
        name, _hash, section = entry.partition("#")
        try:
            reverse(name, args=sample)
        except NoReverseMatch:
            continue
        return name, section
    return None


def action_url(rule: str, member_id: int | None, referral_id: int | None = None) -> str:
    """The page on which the deadline of ``rule`` for the member is satisfied ('' for staff
    deadlines, which the program director records on the staff pages)."""
    if member_id is None:
        return ""
    found = _first_form(rule)
    if found and (rule not in REFERRAL_RULES or referral_id is not None):
        name, section = found
        args = [member_id, referral_id] if rule in REFERRAL_RULES else [member_id]
        url = reverse(name, args=args)
        return f"{url}#{section}" if section else url
    return f"{reverse(MEMBER_PAGE, args=[member_id])}#{SECTION}"


def has_form(rule: str) -> bool:
    found = _first_form(rule)
    return found is not None and found[0] != MEMBER_PAGE
