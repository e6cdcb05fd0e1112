"""Shared fixtures: a fresh in-memory simulator on a frozen clock, and HTTP clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.config import SimConfig
from simulator.core.clock import ClockMode, SimClock
from simulator.core.http.steering import steering_of
from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY
from simulator.runtime import Simulator

#: The database of the tests' simulators: in-memory SQLite, or the PostgreSQL of
#: ``make test-postgres`` (scripts/with-postgres sets TICKETSIM_TEST_DB).
TEST_DB = os.environ.get("TICKETSIM_TEST_DB", ":memory:")

MARKETPLACE_HEADERS = {"x-api-key": DEFAULT_MARKETPLACE_KEY}
BROKER_HEADERS = {"x-api-key": DEFAULT_BROKER_KEY}


def frozen_config(**overrides: object) -> SimConfig:
    """In-memory state, frozen clock, responses validated against the specs."""
    config = SimConfig(db=TEST_DB, clock=ClockMode.FROZEN, validate_responses=True)
    for name, value in overrides.items():
        setattr(config, name, value)
    return config


def fresh(simulator: Simulator) -> Simulator:
    """Put ``simulator`` in the state a new in-memory one starts in: a new frozen
    clock, the default fixtures, no fault rules, an empty journal.

    A new app on the PostgreSQL of ``make test-postgres`` joins the rows and the
    saved clock earlier tests left in that database (as a replica joins its
    peers), so a test that builds its own app starts from here.
    """
    simulator.clock = SimClock(ClockMode.FROZEN)
    steering_of(simulator).reset()
    simulator.load_fixtures(None)
    simulator.save_clock()
    return simulator


def fresh_app(**overrides: object) -> Any:
    """``create_app(frozen_config(**overrides))`` on fresh state (see :func:`fresh`)."""
    app = create_app(frozen_config(**overrides))
    fresh(app.simulator)
    return app


@pytest.fixture(scope="module")
def _module_app() -> Iterator[Any]:
    """One app per test module: building one (every spec mounted) is the slow part."""
    app = create_app(frozen_config())
    yield app
    app.simulator.close()


@pytest.fixture
def app(_module_app):  # type: ignore[no-untyped-def]
    """The module's app as ``POST /_sim/reset`` leaves it, on a fresh frozen clock."""
    fresh(_module_app.simulator)
    return _module_app


@pytest.fixture
def simulator(app) -> Simulator:  # type: ignore[no-untyped-def]
    sim: Simulator = app.simulator
    return sim


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def advance(client: TestClient):  # type: ignore[no-untyped-def]
    """Move the simulated clock forward through the control API."""

    def _advance(delta: timedelta) -> None:
        response = client.post("/_sim/clock/advance", json={"seconds": delta.total_seconds()})
        assert response.status_code == 200, response.text

    return _advance
