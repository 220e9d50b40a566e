"""Intake (``members.services.intake``, PS VIII): a new member with their referral, and
re-referral after an episode ends."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import Episode
from tests.factories import MemberFactory
from tests.members.lifecycle_support import (
    COMPLETE_PLAN,
    REFERRED_ON,
    S,
    consent,
    enroll,
    evaluate,
    refer,
    refused,
    removal_under_way,
    remove,
    status_of,
)

pytestmark = pytest.mark.django_db


# --- member record and intake ----------------------------------------------------------------

def test_intake_with_an_invalid_member_saves_nothing():
    member = MemberFactory.build(masshealth_id="12345")
    with refused(error=ValidationError) as exc:
        services.intake_create(member=member, referral_date=REFERRED_ON,
                               referral_source="pcp")
    assert "masshealth_id" in exc.value.message_dict


def test_intake_of_a_member_over_21_saves_neither_member_nor_episode():
    member = MemberFactory.build(date_of_birth=date(2000, 1, 1))
    with refused("must be under 21"):
        services.intake_create(member=member, referral_date=REFERRED_ON,
                               referral_source="pcp")
    assert member.pk is None


def test_intake_saves_member_and_referral_together(coordinator):
    member = MemberFactory.build()
    episode = services.intake_create(member=member, referral_date=REFERRED_ON,
                                     referral_source="family", actor=coordinator.user)
    assert member.pk and episode.member == member
    assert episode.status_changes.get().changed_by == coordinator.user


def test_duplicate_masshealth_id_is_refused():
    MemberFactory(masshealth_id="123456789012")
    with refused(error=ValidationError) as exc:
        services.member_save(member=MemberFactory.build(masshealth_id="123456789012"))
    assert exc.value.message_dict["masshealth_id"] == [
        "Another member already has this MassHealth ID."]


# --- re-referral -----------------------------------------------------------------------------

def _advance(episode, coordinator, stage):
    steps = [lambda: evaluate(episode, coordinator), lambda: consent(episode),
             lambda: enroll(episode, coordinator), lambda: remove(episode)]
    order = ["referred", "eligible", "consented", "enrolled", "removal_initiated"]
    for step in steps[:order.index(stage)]:
        step()


@pytest.mark.parametrize("stage", ["referred", "eligible", "consented", "enrolled",
                                   "removal_initiated"])
def test_re_referral_while_an_episode_is_open_is_refused(coordinator, stage):
    episode = refer()
    _advance(episode, coordinator, stage)
    assert status_of(episode) == stage
    with refused("The member already has an open episode",
                 "remove the assignment before a new referral"):
        refer(episode.member, on=date(2026, 6, 15))


def _terminated(coordinator) -> Episode:
    removal = removal_under_way(coordinator)
    services.aftercare_update(removal=removal, completed_on=date(2026, 6, 20), **COMPLETE_PLAN)
    return services.termination_complete(episode=removal.episode,
                                         termination_date=date(2026, 7, 1))


def _frozen(episode: Episode):
    stored = Episode.objects.get(pk=episode.pk)
    return (
        {f.attname: getattr(stored, f.attname) for f in Episode._meta.concrete_fields},
        list(stored.status_changes.values_list("from_status", "to_status", "on")),
        list(stored.evaluations.values_list("pk", "eligible")),
        stored.engagement.pk, stored.removal.pk, stored.removal.plan_completed_on,
    )


def test_re_referral_after_termination_starts_a_new_episode_and_keeps_the_old(coordinator):
    old = _terminated(coordinator)
    before = _frozen(old)
    new = refer(old.member, on=date(2026, 8, 1))
    assert new.pk != old.pk and new.status == S.REFERRED
    assert services.current_episode(old.member) == new
    assert _frozen(old) == before
    assert list(old.member.episodes.values_list("status", flat=True)) == [
        S.REFERRED, S.TERMINATED]
    # The new episode runs its own course.
    evaluate(new, coordinator)
    assert status_of(new) == S.ELIGIBLE and status_of(old) == S.TERMINATED


def test_re_referral_cannot_predate_the_previous_termination(coordinator):
    old = _terminated(coordinator)
    with refused("A new referral cannot predate the previous termination (2026-07-01)"):
        refer(old.member, on=date(2026, 6, 30))


def test_re_referral_after_a_negative_evaluation_is_allowed(coordinator):
    old = refer()
    evaluate(old, coordinator, eligible=False)
    new = refer(old.member, on=date(2026, 3, 1))
    assert new.status == S.REFERRED
    assert status_of(old) == S.INELIGIBLE
    assert services.current_episode(old.member) == new
