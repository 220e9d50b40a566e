"""``cares.base.bulk_insert`` (issue 20): what it stores is what Django's ``bulk_create`` and
simple_history's ``bulk_history_create`` store, on SQLite and on PostgreSQL (where the rows go
by COPY, their keys drawn from the table's sequence first)."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from cares.base import bulk_insert
from cares.base.audit.models import AuditEvent
from cares.deadlines.models import Deadline
from cares.deadlines.services import NEW_ROW_FIELDS
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _deadline_values(i: int, member_id: int) -> tuple:
    """A stored deadline's values in NEW_ROW_FIELDS order, with some of each kind."""
    return (f"m{member_id}", "enrollment_letter", f"e1/c{i}/r", member_id, None,
            "ref ñ 中文" if i % 2 else "", date(2026, 1, 1 + i % 28), date(2026, 2, 1 + i % 28),
            "met" if i % 3 == 0 else "open", date(2026, 1, 20) if i % 3 == 0 else None,
            "letter:7" if i % 3 == 0 else "", "it's \"quoted\"\ttabbed\nand \\ back"
            if i == 4 else "", date(2026, 1, 5))


def _stored(qs) -> list[tuple]:
    return sorted(qs.values_list(*NEW_ROW_FIELDS))


def test_plain_rows_are_stored_as_bulk_create_stores_them():
    member = MemberFactory()
    values = [_deadline_values(i, member.pk) for i in range(7)]
    bulk_insert.insert_values(Deadline, NEW_ROW_FIELDS, values)
    ours = _stored(Deadline.objects.all())
    Deadline.objects.all().delete()
    Deadline.objects.bulk_create(
        [Deadline(**dict(zip(NEW_ROW_FIELDS, row, strict=True))) for row in values])
    assert ours == _stored(Deadline.objects.all()) == sorted(values)


def test_no_rows_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk_insert.insert_values(Deadline, NEW_ROW_FIELDS, [])
        bulk_insert.create(Deadline, [])


def test_each_new_row_gets_its_own_key_in_order():
    """``create``: every object learns the key of its own row (on PostgreSQL, keys drawn from
    the sequence; rows made by others before and after keep theirs)."""
    before = MemberFactory()
    objs = [MemberFactory.build(legal_last_name=f"Nguyễn {i}") for i in range(5)]
    for obj in objs:
        obj.fold_names()
    bulk_insert.create(Member, objs)
    after = MemberFactory()
    keys = [obj.pk for obj in objs]
    assert None not in keys and len(set(keys)) == 5
    assert before.pk not in keys and after.pk not in keys
    for obj in objs:
        stored = Member.objects.get(pk=obj.pk)
        assert stored.legal_last_name == obj.legal_last_name
        assert stored.masshealth_id == obj.masshealth_id
        assert not obj._state.adding


def test_history_rows_are_what_bulk_history_create_writes():
    objs = [MemberFactory.build(legal_last_name=f"Trần {i}") for i in range(3)]
    for obj in objs:
        obj.fold_names()
    bulk_insert.create(Member, objs)
    bulk_insert.create_history(Member, objs)
    ours = list(Member.history.filter(id__in=[o.pk for o in objs]).order_by("id")
                .values("id", "legal_last_name", "history_type", "history_user_id",
                        "history_change_reason", "masshealth_id"))
    Member.history.all().delete()
    Member.history.bulk_history_create(objs, default_change_reason=None)
    theirs = list(Member.history.filter(id__in=[o.pk for o in objs]).order_by("id")
                  .values("id", "legal_last_name", "history_type", "history_user_id",
                          "history_change_reason", "masshealth_id"))
    assert ours == theirs and len(ours) == 3
    assert {row["history_type"] for row in ours} == {"+"}


def test_json_and_aware_times_survive():
    moment = timezone.now()
    bulk_insert.create(AuditEvent, [
        AuditEvent(action="read", object_type="members.Member", object_id=str(i),
                   detail={"fields": ["name", "ñ"], "n": i}) for i in range(3)])
    rows = list(AuditEvent.objects.order_by("pk").values("object_id", "detail", "at"))
    assert [r["detail"] for r in rows] == [{"fields": ["name", "ñ"], "n": i} for i in range(3)]
    assert all(abs((r["at"] - moment).total_seconds()) < 60 for r in rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_on_postgresql_the_rows_go_by_copy(django_assert_max_num_queries):
    member = MemberFactory()
    with django_assert_max_num_queries(1) as captured:
        bulk_insert.insert_values(Deadline, NEW_ROW_FIELDS,
                                  [_deadline_values(i, member.pk) for i in range(50)])
    assert captured.captured_queries[0]["sql"].startswith("COPY")
    assert Deadline.objects.count() == 50
