"""Foundation v2: the registry, transition tables that decide, timers, ids, write clashes."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.core.clock import ClockMode, Scheduler, SimClock
from simulator.core.errors import Conflict
from simulator.core.lifecycle import TransitionRefused
from simulator.core.specs import load_spec
from simulator.core.store import metadata
from simulator.runtime import Simulator
from simulator.services import SERVICES
from simulator.services.pdfs.domain import JOB_LIFECYCLE, JobKind, JobStatus, create_job
from simulator.services.sales.domain import HOLD, HoldStatus
from simulator.services.sales.tables import holds
from tests.conftest import frozen_config
from tests.dummy_service import SERVICE as DUMMY
from tests.served import served

README = Path(__file__).resolve().parent.parent / "README.md"
START = datetime(2030, 1, 1, tzinfo=UTC)


# --- the registry -----------------------------------------------------------------------

@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_every_registered_service_is_whole(service: Any) -> None:
    """Spec valid, operationIds resolve, conformance module, tables, fixtures, README."""
    import importlib

    from openapi_spec_validator import validate

    for mount in service.mounts:
        spec = load_spec(mount.spec)
        validate(spec)
        api = importlib.import_module(service.api_module(mount))
        for item in spec["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    assert callable(getattr(api, operation["operationId"], None)), operation
    if service.mounts and service.product:
        assert (Path("conformance/services") / f"{service.name}.py").is_file()
    service.load_tables()
    module = service.part(service.fixtures)
    if module is not None:
        from simulator import fixturegen

        document = fixturegen.generate(3, listings=20)
        assert set(module.SECTIONS) <= set(document)
    if service.product and service.mounts:
        assert f"`{service.mounts[0].base_path}" in README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def round_trip() -> tuple[dict[str, Any], dict[str, int]]:
    """A generated document through JSON and into a fresh simulator: (document, counts)."""
    import json

    from simulator import fixturegen

    document = json.loads(json.dumps(fixturegen.generate(3, listings=20)))
    simulator = Simulator(frozen_config())
    counts = simulator.load_fixtures(document)
    simulator.close()
    return document, counts


@pytest.mark.parametrize("service", [s for s in SERVICES if s.fixtures], ids=lambda s: s.name)
def test_every_fixture_section_round_trips(service: Any,
                                           round_trip: tuple[dict[str, Any], dict[str, int]]
                                           ) -> None:
    """Generated, written as JSON, read back and loaded: every entry of each of the
    service's list sections becomes at least one row."""
    document, counts = round_trip
    lists = [s for s in service.part(service.fixtures).SECTIONS
             if isinstance(document[s], list)]
    assert lists, service.name
    for section in lists:
        assert document[section], f"{service.name}: {section} generated empty"
        assert counts.get(section, 0) >= len(document[section]), (section, counts)


def test_a_dummy_service_needs_one_folder_and_one_registry_line() -> None:
    import simulator.services as registry

    saved = registry.SERVICES
    registry.SERVICES = (*saved, DUMMY)  # the "registry line"
    try:
        simulator = Simulator(frozen_config(), services=registry.SERVICES)
        simulator.load_fixtures(None)  # a shared database (PostgreSQL) is not fresh
    finally:
        registry.SERVICES = saved
    assert "dummy_pings" in metadata.tables
    app = create_app(simulator.config, simulator)
    with TestClient(app) as client:
        body = client.get("/dummy/v1/pings").json()
        assert body["greeting"] == "hello"
        assert [p["fired"] for p in body["pings"]] == [False]
        moved = client.put("/_sim/clock", json={"now": "2030-01-01T00:00:01Z"})
        assert moved.status_code == 200, moved.text
        assert [p["fired"] for p in client.get("/dummy/v1/pings").json()["pings"]] == [True]
        assert client.get("/dummy/v1/pings/").status_code == 200
    simulator.close()


def test_adding_a_service_changes_no_other_services_fixtures() -> None:
    from simulator import fixturegen

    before = fixturegen.generate(2, listings=30)
    import simulator.services as registry

    saved = registry.SERVICES
    registry.SERVICES = (*saved, DUMMY)
    try:
        after = fixturegen.generate(2, listings=30)
    finally:
        registry.SERVICES = saved
    assert "pings" in after
    assert {k: v for k, v in after.items() if k != "pings"} == before


#: Run ``ticketsim conformance --base-url`` with the server's modules made unimportable.
CONFORMANCE_WITHOUT_SERVER = """
import sys
for name in ("connexion", "simulator.app", "simulator.core.store", "simulator.runtime"):
    sys.modules[name] = None  # importing any of them now raises ImportError
from simulator.cli import main
main(["conformance", "--base-url", sys.argv[1], "--service", "shsyncx",
      "--max-examples", "1", "--no-details", "--coverage-report", sys.argv[2]])
"""


@pytest.mark.slow  # a real conformance run in a subprocess: ~35 s of collection and checks
def test_conformance_against_a_base_url_imports_neither_connexion_nor_the_store(
        tmp_path: Path) -> None:
    """The suite imports the registry, not the server: a client's machine needs no store."""
    with served(create_app(frozen_config())) as url:
        done = subprocess.run(
            [sys.executable, "-c", CONFORMANCE_WITHOUT_SERVER, url,
             str(tmp_path / "coverage.md")],
            capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "result: PASS" in done.stdout
    assert "shsyncx    sync_item" in done.stdout  # the service was really exercised


# --- transition tables that decide ------------------------------------------------------

def _hold(conn: Connection, status: HoldStatus) -> Any:
    conn.execute(insert(holds).values(
        marketplace_id=1, order_id="T-1", listing_id="L", broker="B", section="1", seats=[],
        hold_length=5, status=status, created_at=START, expires_at=START))
    return (holds.c.marketplace_id == 1) & (holds.c.order_id == "T-1")


def test_the_table_refuses_what_it_does_not_allow() -> None:
    simulator = Simulator(frozen_config())
    simulator.load_fixtures(None)
    with simulator.store.transaction() as conn:
        key = _hold(conn, HoldStatus.INVOICED)
        with pytest.raises(TransitionRefused, match="INVOICED; it cannot become RELEASED"):
            HOLD.move(conn, key, HoldStatus.RELEASED)
        assert conn.execute(select(holds.c.status).where(key)).scalar() == "INVOICED"
        assert HOLD.move(conn, holds.c.order_id == "nobody", HoldStatus.RELEASED) == 0
    assert isinstance(TransitionRefused(), Conflict)
    assert not JOB_LIFECYCLE.allows(JobStatus.FAILED, JobStatus.SUCCEEDED)
    simulator.close()


def test_of_two_racing_movers_exactly_one_wins(tmp_path: Path) -> None:
    simulator = Simulator(frozen_config(db=str(tmp_path / "race.sqlite3")))
    with simulator.store.transaction() as conn:
        _hold(conn, HoldStatus.HELD)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def mover(target: HoldStatus) -> None:
        start.wait()
        try:
            with simulator.store.transaction() as conn:
                HOLD.move(conn, holds.c.order_id == "T-1", target)
            outcomes.append(str(target))
        except TransitionRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=mover, args=(t,))
               for t in (HoldStatus.RELEASED, HoldStatus.INVOICED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("refused") == 1
    simulator.close()


# --- the scheduler and timers -----------------------------------------------------------

def test_rearming_at_the_same_instant_does_not_grow_the_queue() -> None:
    scheduler = Scheduler()
    for _ in range(10_000):
        scheduler.schedule(START, "t", lambda: None)
    assert scheduler.size() == 1
    for n in range(10_000):
        scheduler.schedule(START + timedelta(seconds=n), "t", lambda: None)
    assert len(scheduler) == 1
    assert scheduler.size() < 100  # cancelled entries are compacted


def test_a_failing_timer_is_logged_and_time_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    clock = SimClock(ClockMode.FROZEN, start=START)
    fired: list[str] = []
    simulator = Simulator(frozen_config())
    simulator.clock = clock

    def broken(_conn: Connection, _now: datetime) -> None:
        raise RuntimeError("boom")

    from simulator.core.timers import Timer

    timer = Timer("broken", lambda _conn: START + timedelta(seconds=1), broken)
    clock.schedule(START + timedelta(seconds=1), "broken", simulator._firer(timer))
    clock.schedule(START + timedelta(seconds=2), "after", lambda: fired.append("after"))
    clock.advance(timedelta(seconds=5))
    assert fired == ["after"]
    assert "timer broken failed" in caplog.text
    simulator.close()


def test_the_realtime_ticker_survives_a_tick_that_raises(caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    """The served app's ticker logs a failing tick and goes on firing what falls due."""
    simulator = Simulator(frozen_config(tick_seconds=0.001))
    real_tick, ticks = simulator.tick, [0]

    def failing_first() -> None:
        ticks[0] += 1
        if ticks[0] == 1:
            raise RuntimeError("store hiccup")
        real_tick()

    simulator.tick = failing_first  # type: ignore[method-assign]
    fired = threading.Event()
    simulator.clock.schedule(simulator.clock.now(), "after", fired.set)
    with TestClient(create_app(simulator.config, simulator)):  # runs the lifespan's ticker
        assert fired.wait(30), "the ticker stopped after a failing tick"
    assert "clock tick failed" in caplog.text
    simulator.close()


def test_a_write_to_unwatched_tables_reads_no_timer() -> None:
    simulator = Simulator(frozen_config())
    simulator.load_fixtures(None)
    reads: list[str] = []
    from simulator.core.timers import Timer

    simulator.timers = (Timer("watch-holds", lambda _c: reads.append("holds") or None,
                              lambda _c, _n: None, tables=frozenset({"holds"})),)
    simulator.run(lambda conn, now: conn.execute(
        insert(metadata.tables["meta"]).values(key="x", value={})))
    assert reads == []
    simulator.run(lambda conn, now: _hold(conn, HoldStatus.HELD))
    assert reads == ["holds"]
    simulator.close()


def test_the_clock_is_persisted_and_restored_through_simclock() -> None:
    wall = [START]
    clock = SimClock(ClockMode.REALTIME, start=START + timedelta(hours=1), wall=lambda: wall[0])
    state = clock.state()
    wall[0] = START + timedelta(minutes=10)
    again = SimClock.restore(state, wall=lambda: wall[0])
    assert again.now() == START + timedelta(hours=1, minutes=10)
    frozen = SimClock(ClockMode.FROZEN, start=START)
    assert SimClock.restore(frozen.state()).now() == START


# --- ids and write clashes --------------------------------------------------------------

def test_the_same_seed_and_requests_give_the_same_ids() -> None:
    def job_ids() -> list[str]:
        simulator = Simulator(frozen_config())
        simulator.load_fixtures(None)  # fresh state, even on a shared database
        found = [simulator.run(create_job, JobKind.SPLITTER, {"url": "u"}).job_id
                 for _ in range(3)]
        simulator.close()
        return found

    first, second = job_ids(), job_ids()
    assert first == second and len(set(first)) == 3


def test_a_write_clash_is_retried_then_refused_with_409() -> None:
    simulator = Simulator(frozen_config())
    calls: list[int] = []

    def clashing_once(_conn: Connection, _now: datetime) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return "done"

    assert simulator.run(clashing_once) == "done"

    def always(_conn: Connection, _now: datetime) -> None:
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    with pytest.raises(Conflict, match="concurrent request"):
        simulator.run(always)
    simulator.close()


def test_unseeded_mints_and_their_files_repeat_across_fresh_states() -> None:
    def mint() -> tuple[str, list[Any]]:
        app = create_app(frozen_config())
        with TestClient(app) as client:
            client.post("/_sim/reset")
            body = client.post("/_sim/pdfs", json={"count": 1}).json()
        app.simulator.close()
        return body["file_id"], body["tickets"]

    assert mint() == mint()
