"""New rows in bulk (issue 20: the import, the deadline engine's stored rows): what Django's
``bulk_create`` (and ``simple_history``'s ``bulk_history_create``) insert, with the SQL written
once per model instead of compiled anew for every row.

The rows, their order and their values are the same: each value is what the field's
``get_db_prep_save`` gives, computed directly for the plain types (text, whole numbers,
booleans, dates, aware date-times, none) on Django's own field classes, and by the field itself
for anything else. A history row holds what ``bulk_history_create`` gives the historical model:
the tracked fields' values, the time, the user, "+" and the defaults.

How they reach the database: on SQLite, one statement run for every row (``executemany``,
SQLite's own loop), or multi-row ``INSERT ... RETURNING`` when the new keys are wanted; on
PostgreSQL, ``COPY ... FROM STDIN`` (the keys, when wanted, taken from the table's own
sequence first, in one query), which spares psycopg writing every value into SQL text."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from functools import cache

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

# Rows per statement at most (Django's own bulk_create fallback; SQLite's multi-row INSERT,
# which is also held to its limit on bound parameters).
MAX_ROWS = 2000

_TEXT = (models.CharField, models.TextField, models.EmailField, models.SlugField,
         models.URLField)
_WHOLE = (models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField,
          models.SmallIntegerField, models.BigIntegerField, models.PositiveBigIntegerField,
          models.AutoField, models.BigAutoField, models.SmallAutoField)


def _plain(field) -> type | None:
    """The one value type whose database value is known without asking ``field`` (None:
    always ask it)."""
    kind = type(field)
    if kind in (models.ForeignKey, models.OneToOneField):
        return int if type(field.target_field) in _WHOLE else None
    if kind in _TEXT:
        return str
    if kind in _WHOLE:
        return int
    if kind is models.BooleanField:
        return bool
    if kind is models.DateField:
        return date
    if kind is models.DateTimeField:
        return datetime
    return None


def _converter(field):
    """``field.get_db_prep_save(value, connection)``, short-cut for its plain type."""
    plain, prep = _plain(field), field.get_db_prep_save
    adapt = {date: connection.ops.adapt_datefield_value,
             datetime: connection.ops.adapt_datetimefield_value}.get(plain)

    def convert(value):
        if value is None and plain is not None:
            return None
        if type(value) is not plain or (plain is datetime and value.tzinfo is None):
            return prep(value, connection)
        return adapt(value) if adapt else value

    if plain is not datetime:
        return convert
    last = [None, None]  # the value converted last and what it gave (a batch's history time)

    def convert_moment(value):
        if value is not last[0]:
            last[:] = value, convert(value)
        return last[1]

    return convert_moment


def _rows_per_statement(width: int) -> int:
    """Rows per multi-row INSERT on SQLite: as many as its limit on bound parameters allows."""
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(MAX_ROWS, limit // max(width, 1)))


@cache
def _pre_saved(field) -> bool:
    """Whether the field sets its own value when a row is added (``auto_now_add``...)."""
    own = type(field).pre_save
    if own in (models.DateField.pre_save, models.DateTimeField.pre_save,
               models.TimeField.pre_save):
        return bool(field.auto_now or field.auto_now_add)
    return own is not models.Field.pre_save


def _copy(model, fields: list, rows: list[list], returning: bool) -> list:
    """PostgreSQL: ``rows`` by ``COPY``; when ``returning``, with keys drawn from the primary
    key's sequence first (in order, so each row knows its own)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    keys: list = []
    with connection.cursor() as cursor:
        if returning:
            pk = model._meta.pk
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s) ORDER BY 1",
                           [table, pk.column, len(rows)])
            keys = [row[0] for row in cursor.fetchall()]
            fields = [pk, *fields]
            rows = [[key, *row] for key, row in zip(keys, rows, strict=True)]
        columns = ", ".join(qn(f.column) for f in fields)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return keys


def _insert(model, fields: list, rows: list[list], returning: bool) -> list:
    """INSERT ``rows`` (values ready for the database) into ``model``'s table; the new
    primary keys in order when ``returning``. PostgreSQL by ``COPY``; SQLite by INSERT."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows, returning)
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (names from the models)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    keys: list = []
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(head + one, rows)
            return keys
        tail = " " + connection.ops.return_insert_columns([model._meta.pk])[0] \
            if returning else ""
        step = _rows_per_statement(len(fields))
        for start in range(0, len(rows), step):
            batch = rows[start:start + step]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail,
                           [value for row in batch for value in row])
            if returning:
                keys.extend(row[0] for row in cursor.fetchall())
    return keys


def _fast(model, objs: list) -> bool:
    """Whether the rows can be inserted here rather than by ``bulk_create``: a single-table
    model with an automatic primary key that no row has yet, and nothing else the database
    returns."""
    opts = model._meta
    return (not opts.parents and isinstance(opts.pk, models.AutoField)
            and list(opts.db_returning_fields) == [opts.pk]
            and connection.features.can_return_rows_from_bulk_insert
            and not any(obj._is_pk_set() for obj in objs))


def insert_values(model, names: list[str], rows: list[tuple]) -> None:
    """New rows of ``model`` given as plain values of the fields ``names`` (attribute names;
    the others take their defaults), no model instances: what ``bulk_create`` of the same
    rows stores. For tables written in bulk whose new keys nobody needs (stored deadlines)."""
    if not rows:
        return
    named = {f.attname: f for f in model._meta.concrete_fields}
    fields = [named[name] for name in names]
    others = [f for f in model._meta.concrete_fields
              if f.attname not in names and not isinstance(f, models.AutoField)]
    if any(_pre_saved(f) for f in others):
        raise ValueError(f"{model.__name__}: a field sets its own value; give it")
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in others]
    convert = [_converter(f) for f in fields]
    _insert(model, fields + others,
            [[conv(value) for conv, value in zip(convert, row, strict=True)] + defaults
             for row in rows], returning=False)


def create(model, objs: list) -> None:
    """``model.objects.bulk_create(objs)``: each row gets its new primary key."""
    if not objs:
        return
    if not _fast(model, objs):
        model.objects.bulk_create(objs, batch_size=MAX_ROWS)
        return
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    fields = [f for f in model._meta.concrete_fields
              if not f.generated and not isinstance(f, models.AutoField)]
    convert = [_converter(f) for f in fields]
    getters = [(f, f.attname, _pre_saved(f)) for f in fields]
    rows = [[conv(f.pre_save(obj, True) if pre else getattr(obj, attname))
             for conv, (f, attname, pre) in zip(convert, getters, strict=True)]
            for obj in objs]
    keys = _insert(model, fields, rows, returning=True)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias


def _history_values(history, objs: list) -> tuple[list, list[list]]:
    """The fields and values of the rows ``bulk_history_create`` makes for new ``objs``."""
    tracked = {f.attname for f in history.tracked_fields}
    fields = [f for f in history._meta.concrete_fields
              if not isinstance(f, models.AutoField)]
    relation = hasattr(history, "history_relation")
    rows = []
    now = timezone.now()  # one time for the batch, as the rows are written together
    for obj in objs:
        user = getattr(obj, "_history_user", history.get_default_history_user(obj))
        own = {"history_date": getattr(obj, "_history_date", now),
               "history_user_id": user.pk if user is not None else None,
               "history_change_reason": get_change_reason_from_object(obj) or None,
               "history_type": "+"}
        if relation:
            own["history_relation_id"] = obj.pk
        rows.append([getattr(obj, f.attname) if f.attname in tracked else
                     own[f.attname] if f.attname in own else f.get_default()
                     for f in fields])
    return fields, rows


def create_history(model, objs: list) -> None:
    """The "+" history rows of newly created ``objs`` (``bulk_create_with_history``)."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    history = manager.model
    if history._meta.parents or not isinstance(history._meta.pk, models.AutoField) or any(
            _pre_saved(f) for f in history._meta.concrete_fields):
        manager.bulk_history_create(objs, batch_size=MAX_ROWS, default_change_reason=None)
        return
    fields, rows = _history_values(history, objs)
    convert = [_converter(f) for f in fields]
    _insert(history, fields, [[conv(value) for conv, value in zip(convert, row, strict=True)]
                              for row in rows], returning=False)
