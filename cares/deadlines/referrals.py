"""What the rule book says about one referral or one consultation on a day, for the pages of
``members.coordination`` (which ask through ``cares.base.events``: ``referral_deadlines`` and
``consult_deadline``, answered in ``cares.deadlines.receivers``).

The same facts (``cares.deadlines.facts``) and the same rules (``cares.deadlines.rules``) as the
stored deadlines and the compliance report, so a page and the report never disagree. The
referral's follow-ups, inquiries and notices are read from what was loaded with it: no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cares.deadlines.facts import closure_facts, inquiry_facts, referral_facts
from cares.deadlines.rules import (
    ConsultFacts,
    Deadline,
    compute_business_day_rule,
    compute_consults,
    referral_follow_up,
)
from members.coordination.models import ConsultationRequest, ServiceReferral


@dataclass(frozen=True)
class ReferralDeadlines:
    """A referral's deadlines on a day: the follow-up (PS VI.D.2.b), once scheduled; the
    closure notice (CLR, two business days), when owed; and each status inquiry's answer
    (CLR, one business day) as (inquiry id, deadline), in the referral's inquiry order."""

    follow_up: Deadline | None
    closure_notice: Deadline | None
    inquiries: tuple[tuple[int, Deadline], ...]


def referral_deadlines(referral: ServiceReferral, on: date) -> ReferralDeadlines:
    closure = closure_facts(referral)
    closure_notice = None
    if closure is not None and closure.owed:
        found = compute_business_day_rule("referral_closure_notice", closure.closed,
                                          closure.notice, on, ref=closure.referral)
        closure_notice = found[0] if found else None
    inquiries = []
    for facts in inquiry_facts(referral):
        found = compute_business_day_rule("referral_inquiry_response", facts.received,
                                          facts.answered, on, ref=facts.referral)
        if found:
            inquiries.append((facts.number, found[0]))
    return ReferralDeadlines(follow_up=referral_follow_up(referral_facts(referral), on),
                             closure_notice=closure_notice, inquiries=tuple(inquiries))


def consult_deadline(consult: ConsultationRequest, on: date) -> Deadline | None:
    """The consultation's response deadline (PS IV.A.2, one business day), once requested."""
    responded = timezone.localdate(consult.responded_at) if consult.responded_at else None
    found = compute_consults([ConsultFacts(
        ref=str(consult.pk), requested=timezone.localdate(consult.requested_at),
        answered=(responded, None) if responded else None)], on)
    return found[0] if found else None
