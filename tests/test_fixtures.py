"""Fixture documents: deterministic, complete, fast, and the committed default is current."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from simulator import fixturegen
from simulator.cli import main
from simulator.services.platform.marketplaces import DOCUMENTED_MARKETPLACES


def test_same_seed_same_document() -> None:
    assert fixturegen.generate(seed=5, listings=50) == fixturegen.generate(seed=5, listings=50)
    assert fixturegen.generate(seed=5, listings=50) != fixturegen.generate(seed=6, listings=50)


def test_default_document_is_the_committed_file() -> None:
    committed = json.loads(fixturegen.default_path().read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(fixturegen.generate()))


def test_documented_marketplaces_and_keys() -> None:
    document = fixturegen.generate(listings=20)
    assert {(m["name"], m["id"]) for m in document["marketplaces"]} == set(
        DOCUMENTED_MARKETPLACES)
    roles = {k["key"]: k["role"] for k in document["api_keys"]}
    assert roles[fixturegen.DEFAULT_BROKER_KEY] == "broker"
    assert roles[fixturegen.DEFAULT_MARKETPLACE_KEY] == "marketplace"
    ids = [listing["listing_id"] for listing in document["listings"]]
    assert len(ids) == len(set(ids))


def test_cli_writes_large_sets(tmp_path: Path) -> None:
    out = tmp_path / "big.json"
    result = CliRunner().invoke(main, ["fixtures", "--seed", "3", "--listings", "20000",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["listings"]) == 20000


@pytest.mark.parametrize("document", [
    pytest.param(lambda: fixturegen.load_default(), id="default"),
    pytest.param(lambda: fixturegen.generate(11, listings=300), id="seed-11"),
])
def test_fixtures_are_realistic(document: Any) -> None:
    """A home team plays at its own park; an order's in-hand date falls between the
    order and the event."""
    from simulator.services.platform.fixtures import TEAMS

    found = document()
    games = [e for e in found["events"] if " at " in e["name"]]
    for event in games:
        home = event["name"].split(" at ", 1)[1]
        if home in TEAMS:
            assert (event["venue_name"], event["venue_city"]) == TEAMS[home], event
    assert sum(e["name"].split(" at ", 1)[1] in TEAMS for e in games) >= 3
    assert found["orders"]
    for order in found["orders"]:
        ordered = datetime.fromisoformat(order["order_date"]).date()
        played = datetime.fromisoformat(order["event_date"]).date()
        in_hand = date.fromisoformat(order["in_hand_date"])
        assert ordered <= in_hand <= played, order
