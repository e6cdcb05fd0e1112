"""Two processes' simulators over one store fire a due timer exactly once.

Two :class:`Simulator` objects over one database stand for two worker
processes (each has its own scheduler, clock and peers). Both arm the same
due instant, then both fire it: the lease row lets only the first through,
whichever order, and a process that did not write a due instant finds it
when it advances the shared clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from simulator.core.leases import timer_runs
from simulator.runtime import Simulator
from tests.scale.tally import model


def test_a_due_instant_armed_in_two_processes_fires_once(pair: tuple[Simulator, ...]) -> None:
    first, second = pair
    due = first.clock.now() + timedelta(seconds=30)
    first.run(model.add_tick, 1, due)
    second.arm_timers()  # both schedulers now hold the same due instant
    first.change_clock(lambda clock: clock.advance(timedelta(seconds=60)))
    assert second.clock.now() == first.clock.now()  # the shared clock row
    # The second's scheduler still holds the instant (a ticker that armed it just
    # before the first committed): firing it finds nothing left to do.
    assert second.clock.run_due() == 1
    second.tick()
    assert first.query(model.fired) == 1


def test_a_process_fires_what_another_wrote_when_it_moves_the_clock(
        pair: tuple[Simulator, ...]) -> None:
    first, second = pair
    start = first.clock.now()
    for n in range(1, 4):
        first.run(model.add_tick, n, start + timedelta(seconds=10 * n))
    second.change_clock(lambda clock: clock.advance(timedelta(seconds=25)))
    assert second.query(model.fired) == 2  # at +10 s and +20 s, each at its own instant
    first.change_clock(lambda clock: clock.advance(timedelta(seconds=10)))
    assert first.query(model.fired) == 3
    assert first.clock.now() == start + timedelta(seconds=35)  # the advances added up


def test_a_write_racing_a_clock_advance_never_lands_behind_a_fired_timer(
        pair: tuple[Simulator, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """The first reads its instant, the second then advances the shared clock past a
    tick and fires it, and only then does the first's write run: it must run at the
    new instant, or its tick would be due before the instant the timer has already
    fired at (a refiring, and an instant the shared clock has left behind)."""
    first, second = pair
    start = first.clock.now()
    second.run(lambda conn, now: model.add_tick(conn, now, 1, now + timedelta(seconds=30)))
    read_instant = first._instant
    advanced: list[bool] = []

    def instant_then_advance(*, fresh: bool = False) -> tuple[datetime, tuple[int, str | None]]:
        seen = read_instant(fresh=fresh)
        if not advanced:  # only between the first reading and its transaction
            advanced.append(True)
            second.change_clock(lambda clock: clock.advance(timedelta(seconds=60)))
        return seen

    monkeypatch.setattr(first, "_instant", instant_then_advance)
    first.run(lambda conn, now: model.add_tick(conn, now, 2, now + timedelta(seconds=10)))
    assert first.query(lambda conn: conn.execute(
        select(model.ticks.c.due).where(model.ticks.c.n == 2)).scalar()
    ) == (start + timedelta(seconds=70)).replace(tzinfo=None)
    first.change_clock(lambda clock: clock.advance(timedelta(seconds=10)))
    assert first.query(model.fired) == 2
    assert first.query(lambda conn: conn.execute(
        select(timer_runs.c.refires).where(timer_runs.c.name == "tally.tick")).scalar()) == 0

