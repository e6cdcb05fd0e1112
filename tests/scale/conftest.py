"""Two :class:`Simulator` objects over one store, standing for two worker processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.runtime import Simulator
from simulator.services import SERVICES
from tests.scale.tally import SERVICE as TALLY

TEST_DB = os.environ.get("TICKETSIM_TEST_DB", ":memory:")


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Simulator, ...]]:
    if request.param == "postgresql":
        if not TEST_DB.startswith("postgresql"):
            pytest.skip("PostgreSQL runs under make test-postgres")
        db = TEST_DB
    else:
        db = str(tmp_path / "shared.sqlite3")
    config = SimConfig(db=db, clock=ClockMode.FROZEN, shared=True)
    first = Simulator(config, (*SERVICES, TALLY))
    first.load_fixtures(None)
    second = Simulator(config, (*SERVICES, TALLY))
    yield first, second
    second.close()
    first.close()
