"""SimClock and Scheduler: frozen time, ordered firing at due times, no going back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from simulator.core.clock import ClockMode, SimClock
from simulator.core.errors import BadRequest, Conflict

START = datetime(2030, 1, 1, tzinfo=UTC)


def test_frozen_clock_stands_still_until_advanced() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    assert clock.now() == START
    assert clock.now() == START
    clock.advance(timedelta(minutes=5))
    assert clock.now() == START + timedelta(minutes=5)


def test_events_fire_in_order_each_at_its_own_due_time() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    seen: list[tuple[str, datetime]] = []
    for name, minutes in (("c", 30), ("a", 10), ("b", 20)):
        clock.schedule(START + timedelta(minutes=minutes), name,
                       lambda name=name: seen.append((name, clock.now())))
    clock.advance(timedelta(minutes=25))
    assert seen == [("a", START + timedelta(minutes=10)), ("b", START + timedelta(minutes=20))]
    clock.advance(timedelta(hours=1))
    assert seen[-1] == ("c", START + timedelta(minutes=30))
    assert clock.now() == START + timedelta(minutes=85)


def test_event_exactly_at_target_fires_and_later_does_not() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    fired: list[str] = []
    clock.schedule(START + timedelta(seconds=60), "at", lambda: fired.append("at"))
    clock.schedule(START + timedelta(seconds=61), "after", lambda: fired.append("after"))
    clock.advance(timedelta(seconds=59.999))
    assert fired == []
    clock.advance(timedelta(milliseconds=1))
    assert fired == ["at"]


def test_event_scheduled_by_an_event_fires_within_the_same_advance() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    seen: list[datetime] = []

    def first() -> None:
        seen.append(clock.now())
        clock.schedule(clock.now() + timedelta(minutes=1), "second",
                       lambda: seen.append(clock.now()))

    clock.schedule(START + timedelta(minutes=1), "first", first)
    clock.advance(timedelta(minutes=10))
    assert seen == [START + timedelta(minutes=1), START + timedelta(minutes=2)]


def test_rescheduling_a_key_replaces_and_cancel_forgets() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    fired: list[str] = []
    clock.schedule(START + timedelta(minutes=1), "k", lambda: fired.append("old"))
    clock.schedule(START + timedelta(minutes=2), "k", lambda: fired.append("new"))
    clock.schedule(START + timedelta(minutes=3), "gone", lambda: fired.append("gone"))
    clock.cancel("gone")
    assert clock.pending() == 1
    clock.advance(timedelta(minutes=5))
    assert fired == ["new"]


def test_time_never_goes_backwards() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    with pytest.raises(Conflict):
        clock.set(START - timedelta(seconds=1))
    with pytest.raises(BadRequest):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == START


def test_realtime_clock_follows_the_wall_with_an_offset() -> None:
    wall = [START]
    clock = SimClock(ClockMode.REALTIME, start=START, wall=lambda: wall[0])
    wall[0] += timedelta(seconds=3)
    assert clock.now() == START + timedelta(seconds=3)
    clock.advance(timedelta(hours=1))
    wall[0] += timedelta(seconds=2)
    assert clock.now() == START + timedelta(hours=1, seconds=5)


def test_freeze_and_resume_keep_the_current_instant() -> None:
    wall = [START]
    clock = SimClock(ClockMode.REALTIME, start=START, wall=lambda: wall[0])
    clock.freeze()
    wall[0] += timedelta(minutes=10)
    assert clock.now() == START
    clock.resume()
    wall[0] += timedelta(seconds=1)
    assert clock.now() == START + timedelta(seconds=1)


def test_realtime_run_due_fires_what_the_wall_has_reached() -> None:
    wall = [START]
    clock = SimClock(ClockMode.REALTIME, start=START, wall=lambda: wall[0])
    fired: list[str] = []
    clock.schedule(START + timedelta(seconds=5), "x", lambda: fired.append("x"))
    assert clock.run_due() == 0
    wall[0] += timedelta(seconds=5)
    assert clock.run_due() == 1
    assert fired == ["x"]


def test_realtime_advance_by_zero_while_the_wall_moves() -> None:
    ticks = iter(START + timedelta(microseconds=n) for n in range(1000))
    clock = SimClock(ClockMode.REALTIME, start=START, wall=lambda: next(ticks))
    before = clock.now()
    assert clock.advance(timedelta(0)) >= before


def test_clock_stays_before_the_year_9000() -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    with pytest.raises(BadRequest):
        clock.set(datetime(9000, 1, 1, tzinfo=UTC))
    clock.set(datetime(8999, 12, 31, tzinfo=UTC))
    with pytest.raises(BadRequest):
        clock.advance(timedelta(days=10 * 365))


def test_an_event_that_keeps_rearming_at_one_instant_cannot_hold_the_clock(
        caplog: pytest.LogCaptureFixture) -> None:
    from simulator.core.clock import MAX_REFIRES

    clock = SimClock(ClockMode.FROZEN, start=datetime(2030, 1, 1, tzinfo=UTC))
    due = clock.now() + timedelta(seconds=1)
    fired: list[int] = []

    def stuck() -> None:  # its work never moves its due instant
        fired.append(1)
        clock.schedule(due, "stuck", stuck)

    clock.schedule(due, "stuck", stuck)
    clock.advance(timedelta(seconds=5))
    assert len(fired) == MAX_REFIRES
    assert "still due after" in caplog.text
    assert clock.now() == datetime(2030, 1, 1, 0, 0, 5, tzinfo=UTC)


def test_an_instant_with_an_offset_is_kept_in_utc() -> None:
    """Stored instants are naive UTC: a clock at -16:25 would skew every comparison."""
    clock = SimClock(ClockMode.FROZEN, start=datetime(2030, 1, 1, tzinfo=UTC))
    offset = timezone(-timedelta(hours=16, minutes=25))
    clock.set(datetime(6280, 6, 1, 4, 8, 4, tzinfo=offset))
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.now() == datetime(6280, 6, 1, 20, 33, 4, tzinfo=UTC)
    assert SimClock.restore(clock.state()).now() == clock.now()
