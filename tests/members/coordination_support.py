"""What the care coordination service tests share: a refusal writes nothing, and the stored
deadlines of a member."""

from __future__ import annotations

from datetime import date

import pytest

from cares.base.audit.models import AuditEvent
from cares.base.toolkit import Refusal
from cares.deadlines.models import Deadline
from members.coordination.models import (
    CaseReview,
    ConsultationRequest,
    Contact,
    MonitoringReview,
    OnCallCall,
    ReferralFollowUp,
    ReferralInquiry,
    ReferralNotice,
    ReferralStatusChange,
    ServiceReferral,
    TransitionPlan,
)

REFERRED_ON = date(2026, 1, 10)

MODELS = (ServiceReferral, ReferralStatusChange, ReferralFollowUp, ReferralInquiry,
          ReferralNotice, MonitoringReview, TransitionPlan, Contact, OnCallCall, CaseReview,
          ConsultationRequest, AuditEvent)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def refused(call, *fragments: str) -> list[str]:
    """``call`` is refused with messages containing each fragment, and writes nothing."""
    before = counts()
    with pytest.raises(Refusal) as caught:
        call()
    messages = caught.value.messages
    for fragment in fragments:
        assert any(fragment in m for m in messages), (fragment, messages)
    assert counts() == before
    return messages


def stored(member, rule: str) -> list[tuple]:
    return list(Deadline.objects.filter(member=member, rule=rule).order_by("start", "pk")
                .values_list("start", "due", "status", "satisfied_on", "exception_reason"))
