"""The fault rules of one simulator, kept in its store: one set, however many processes.

Rules are rows of :data:`~simulator.core.store.fault_rules` (the rule
document as posted, its creation order, ``hits`` and ``considered``), so
under ``serve --workers N`` or PostgreSQL replicas a rule posted to any
process applies to requests reaching any other, its ``count`` is counted
once for all, and listing it shows the totals. One code path for every set-up, one process included:

- **Requests matching no rule pay nothing but memory reads.** Each process
  keeps the parsed rules and re-reads them only when the simulator's
  :attr:`~simulator.runtime.Simulator.steering_version` moved: the ``version``
  of the ``steering`` row of ``meta``, which every change of the rules bumps
  in its transaction. Shared, the simulator reads that row with the clock
  and generation rows it already reads (one prepared statement, no extra
  round trip), and on a SQLite file a change moves the peers' state mark
  after it commits, so every process reads it at its next request; alone,
  the book's own changes tell the simulator. A fixtures load (which wipes
  the table) or a snapshot import makes every process re-read too.
- **A request a rule matches pays one transaction**, which counts it
  exactly: each matching rule, newest first, is looked at by a guarded
  ``UPDATE ... SET considered = considered + 1 WHERE hits < count`` (the
  rule's row lock on PostgreSQL, the writer lock on SQLite), which also
  skips a rule deleted or used up meanwhile by another process; the k-th
  look draws from :func:`~simulator.core.http.faults.draw` (seed, k), and a
  hit adds one to ``hits`` under the same lock.
- Adding, deleting and clearing rules are transactions. Ids ``f1``, ``f2``...
  come from a counter in the ``steering`` row (never below the newest
  rule's position), so no two processes draw the same id; clearing restarts
  them at ``f1``.

The table is steering, not state (``Table.info``): snapshots skip it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.exc import DBAPIError

from simulator.core.errors import BadRequest, NotFound
from simulator.core.http.faults import Direction, FaultRule, Hit, draw
from simulator.core.http.matching import Facts
from simulator.core.prepared import Prepared
from simulator.core.store import (
    STEERING_KEY,
    fault_rules,
    insert_or_ignore,
    is_write_clash,
    meta,
)

if TYPE_CHECKING:
    from simulator.runtime import Simulator

__all__ = ["MAX_RULES", "FaultBook"]

MAX_RULES = 1000
#: How often a request's looks run again when PostgreSQL aborts their transaction.
LOOK_ATTEMPTS = 3

_ROW = fault_rules.c

_NOT_READ = object()  # a steering version no simulator reports: read on first use


def _rule(row: Any) -> FaultRule:
    return FaultRule.from_json(row.id, row.document, row.hits, row.considered)


def _all_rules(conn: Connection) -> list[FaultRule]:
    rows = conn.execute(select(fault_rules).order_by(_ROW.position))
    return [_rule(row) for row in rows]


def _locked_state(conn: Connection) -> tuple[int, int]:
    """The ``steering`` row's (version, next id number), locked (PostgreSQL: row lock;
    SQLite: the transaction already holds the writer lock) until the commit."""
    insert_or_ignore(conn, meta, key=STEERING_KEY, value={"version": 0, "next": 1})
    state = conn.execute(select(meta.c.value).where(meta.c.key == STEERING_KEY)
                         .with_for_update()).scalar_one()
    return int(state.get("version", 0)), int(state.get("next", 1))


def _save_state(conn: Connection, version: int, following: int) -> int:
    """Write the ``steering`` row (after :func:`_locked_state`); returns ``version``."""
    conn.execute(sql_update(meta).where(meta.c.key == STEERING_KEY)
                 .values(value={"version": version, "next": following}))
    return version


#: One look at a rule, unless it is gone or used up (the row lock orders concurrent looks).
_LOOK = Prepared(sql_update(fault_rules).where(
    _ROW.id == bindparam("rule_id"),
    or_(_ROW.count_limit.is_(None), _ROW.hits < _ROW.count_limit),
).values(considered=_ROW.considered + 1))
_CONSIDERED = Prepared(select(_ROW.considered).where(_ROW.id == bindparam("rule_id")))
_HIT = Prepared(sql_update(fault_rules).where(_ROW.id == bindparam("rule_id"))
                .values(hits=_ROW.hits + 1))


def _look(conn: Connection, rule: FaultRule) -> Hit | None:
    """Count one look of ``rule`` at a request; the hit, if its draw hits. None also when
    the rule is gone or used up (by any process). Prepared statements: on SQLite
    they run on the driver, since every request a rule matches pays this."""
    key = {"rule_id": rule.rule_id}
    if not _LOOK.run(conn, key):
        return None
    rng = draw(rule.seed, int(_CONSIDERED.scalar(conn, key)))
    if not rule.hits_draw(rng):
        return None
    _HIT.run(conn, key)
    return Hit(rule, rng)


class FaultBook:
    """The fault rules of one simulator (module docstring). Thread-safe: outbound
    rules are picked on delivery threads."""

    def __init__(self, simulator: Callable[[], Simulator]) -> None:
        """``simulator``: gives this book's simulator (the steering's own reference to it
        is weak: the simulator owns its steering)."""
        self._simulator = simulator
        self._rules: tuple[FaultRule, ...] = ()
        self._read_at: Any = _NOT_READ  # the simulator's steering version when last read
        self._lock = threading.Lock()

    @property
    def simulator(self) -> Simulator:
        return self._simulator()

    def _current(self) -> tuple[FaultRule, ...]:
        """The rules, re-read only when the simulator's steering version moved since."""
        simulator = self.simulator
        seen = simulator.steering_version
        if seen == self._read_at:
            return self._rules
        with self._lock:
            if seen != self._read_at:
                with simulator.store.read() as conn:  # after ``seen``: at least as new
                    self._rules = tuple(_all_rules(conn))
                self._read_at = seen
            return self._rules

    def _changed(self, version: int) -> None:
        """After a change committed: tell the simulator (and so every process)."""
        self.simulator.steering_changed(version)

    def add(self, document: Any) -> FaultRule:
        """Add a rule (400 when ``document`` is not one, or the book is full)."""
        parsed = FaultRule.from_json("", document)  # refused before any lock is taken
        with self.simulator.store.transaction() as conn:
            version, following = _locked_state(conn)  # adds queue here: the limit holds
            if (conn.execute(select(func.count()).select_from(fault_rules)).scalar_one()
                    >= MAX_RULES):
                raise BadRequest(f"At most {MAX_RULES} fault rules; delete some first")
            # never below the newest rule (a snapshot import empties ``meta``, not the rules)
            newest = conn.execute(select(func.max(_ROW.position))).scalar() or 0
            position = max(following, newest + 1)
            rule = dataclasses.replace(parsed, rule_id=f"f{position}")
            conn.execute(fault_rules.insert().values(
                id=rule.rule_id, position=position, document=document, count_limit=rule.count,
                hits=0, considered=0))
            version = _save_state(conn, version + 1, position + 1)
        self._changed(version)
        return rule

    def rules(self) -> list[FaultRule]:
        """Every rule, oldest first, with its counters' totals."""
        with self.simulator.store.read() as conn:
            return _all_rules(conn)

    def get(self, rule_id: str) -> FaultRule:
        with self.simulator.store.read() as conn:
            row = conn.execute(select(fault_rules).where(_ROW.id == rule_id)).first()
        if row is None:
            raise NotFound(f"No fault rule {rule_id!r}")
        return _rule(row)

    def delete(self, rule_id: str) -> None:
        with self.simulator.store.transaction() as conn:
            version, following = _locked_state(conn)
            if not conn.execute(delete(fault_rules).where(_ROW.id == rule_id)
                                ).rowcount:
                raise NotFound(f"No fault rule {rule_id!r}")
            version = _save_state(conn, version + 1, following)
        self._changed(version)

    def clear(self) -> int:
        """Delete every rule (ids start again at ``f1``); how many there were."""
        with self.simulator.store.transaction() as conn:
            version, _ = _locked_state(conn)
            # lock the rows in the order looks do (newest first): no deadlock with a look
            conn.execute(select(_ROW.id).order_by(_ROW.position.desc()).with_for_update())
            count = conn.execute(delete(fault_rules)).rowcount
            version = _save_state(conn, version + 1, 1)
        self._changed(version)
        return int(count or 0)

    def pick(self, facts: Facts, direction: Direction = Direction.INBOUND) -> Hit | None:
        """The rule that applies to ``facts`` (counting the look and the hit), if any.

        Each matching active rule, newest first, draws against its
        probability; the first that hits applies. Matching is done on the
        rules in memory; only when some match is a transaction paid.
        """
        rules = self._current()
        if not rules:
            return None
        matching = [rule for rule in reversed(rules) if rule.applies(facts, direction)]
        if not matching:
            return None
        for attempt in range(1, LOOK_ATTEMPTS + 1):
            try:
                with self.simulator.store.transaction() as conn:
                    for rule in matching:
                        hit = _look(conn, rule)
                        if hit is not None:
                            return hit
                return None
            except DBAPIError as exc:  # PostgreSQL aborted it (nothing counted): again
                if not is_write_clash(exc) or attempt == LOOK_ATTEMPTS:
                    raise
        return None
