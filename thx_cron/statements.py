"""The run path's statements in plain SQL: what every run costs, in few and cheap round trips.

Each run of every job issues these statements. Built through the ORM they cost about half a
millisecond of Python each (compiling the query), more than the database spent on them, and that
capped a worker at well under a hundred runs a second. Here they are rendered once per database
vendor from the models' own tables and columns, and every value is adapted by the model field it
is written to, so they store exactly what the equivalent ORM calls would.

Reads convert what they fetch with the same converters the ORM applies (the backend's and the
field's own, such as JSON decoding and SQLite's datetimes), and return model instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from thx_cron.db_compat import server_binding_cursor
from thx_cron.models import Job, JobLog


def alias() -> str:
    """The database the run path writes to: the router's choice for runs (one database holds
    runs, jobs and events, which the run path changes in one transaction)."""
    return router.db_for_write(JobLog)


def _db() -> BaseDatabaseWrapper:
    return connections[alias()]


def _table(model: type[Model]) -> str:
    return _db().ops.quote_name(model._meta.db_table)


@cache
def _field(model: type[Model], name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", model._meta.get_field(name))


def _column(model: type[Model], name: str) -> str:
    return _db().ops.quote_name(_field(model, name).column)


def _prep(db: BaseDatabaseWrapper, model: type[Model], name: str, value: Any) -> Any:
    """Adapt `value` as the model field `name` does when it saves it to `db` (JSON, datetimes)."""
    return _field(model, name).get_db_prep_save(value, db)


def _cursor(db: BaseDatabaseWrapper) -> Any:
    """A cursor for these statements.

    On PostgreSQL with psycopg 3 it binds values on the server, so that psycopg prepares each
    statement once per connection (after a few uses) instead of quoting every value in Python,
    and the server stops planning the same statements for every run. The ORM's own queries keep
    Django's client-side binding.
    """
    return server_binding_cursor(db) or db.cursor()


def update_run(run_id: int, changes: dict[str, Any], *, statuses: Iterable[str]) -> bool:
    """Write `changes` to run `run_id` if its status is one of `statuses`; say if it was."""
    return bool(update_rows(JobLog, {run_id: changes}, one_of=("status", tuple(statuses))))


@cache
def _update_rows_sql(
    model: type[Model],
    sets: tuple[tuple[str, int], ...],
    adds: tuple[tuple[str, int], ...],
    count: int,
    equal: tuple[str, ...],
    one_of: tuple[str, int] | None,
    returning: bool,
    _: str,
) -> str:
    pk = _column(model, "id")
    parts = []
    for name, rows in sets:
        column = _column(model, name)
        if count == 1:  # one row: its value, without a CASE (see update_rows' parameters)
            parts.append(f"{column} = %s")
        else:
            parts.append(f"{column} = CASE {pk} {'WHEN %s THEN %s ' * rows}ELSE {column} END")
    for name, rows in adds:
        column = _column(model, name)
        if count == 1:
            parts.append(f"{column} = {column} + %s")
        else:
            parts.append(f"{column} = {column} + CASE {pk} {'WHEN %s THEN %s ' * rows}ELSE 0 END")
    where = [f"{pk} IN ({', '.join(['%s'] * count)})"]
    where += [f"{_column(model, name)} = %s" for name in equal]
    if one_of is not None:
        name, values = one_of
        where.append(f"{_column(model, name)} IN ({', '.join(['%s'] * values)})")
    sql = f"UPDATE {_table(model)} SET {', '.join(parts)} WHERE {' AND '.join(where)}"
    return f"{sql} RETURNING {pk}" if returning else sql


@cache
def _update_arrays_sql(
    model: type[Model],
    sets: tuple[str, ...],
    adds: tuple[str, ...],
    equal: tuple[str, ...],
    one_of: tuple[str, int] | None,
    _: str,
) -> str:
    """update_rows on PostgreSQL: each column's values as one array, the rows unnested from
    them. One statement text whatever the number of rows, few parameters: psycopg prepares it
    once per connection, and the server plans it once."""
    table, pk = _table(model), _column(model, "id")
    names = ("id", *sets, *adds)
    arrays = ", ".join(f"%s::{_field(model, name).db_type(_db())}[]" for name in names)
    alias = _db().ops.quote_name("row")
    columns = ", ".join(_column(model, name) for name in names)
    parts = [f"{_column(model, n)} = {alias}.{_column(model, n)}" for n in sets]
    parts += [
        f"{_column(model, n)} = {table}.{_column(model, n)} + {alias}.{_column(model, n)}"
        for n in adds
    ]
    where = [f"{table}.{pk} = {alias}.{pk}"]
    where += [f"{table}.{_column(model, name)} = %s" for name in equal]
    if one_of is not None:
        name, values = one_of
        where.append(f"{table}.{_column(model, name)} IN ({', '.join(['%s'] * values)})")
    return (
        f"UPDATE {table} SET {', '.join(parts)} FROM unnest({arrays}) AS {alias} ({columns}) "
        f"WHERE {' AND '.join(where)} RETURNING {table}.{pk}"
    )


def _by_arrays(
    db: BaseDatabaseWrapper,
    model: type[Model],
    ids: list[int],
    sets: dict[int, dict[str, Any]],
    add: dict[int, dict[str, int]],
    only_if: dict[str, Any],
    one_of: tuple[str, Sequence[Any]] | None,
) -> set[int] | None:
    """update_rows with one array per column (PostgreSQL), where every row sets the same
    fields; None where it does not apply."""
    if db.vendor != "postgresql":
        return None
    set_names = tuple(next(iter(sets.values()), {}))
    if len(sets) not in (0, len(ids)) or any(
        tuple(values) != set_names for values in sets.values()
    ):
        return None
    add_names = tuple(dict.fromkeys(name for values in add.values() for name in values))
    params: list[Any] = [ids]
    params += [[_prep(db, model, name, sets[pk][name]) for pk in ids] for name in set_names]
    params += [[add.get(pk, {}).get(name, 0) for pk in ids] for name in add_names]
    params += [_prep(db, model, name, value) for name, value in only_if.items()]
    params += [] if one_of is None else list(one_of[1])
    shape = None if one_of is None else (one_of[0], len(one_of[1]))
    sql = _update_arrays_sql(model, set_names, add_names, tuple(only_if), shape, db.vendor)
    with _cursor(db) as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def update_rows(
    model: type[Model],
    sets: dict[int, dict[str, Any]],
    *,
    add: dict[int, dict[str, int]] | None = None,
    only_if: dict[str, Any] | None = None,
    one_of: tuple[str, Sequence[Any]] | None = None,
) -> set[int]:
    """Give each row its own values (`sets`) and add to its own counters (`add`), rows keyed by
    id, in one statement, where a row matches the guards (fields equal to `only_if`, and the
    field of `one_of` among its values); return the ids of the rows it changed."""
    add = add or {}
    only_if = only_if or {}
    ids = list(dict.fromkeys([*sets, *add]))
    if not ids:
        return set()
    db = _db()
    if len(ids) > 1:
        by_arrays = _by_arrays(db, model, ids, sets, add, only_if, one_of)
        if by_arrays is not None:
            return by_arrays
    returning = _can_return_from_update(db)
    if len(ids) > 1 and not returning:
        # Without RETURNING only a row count says what matched: one row at a time.
        changed: set[int] = set()
        for pk in ids:
            one = {pk: sets[pk]} if pk in sets else {}
            added = {pk: add[pk]} if pk in add else {}
            changed |= update_rows(model, one, add=added, only_if=only_if, one_of=one_of)
        return changed
    set_names = list(dict.fromkeys(name for values in sets.values() for name in values))
    add_names = list(dict.fromkeys(name for values in add.values() for name in values))
    params: list[Any] = []
    set_shape, add_shape = [], []
    single = len(ids) == 1  # then each value alone, without the row's id (see _update_rows_sql)
    for name in set_names:
        rows = [(pk, values[name]) for pk, values in sets.items() if name in values]
        set_shape.append((name, len(rows)))
        for pk, value in rows:
            prepared = _prep(db, model, name, value)
            params += [prepared] if single else [pk, prepared]
    for name in add_names:
        adding = [(pk, values[name]) for pk, values in add.items() if name in values]
        add_shape.append((name, len(adding)))
        for pk, value in adding:
            params += [value] if single else [pk, value]
    params += ids
    params += [_prep(db, model, name, value) for name, value in only_if.items()]
    params += [] if one_of is None else list(one_of[1])
    shape = None if one_of is None else (one_of[0], len(one_of[1]))
    sql = _update_rows_sql(
        model,
        tuple(set_shape),
        tuple(add_shape),
        len(ids),
        tuple(only_if),
        shape,
        returning,
        db.vendor,
    )
    with _cursor(db) as cursor:
        cursor.execute(sql, params)
        if returning:
            return {row[0] for row in cursor.fetchall()}
        return set(ids) if cursor.rowcount else set()


@cache
def _claim_sql(names: tuple[str, ...], count: int, returning: bool, _: str) -> str:
    run_id, deadline = _column(JobLog, "id"), _column(JobLog, "deadline_at")
    sets = [f"{_column(JobLog, name)} = %s" for name in names]
    sets.append(f"{deadline} = CASE {run_id} {'WHEN %s THEN %s ' * count}END")
    sql = (
        f"UPDATE {_table(JobLog)} SET {', '.join(sets)} "
        f"WHERE {run_id} IN ({', '.join(['%s'] * count)}) AND {_column(JobLog, 'status')} = %s"
    )
    return f"{sql} RETURNING {run_id}" if returning else sql


def _can_return_from_update(db: BaseDatabaseWrapper) -> bool:
    if db.vendor == "postgresql":
        return True
    if db.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def claim_runs(values: dict[str, Any], deadlines: dict[int, datetime]) -> list[int]:
    """Set `values` and each run's own deadline on the queued runs among `deadlines`' keys, in
    one statement; return the ids of the runs it claimed."""
    db = _db()
    returning = _can_return_from_update(db)
    sql = _claim_sql(tuple(values), len(deadlines), returning, db.vendor)
    params = [_prep(db, JobLog, name, value) for name, value in values.items()]
    for run_id, deadline in deadlines.items():
        params += [run_id, _prep(db, JobLog, "deadline_at", deadline)]
    params += [*deadlines, "queued"]
    with _cursor(db) as cursor:
        cursor.execute(sql, params)
        if returning:
            return [row[0] for row in cursor.fetchall()]
    # Without RETURNING: the runs now carry this claim's values (its worker and start instant).
    found = JobLog.objects.using(db.alias).filter(pk__in=list(deadlines), **values)
    return list(found.values_list("pk", flat=True))


@cache
def _lock_job_sql(names: tuple[str, ...], for_update: bool, _: str) -> str:
    columns = ", ".join(_column(Job, name) for name in names)
    sql = f"SELECT {columns} FROM {_table(Job)} WHERE {_column(Job, 'id')} = %s"
    return f"{sql} {_job_lock_sql()}" if for_update else sql


def _job_lock_sql() -> str:
    """The lock an UPDATE of a job takes (PostgreSQL's FOR NO KEY UPDATE): it excludes other
    writers of the job, not the inserts of rows that refer to it (runs, events)."""
    db = _db()
    return db.ops.for_update_sql(no_key=db.features.has_select_for_no_key_update)


def lock_job(job_id: int, names: tuple[str, ...]) -> dict[str, Any]:
    """Lock job `job_id` for the transaction and return its plain columns `names`.

    On SQLite, which has no row locks, the caller's write transaction already excludes others.
    """
    db = _db()
    sql = _lock_job_sql(names, db.features.has_select_for_update, db.vendor)
    with _cursor(db) as cursor:
        cursor.execute(sql, [job_id])
        row = cursor.fetchone()
    if row is None:
        raise Job.DoesNotExist(f"Job {job_id} does not exist.")
    return dict(zip(names, row, strict=True))


@cache
def _lock_jobs_sql(names: tuple[str, ...], count: int, for_update: bool, _: str) -> str:
    job_id = _column(Job, "id")
    columns = ", ".join(_column(Job, name) for name in ("id", *names))
    sql = (
        f"SELECT {columns} FROM {_table(Job)} WHERE {job_id} IN ({', '.join(['%s'] * count)}) "
        f"ORDER BY {job_id}"
    )
    return f"{sql} {_job_lock_sql()}" if for_update else sql


def lock_jobs(job_ids: Sequence[int], names: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """Lock the jobs `job_ids` for the transaction, in id order (so that two callers locking
    overlapping sets cannot deadlock), and return their plain columns `names` by id."""
    db = _db()
    sql = _lock_jobs_sql(names, len(job_ids), db.features.has_select_for_update, db.vendor)
    with _cursor(db) as cursor:
        cursor.execute(sql, list(job_ids))
        rows = cursor.fetchall()
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


@cache
def _busy_fields() -> tuple[str, ...]:
    """What busy_runs reads of each run, in the model's field order (as Model.from_db takes it)."""
    return _in_model_order(JobLog, ("id", "status", "trigger", "scheduled_for", "job"))


@cache
def _busy_runs_sql(count: int, triggers: int, earlier: bool, _: str) -> str:
    status, job_id = _column(JobLog, "status"), _column(JobLog, "job")
    columns = ", ".join(_column(JobLog, name) for name in _busy_fields())
    which = f"{status} = %s"
    if earlier:
        trigger, scheduled_for = _column(JobLog, "trigger"), _column(JobLog, "scheduled_for")
        among = ", ".join(["%s"] * triggers)
        which = f"({which} OR ({status} = %s AND {trigger} IN ({among}) AND {scheduled_for} < %s))"
    return (
        f"SELECT {columns} FROM {_table(JobLog)} "
        f"WHERE {job_id} IN ({', '.join(['%s'] * count)}) AND {which}"
    )


def busy_runs(
    job_ids: Sequence[int], *, queued_before: datetime | None, triggers: Sequence[str]
) -> list[JobLog]:
    """The running runs of `job_ids` and, with `queued_before`, their queued runs of `triggers`
    scheduled before it; each with its id, job, status, trigger and scheduled time (the rest
    deferred)."""
    db = _db()
    earlier = queued_before is not None
    sql = _busy_runs_sql(len(job_ids), len(triggers), earlier, db.vendor)
    params: list[Any] = [*job_ids, JobLog.Status.RUNNING]
    if earlier:
        before = _prep(db, JobLog, "scheduled_for", queued_before)
        params += [JobLog.Status.QUEUED, *triggers, before]
    with _cursor(db) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_instance(db, JobLog, _busy_fields(), row) for row in rows]


# The most rows one INSERT … VALUES of insert_rows carries (not on PostgreSQL, see
# _insert_arrays_sql): a burst's claims mostly stay below it, so few statement texts repeat
# (one per count), and no database's parameter limit is reached.
INSERT_ROWS = 256


@cache
def _inserted_fields(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    """The fields an INSERT of a new `model` row writes: every concrete one but an automatic
    primary key (what bulk_create writes)."""
    auto = model._meta.auto_field
    return tuple(field for field in model._meta.concrete_fields if field is not auto)


@cache
def _insert_rows_sql(model: type[Model], count: int, returning: bool, _: str) -> str:
    fields = _inserted_fields(model)
    columns = ", ".join(_db().ops.quote_name(field.column) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = f"INSERT INTO {_table(model)} ({columns}) VALUES {', '.join([row] * count)}"
    return f"{sql} RETURNING {_column(model, 'id')}" if returning else sql


@cache
def _insert_arrays_sql(model: type[Model], _: str) -> str:
    """insert_rows on PostgreSQL: one array per column, the rows unnested from them, in order
    (as Django's own bulk_create does there). One short statement text for any number of rows,
    which psycopg prepares and the server plans once per connection."""
    fields = _inserted_fields(model)
    columns = ", ".join(_db().ops.quote_name(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(_db())}[]" for field in fields)
    return (
        f"INSERT INTO {_table(model)} ({columns}) SELECT * FROM unnest({arrays}) "
        f"RETURNING {_column(model, 'id')}"
    )


def insert_rows(objs: Sequence[Model]) -> None:
    """Insert new instances of one model (runs, events) as bulk_create does: every field but
    the automatic id, each value as its field saves it; and set their ids, in order.

    On PostgreSQL in one INSERT … SELECT FROM unnest(arrays) … RETURNING; elsewhere in plain
    INSERT … VALUES … RETURNING statements of at most INSERT_ROWS rows; where an insert cannot
    return its rows, one row per statement. The ORM compiled its INSERT anew every time and
    quoted every value in Python: the dispatcher's claims and every run's events pay for that.
    """
    if not objs:
        return
    db = _db()
    if len(objs) > 1 and not db.features.can_return_rows_from_bulk_insert:
        for obj in objs:
            insert_rows([obj])
        return
    model = type(objs[0])
    fields = _inserted_fields(model)
    arrays = db.vendor == "postgresql"
    returning = db.features.can_return_columns_from_insert
    size = len(objs) if arrays else INSERT_ROWS
    size = max(1, min(size, db.ops.bulk_batch_size(list(fields), list(objs))))
    for start in range(0, len(objs), size):
        chunk = objs[start : start + size]
        values = [
            [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]
            for obj in chunk
        ]
        if arrays:
            sql = _insert_arrays_sql(model, db.vendor)
            params = [list(column) for column in zip(*values, strict=True)]
        else:
            sql = _insert_rows_sql(model, len(chunk), returning, db.vendor)
            params = [value for row in values for value in row]
        with _cursor(db) as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()] if returning else [cursor.lastrowid]
        for obj, pk in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = db.alias


@cache
def _load_runs_sql(
    run_fields: tuple[str, ...], job_fields: tuple[str, ...], count: int, _: str
) -> str:
    run_table, job_table = _table(JobLog), _table(Job)
    columns = [f"{run_table}.{_column(JobLog, name)}" for name in ("id", *run_fields)]
    columns += [f"{job_table}.{_column(Job, name)}" for name in ("id", *job_fields)]
    return (
        f"SELECT {', '.join(columns)} FROM {run_table} "
        f"INNER JOIN {job_table} ON {run_table}.{_column(JobLog, 'job')} = "
        f"{job_table}.{_column(Job, 'id')} "
        f"WHERE {run_table}.{_column(JobLog, 'id')} IN ({', '.join(['%s'] * count)})"
    )


@cache
def _readers(
    model: type[Model], names: tuple[str, ...], _: str
) -> list[tuple[str, Any, list[Any]]]:
    """Each column's attribute name, and the column with the ORM's read converters for it: the
    backend's, then the field's own."""
    readers = []
    for name in names:
        field = _field(model, name)
        column = field.get_col(model._meta.db_table)
        converters = _db().ops.get_db_converters(column)
        readers.append((field.attname, column, converters + column.get_db_converters(_db())))
    return readers


@cache
def _in_model_order(model: type[Model], names: tuple[str, ...]) -> tuple[str, ...]:
    order = {field.name: index for index, field in enumerate(model._meta.concrete_fields)}
    return tuple(sorted(names, key=lambda name: order[_field(model, name).name]))


def _instance(
    db: BaseDatabaseWrapper, model: type[Model], names: tuple[str, ...], values: Sequence[Any]
) -> Any:
    attnames, converted = [], []
    for value, (attname, column, converters) in zip(
        values, _readers(model, names, db.vendor), strict=True
    ):
        for convert in converters:
            value = convert(value, column, db)
        attnames.append(attname)
        converted.append(value)
    return model.from_db(db.alias, attnames, converted)


def load_runs(
    run_ids: Sequence[int], run_fields: tuple[str, ...], job_fields: tuple[str, ...]
) -> list[JobLog]:
    """Return the runs `run_ids` that exist, in that order, each with its job, loading only the
    named fields of each in one statement.

    The other fields are deferred, as with the ORM's `only()`: reading one loads it. Runs of one
    job share one job instance.
    """
    if not run_ids:
        return []
    # Model.from_db takes the values in the model's field order.
    run_fields, job_fields = _in_model_order(JobLog, run_fields), _in_model_order(Job, job_fields)
    db = _db()
    sql = _load_runs_sql(run_fields, job_fields, len(run_ids), db.vendor)
    with _cursor(db) as cursor:
        cursor.execute(sql, list(run_ids))
        rows = cursor.fetchall()
    split = len(run_fields) + 1
    jobs: dict[Any, Job] = {}
    found: dict[int, JobLog] = {}
    for row in rows:
        run: JobLog = _instance(db, JobLog, ("id", *run_fields), row[:split])
        job_id = row[split]
        if job_id not in jobs:
            jobs[job_id] = _instance(db, Job, ("id", *job_fields), row[split:])
        run.job = jobs[job_id]
        found[run.pk] = run
    return [found[pk] for pk in run_ids if pk in found]


def load_run(
    run_id: int, run_fields: tuple[str, ...], job_fields: tuple[str, ...]
) -> JobLog | None:
    """Return run `run_id` with its job, loading only the named fields of each (or None)."""
    runs = load_runs([run_id], run_fields, job_fields)
    return runs[0] if runs else None
