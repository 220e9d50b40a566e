"""Reading many rows cheaply, for ``cares.deadlines.bulk_facts``.

``rows`` runs a ``values_list`` queryset's own SQL on a cursor and gives the tuples that
``values_list`` gives, without Django's per-value converter calls: the database driver already
returns booleans, numbers and text as Python values, and dates and datetimes too on
PostgreSQL; on SQLite, dates and datetimes are selected as the text they are stored as and
parsed here column by column (the driver would call Django's parsers one value at a time);
a SQLite datetime is naive (UTC, the connection's time zone) and is made aware here, as Django
would.

``LocalDays`` gives ``timezone.localdate`` of many instants, working out the time zone's
offset once per UTC day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo

from django.db import connections
from django.db.models import DateTimeField, Func, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

# Internal types whose values the drivers return as ``values_list`` would.
_AS_FETCHED = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField", "ForeignKey", "OneToOneField", "CharField", "TextField",
    "SlugField", "EmailField", "DateField", "BooleanField",
})


def rows(qs: QuerySet, *, naive_utc: bool = False) -> list[tuple]:
    """The rows of ``qs``, a ``values_list`` queryset (not flat, not named), as it gives them;
    with ``naive_utc``, datetimes may also come naive, in UTC (for ``LocalDays``)."""
    connection = connections[qs.db]
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    naive_utc = naive_utc and connection.timezone.utcoffset(None) == timedelta(0)
    types = [column.output_field.get_internal_type() for column, _sql, _alias in compiler.select]
    sql, parsed = _as_text(sql, compiler, types) if connection.vendor == "sqlite" else (sql, [])
    fixes = [(i, fix) for i, internal_type in enumerate(types)
             if (fix := _fix(internal_type, connection, naive_utc)) is not None]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if parsed and found:
        found = _parsed(found, parsed)
    if not fixes:
        return found
    out = []
    for row in found:
        row = list(row)
        for i, fix in fixes:
            if row[i] is not None:
                row[i] = fix(row[i])
        out.append(tuple(row))
    return out


def _fix(internal_type: str, connection, naive_utc: bool) -> Callable | None:
    if internal_type in _AS_FETCHED or (internal_type == "DateTimeField" and naive_utc):
        return None
    if internal_type == "DateTimeField":
        zone = connection.timezone  # what Django's converter makes naive values aware in
        return lambda at: at.replace(tzinfo=zone) if at.tzinfo is None else at
    raise ValueError(f"rows(): no conversion for a {internal_type} column")


_PARSERS = {"DateField": (date.fromisoformat, parse_date),
            "DateTimeField": (datetime.fromisoformat, parse_datetime)}


def _as_text(sql: str, compiler, types: list[str]) -> tuple[str, list[tuple[int, tuple]]]:
    """SQLite: the query selecting its date and datetime columns as the text they are stored
    as (``+column``: an expression, which the driver's converters, chosen by declared column
    type, leave alone), and those columns' (position, parsers); the query as it is when its
    select list is not the one expected."""
    columns, parsed = [], []
    for i, ((_expr, (column, _params), alias), internal_type) in enumerate(
            zip(compiler.select, types, strict=True)):
        quoted = f" AS {compiler.connection.ops.quote_name(alias)}" if alias else ""
        columns.append((column, quoted, internal_type in _PARSERS))
        if internal_type in _PARSERS:
            parsed.append((i, _PARSERS[internal_type]))
    listed = ", ".join(f"{column}{alias}" for column, alias, _ in columns)
    if not parsed or not sql.startswith("SELECT ") or not sql[7:].startswith(f"{listed} FROM "):
        return sql, []
    as_text = ", ".join(f"+{column}{alias}" if text else f"{column}{alias}"
                        for column, alias, text in columns)
    rest = sql[len("SELECT ") + len(listed):]
    return f"SELECT {as_text}{rest}", parsed  # noqa: S608 (Django's own SQL, rearranged)


def _parsed(found: list[tuple], parsed: list[tuple[int, tuple]]) -> list[tuple]:
    """The rows with the text of the columns ``parsed`` as dates and datetimes, parsed as the
    driver's converters that Django registers parse them (``date.fromisoformat`` and
    ``datetime.fromisoformat`` first; Django's parsers for other forms), column by column."""
    columns = list(zip(*found, strict=True))
    for i, (fast, slow) in parsed:
        try:
            columns[i] = [None if text is None else fast(text) for text in columns[i]]
        except ValueError:
            columns[i] = [None if text is None else slow(text) for text in columns[i]]
    return list(zip(*columns, strict=True))


class NaiveUtc(Func):
    """A datetime column as a naive datetime in UTC (for ``rows(..., naive_utc=True)`` and
    ``LocalDays``): on PostgreSQL ``AT TIME ZONE 'UTC'`` (psycopg then loads a plain
    timestamp in C rather than an aware one through Django's loader); on SQLite the column as
    it is (stored naive, in UTC)."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} AT TIME ZONE 'UTC')", params


class LocalDays:
    """``timezone.localdate(at, zone)`` of aware datetimes, or of naive ones in UTC. The
    zone's UTC offset is looked up once per UTC day; on a day when it changes (daylight
    saving time starts or ends) each instant is converted on its own."""

    def __init__(self, zone: tzinfo | None = None):
        self.zone = zone or timezone.get_current_timezone()
        self.offsets: dict[date, timedelta | None] = {}

    def __call__(self, at: datetime) -> date:
        if at.tzinfo is not None and at.utcoffset():
            at = at.astimezone(UTC)
        day = at.date()
        try:
            offset = self.offsets[day]
        except KeyError:
            offset = self.offsets[day] = self._offset(day)
        if offset is None:
            return timezone.localdate(at.replace(tzinfo=UTC), self.zone)
        return (at + offset).date()

    def days(self, instants: list[datetime]) -> list[date]:
        """``self(at)`` of each instant, in one loop: a naive instant on a UTC day already
        seen, whose offset holds all day, costs no call."""
        offsets = self.offsets
        out = []
        for at in instants:
            offset = offsets.get(at.date()) if at.tzinfo is None else None
            out.append(self(at) if offset is None else (at + offset).date())
        return out

    def _offset(self, day: date) -> timedelta | None:
        """The zone's offset all through the UTC day, or None when it changes that day."""
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        offsets = {start.astimezone(self.zone).utcoffset(),
                   (start + timedelta(hours=12)).astimezone(self.zone).utcoffset(),
                   (start + timedelta(days=1, microseconds=-1)).astimezone(self.zone)
                   .utcoffset()}
        return offsets.pop() if len(offsets) == 1 else None
