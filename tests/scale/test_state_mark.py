"""Processes sharing a store follow each other's clock and state without re-reading them
on every request.

A process re-reads the shared clock and generation rows only when the peers'
state mark moved since its last look (:meth:`simulator.core.peers.Peers.state_mark`);
every clock change and state replacement moves it after its commit. Two
:class:`Simulator` objects over one database stand for two worker processes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator import fixturegen
from simulator.core.clock import SimClock
from simulator.core.errors import Forbidden
from simulator.runtime import Simulator
from simulator.services.control import domain as control
from tests.scale.tally import model


def test_a_clock_row_moved_without_a_state_mark_is_still_adopted_by_reads_and_writes(
        pair: tuple[Simulator, ...]) -> None:
    """Processes skip re-reading the clock row while the peers' state mark is unchanged.
    A row moved by something that did not mark it (an older build, a hand edit) must
    still be adopted: a read adopts the row it reads, and a write that finds it moved
    re-reads it instead of retrying on the instant it already had."""
    first, second = pair
    start = first.clock.now()
    first.sync()  # both have looked at the current mark
    second.sync()
    moved = SimClock.restore(second.clock.state())
    moved.advance(timedelta(seconds=60))
    with second.store.transaction() as conn:
        version = int((control.saved_clock(conn) or {}).get("version", 0)) + 1
        control.save_clock(conn, {**moved.state(), "version": version})
    first.run(model.add_tick, 1, start + timedelta(seconds=90))
    assert first.clock.now() == start + timedelta(seconds=60)
    assert second.read(lambda conn, now: now) == start + timedelta(seconds=60)


def test_a_fixtures_load_in_one_process_drops_the_keys_another_had_cached(
        pair: tuple[Simulator, ...]) -> None:
    """A key lookup is answered from a per-process cache; a fixtures load in another
    process (a new generation, marked after its commit) must empty it at once."""
    first, second = pair
    assert second.principal("sim-broker-key-9101").user_id == 9101  # now cached
    document = fixturegen.load_default()
    document["api_keys"] = [key for key in document["api_keys"]
                            if key["key"] != "sim-broker-key-9101"]
    first.load_fixtures(document)
    with pytest.raises(Forbidden):
        second.principal("sim-broker-key-9101")


def test_a_read_that_began_before_a_clock_change_does_not_step_the_clock_back(
        pair: tuple[Simulator, ...]) -> None:
    """Threads of one process read the clock row in their own read transactions. One
    whose transaction began before another process moved the clock comes back with
    the older row after a sibling thread adopted the newer one: the older row must not
    replace the newer clock (it would stay until the next change, the mark being seen)."""
    first, second = pair
    start = first.clock.now()
    with second.store.read() as before_the_change:
        assert second._instant_in_read(before_the_change) == start  # its snapshot begins
        first.change_clock(lambda clock: clock.advance(timedelta(seconds=60)))
        second.sync()  # a sibling thread adopts the new clock
        assert second.clock.now() == start + timedelta(seconds=60)
        second._instant_in_read(before_the_change)  # the late thread, older row
    assert second.clock.now() == start + timedelta(seconds=60)
    second.sync()
    assert second.clock.now() == start + timedelta(seconds=60)
