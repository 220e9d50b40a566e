"""What the member lifecycle tests share (``tests/members/test_services.py``,
``test_intake.py``, ``test_enrollment.py``, ``test_removal.py``, ``test_releases.py``):
the steps taken with plain defaults, and ``refused`` for a refusal that writes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cares.base.toolkit import Refusal
from members import services
from members.models import (
    CareTeamMember,
    EligibilityEvaluation,
    Engagement,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Member,
    ReleaseOfInformation,
    Removal,
    RemovalReason,
)
from tests.factories import MemberFactory, enrolled_member

REFERRED_ON = date(2026, 1, 10)
S = EpisodeStatus

COMPLETE_PLAN = {
    "consent_signed_on": date(2026, 6, 3),
    "consent_signed_by": "Parent Example",
    "recommendations": "Keep the PCP visits every three months; family peer support group.",
    "referrals": "Adult neurology at Example Medical Center.",
    "services_in_place": "PT twice weekly (Example Therapy); nursing 10 h/week (Example CSN).",
    "medications": "Levetiracetam 500 mg twice daily (drowsiness); G-tube feeds; wheelchair.",
}
ALL_ELEMENTS = ("PS IX.B.1", "PS IX.B.2", "PS IX.B.3", "PS IX.B.4", "PS IX.B.5")


# --- helpers ---------------------------------------------------------------------------------

def counts() -> dict[str, int]:
    models = (Member, Episode, EpisodeStatusChange, EligibilityEvaluation, Engagement,
              CareTeamMember, Removal, ReleaseOfInformation)
    found = {m.__name__: m.objects.count() for m in models}
    found.update({f"history:{m.__name__}": m.history.count() for m in models
                  if hasattr(m, "history")})
    return found


@contextmanager
def refused(*fragments: str, error=Refusal):
    """Expect a refusal whose messages contain every fragment, with the database unchanged."""
    before = counts()
    with pytest.raises(error) as exc:
        yield exc
    assert counts() == before, "a refusal wrote to the database"
    text = " ".join(exc.value.messages)
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def status_of(episode: Episode) -> str:
    return Episode.objects.get(pk=episode.pk).status


def refer(member=None, on=REFERRED_ON, **kwargs) -> Episode:
    return services.referral_create(member=member or MemberFactory(), referral_date=on,
                                    referral_source="pcp", **kwargs)


def evaluate(episode, evaluator, on=None, eligible=True, **kwargs):
    return services.eligibility_record(
        episode=episode, evaluated_on=on or episode.referral_date, evaluator=evaluator,
        criteria=["under_21", "masshealth", "medical_complexity"], eligible=eligible,
        rationale=kwargs.pop("rationale", "Three systems involved; daily nursing needs."),
        **kwargs)


def consent(episode, on=None, educated_on=None, **kwargs):
    on = on or episode.referral_date
    educated_on = educated_on or on
    return services.engagement_record(
        episode=episode, educated_on=educated_on, education_mode="face_to_face",
        rights_given_on=kwargs.pop("rights_given_on", educated_on),
        choice_explained_on=kwargs.pop("choice_explained_on", educated_on), consent_on=on,
        consent_by=kwargs.pop("consent_by", "Parent Example"), consent_relationship="mother",
        **kwargs)


def enroll(episode, contact, on=None, **kwargs):
    return services.enrollment_create(episode=episode, effective_date=on or episode.referral_date,
                                      primary_contact=contact, **kwargs)


def consented_episode(evaluator, member=None, on=REFERRED_ON) -> Episode:
    episode = refer(member, on=on)
    evaluate(episode, evaluator)
    consent(episode)
    return episode


def remove(episode, on=date(2026, 6, 1), reason=RemovalReason.GOALS_MET, planned=None,
           **kwargs):
    return services.removal_initiate(episode=episode, initiated_on=on, reason=reason,
                                     planned_termination_date=planned or on + timedelta(days=30),
                                     **kwargs)


def episode_of(member) -> Episode:
    return services.current_episode(member)


def removal_under_way(coordinator, **member_fields) -> Removal:
    member = enrolled_member(coordinator, **member_fields)
    return remove(episode_of(member))


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)
