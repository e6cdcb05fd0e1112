"""Hot statements compiled once and, on SQLite, run straight on the DBAPI connection.

SQLAlchemy Core spends ~50 µs of execution machinery (execution context,
events, result metadata) around each statement SQLite answers in ~10 µs;
a hold runs a dozen. A :class:`Prepared` statement is still written as a
SQLAlchemy expression, compiled by SQLAlchemy for the connection's dialect
and converted by the column types' own bind and result processors, so what
is stored and read back is exactly what ``conn.execute`` would store and
read. Only the per-call machinery is skipped, and only where that is safe:

- SQLite, inside an open transaction (``Store.transaction``/``Store.read``);
- statements without post-compile (``IN`` lists), escaped names or Python-side
  column defaults.

Everything else (PostgreSQL, other statements) runs through ``conn.execute``
unchanged. Writes are recorded with :func:`~simulator.core.store.note_write`
either way, so timers that watch a table still see the transaction write it,
and driver errors surface as SQLAlchemy's ``DBAPIError`` subclasses, so
:func:`~simulator.core.store.is_write_clash` still recognises a lost race.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError, StatementError
from sqlalchemy.sql.dml import Insert, Update, UpdateBase
from sqlalchemy.sql.expression import Executable
from sqlalchemy.sql.selectable import Select

from simulator.core.store import note_write

__all__ = ["Prepared"]

Params = Mapping[str, Any]
_REQUIRED: Any = object()  # a bind parameter without a value of its own
Processor = Callable[[Any], Any]


class _Row(tuple[Any, ...]):
    """Base of the row classes: ``row._mapping`` as on SQLAlchemy's ``Row``."""

    __slots__ = ()
    _fields: tuple[str, ...]

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


def _row_maker(names: Sequence[str]) -> Callable[[Iterable[Any]], Any]:
    """Makes rows of a named-tuple type for these column names (attribute access in C)."""
    base = namedtuple("Row", names, rename=True)  # type: ignore[misc]
    row: Any = type("Row", (_Row, base), {"__slots__": ()})
    return row._make  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class _Form:
    """One statement compiled for one dialect (and, for DML, one set of columns)."""

    dialect: Dialect
    columns: frozenset[str] | None
    #: False: the statement needs SQLAlchemy at run time (remembered, not re-compiled)
    runnable: bool
    sql: str
    #: (name, constant value or None, bind processor or None), in placeholder order
    binds: tuple[tuple[str, Any, Processor | None], ...]
    make_row: Callable[[Iterable[Any]], Any] | None  # the row class's ``_make``
    results: tuple[tuple[int, Processor], ...]  # (column index, result processor)

    def parameters(self, params: Params) -> tuple[Any, ...]:
        values = []
        for name, constant, process in self.binds:
            value = params.get(name, constant)
            if value is _REQUIRED:  # as SQLAlchemy reports it on the ordinary path
                missing = InvalidRequestError(f"A value is required for bind parameter {name!r}")
                raise StatementError(str(missing), self.sql, dict(params), missing)
            values.append(value if process is None else process(value))
        return tuple(values)

    def rows(self, fetched: list[Any]) -> list[Any]:
        make = self.make_row
        assert make is not None
        if not self.results:
            return [make(raw) for raw in fetched]
        out = []
        for raw in fetched:
            values = list(raw)
            for index, process in self.results:
                values[index] = process(values[index])
            out.append(make(values))
        return out


class Prepared:
    """``statement``, run the cheap way where that gives the same answer (see module)."""

    __slots__ = ("_form", "dml_columns", "statement")

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        #: INSERT and UPDATE without ``.values()`` compile their column list from the
        #: parameters, so their compiled form is per set of parameter names.
        self.dml_columns = isinstance(statement, Insert | Update) and not _has_values(statement)
        self._form: _Form | None = None

    # -- the answers, shaped as SQLAlchemy's Result would give them ------------------------

    def first(self, conn: Connection, params: Params | None = None) -> Any:
        """The first row (attribute access and ``_mapping``), or None."""
        form = self._fast(conn, params or {})
        if form is None:
            return conn.execute(self.statement, params or {}).first()
        found = self._cursor(conn, form, params or {}).fetchone()
        return form.rows([found])[0] if found is not None else None

    def all(self, conn: Connection, params: Params | None = None) -> list[Any]:
        """Every row."""
        form = self._fast(conn, params or {})
        if form is None:
            return list(conn.execute(self.statement, params or {}).all())
        return form.rows(self._cursor(conn, form, params or {}).fetchall())

    def scalar(self, conn: Connection, params: Params | None = None) -> Any:
        """The first column of the first row, or None."""
        row = self.first(conn, params)
        return row[0] if row is not None else None

    def scalars(self, conn: Connection, params: Params | None = None) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self.all(conn, params)]

    def run(self, conn: Connection, params: Params | Sequence[Params] | None = None) -> int:
        """Execute a write (one parameter set, or a list of them); how many rows it touched."""
        if not isinstance(params, Sequence):
            form = self._fast(conn, params or {})
            if form is None:
                return int(conn.execute(self.statement, params or {}).rowcount or 0)
            note_write(conn, self.statement)
            return int(self._cursor(conn, form, params or {}).rowcount)
        form = self._fast(conn, params[0]) if params else None
        if form is None:
            return int(conn.execute(self.statement, list(params)).rowcount or 0)
        note_write(conn, self.statement)
        rows = [form.parameters(p) for p in params]
        try:
            return int(_driver(conn).executemany(form.sql, rows).rowcount)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, form.sql, rows, exc) from exc

    # -- machinery ---------------------------------------------------------------------

    def _fast(self, conn: Connection, params: Params) -> _Form | None:
        """The compiled form to run on the driver, or None for the ordinary path."""
        dialect = conn.dialect
        if dialect.name != "sqlite" or not conn.in_transaction():
            return None
        columns = frozenset(params) if self.dml_columns else None
        form = self._form
        if form is None or form.dialect is not dialect or form.columns != columns:
            form = self._form = _compile(self.statement, dialect, columns)
        return form if form.runnable else None

    @staticmethod
    def _cursor(conn: Connection, form: _Form, params: Params) -> Any:
        values = form.parameters(params)
        try:
            return _driver(conn).execute(form.sql, values)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, form.sql, values, exc) from exc


def _driver(conn: Connection) -> Any:
    """The sqlite3 connection under ``conn`` (inside its open transaction)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    return driver


def _has_values(statement: Executable) -> bool:
    return bool(getattr(statement, "_values", None) or getattr(statement, "_multi_values", None))


def _compile(statement: Executable, dialect: Dialect, columns: frozenset[str] | None
             ) -> _Form:
    """Compile for ``dialect``; not ``runnable`` when it needs SQLAlchemy at run time."""
    compiled: Any = cast(Any, statement).compile(
        dialect=dialect, column_keys=sorted(columns) if columns is not None else None)
    if (compiled.post_compile_params or compiled.literal_execute_params
            or compiled.escaped_bind_names or compiled.insert_prefetch
            or compiled.update_prefetch or compiled.positiontup is None
            or not isinstance(statement, Select | UpdateBase)
            or (isinstance(statement, UpdateBase) and statement._returning)):
        return _Form(dialect, columns, False, "", (), None, ())
    binds = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        binds.append((name, _REQUIRED if bind.required else bind.effective_value,
                      bind.type.dialect_impl(dialect).bind_processor(dialect)))
    make_row: Callable[[Iterable[Any]], Any] | None = None
    results: list[tuple[int, Processor]] = []
    if isinstance(statement, Select):
        selected = statement.selected_columns
        make_row = _row_maker(list(selected.keys()))
        for index, column in enumerate(selected):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                results.append((index, process))
    return _Form(dialect, columns, True, compiled.string, tuple(binds), make_row, tuple(results))


def _wrapped(conn: Connection, sql: str, params: Any, exc: Exception) -> DBAPIError:
    """The driver's error as SQLAlchemy would raise it (IntegrityError, OperationalError...)."""
    dbapi = conn.dialect.loaded_dbapi
    wrapped = DBAPIError.instance(sql, params, exc, dbapi.Error, dialect=conn.dialect)
    assert isinstance(wrapped, DBAPIError)
    return wrapped
