"""Declared lifecycles: a transition table that decides, applied by a guarded update.

A service declares each lifecycle once::

    HOLD = Lifecycle(holds, holds.c.status, {
        None: {HoldStatus.HELD},
        HoldStatus.HELD: {HoldStatus.RELEASED, HoldStatus.EXPIRED, HoldStatus.INVOICED},
    })

and moves a row only through :meth:`Lifecycle.move`, which issues
``UPDATE ... SET status=:to WHERE <key> AND status IN (<states allowed to reach :to>)``.
The table is what refuses: a row in any other state is left untouched and
:class:`TransitionRefused` (a 409) names its state. Two concurrent movers
cannot both win, because the database evaluates the guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, ColumnElement, Connection, Table, and_, select, update

from simulator.core.errors import Conflict

__all__ = ["Lifecycle", "TransitionRefused"]

S = TypeVar("S", bound=StrEnum)


class TransitionRefused(Conflict):
    """The row is in a state from which the table allows no move to the target."""


class Lifecycle(Generic[S]):
    """A transition table over one status column, with the guarded update that applies it."""

    def __init__(self, table: Table, status: Column[Any],
                 transitions: Mapping[S | None, Iterable[S]], *, noun: str = "") -> None:
        self.table = table
        self.status = status
        self.noun = noun or table.name.rstrip("s")
        self.transitions: dict[S | None, frozenset[S]] = {
            source: frozenset(targets) for source, targets in transitions.items()}
        self._sources: dict[S, frozenset[S]] = {}
        for source, targets in self.transitions.items():
            for target in targets:
                if source is not None:
                    self._sources[target] = self._sources.get(target, frozenset()) | {source}

    def allows(self, source: S | None, target: S) -> bool:
        """Whether the table has the edge ``source -> target`` (None: creation)."""
        return target in self.transitions.get(source, frozenset())

    def sources(self, target: S) -> frozenset[S]:
        """Every state from which ``target`` may be reached."""
        return self._sources.get(target, frozenset())

    def initial(self, state: S) -> S:
        """``state`` if the table allows creating a row in it; refuses otherwise."""
        if not self.allows(None, state):
            raise TransitionRefused(f"A {self.noun} cannot be created as {state}")
        return state

    def guard(self, target: S) -> ColumnElement[bool]:
        """The SQL condition under which a row may move to ``target``.

        One source state is a plain comparison (a statement SQLAlchemy compiles
        once, without expanding an ``IN`` list per execution).
        """
        sources = sorted(str(s) for s in self.sources(target))
        if len(sources) == 1:
            return self.status == sources[0]
        return self.status.in_(sources)

    def move(self, conn: Connection, where: ColumnElement[bool], target: S,
             **values: Any) -> int:
        """Move every row matching ``where`` that the table allows to ``target``.

        Returns how many rows moved; moves none and raises
        :class:`TransitionRefused` when a matching row exists but its state
        may not reach ``target`` (no matching row at all returns 0).
        """
        moved = conn.execute(
            update(self.table).where(and_(where, self.guard(target)))
            .values({self.status.key: str(target), **values})).rowcount
        if moved:
            return int(moved)
        current = conn.execute(select(self.status).where(where).limit(1)).scalar()
        if current is not None:
            raise TransitionRefused(
                f"The {self.noun} is {current}; it cannot become {target}")
        return 0

    def move_all(self, conn: Connection, where: ColumnElement[bool], target: S,
                 **values: Any) -> int:
        """Move every matching row the table allows; others are silently left (sweeps)."""
        return int(conn.execute(
            update(self.table).where(and_(where, self.guard(target)))
            .values({self.status.key: str(target), **values})).rowcount or 0)
