"""The steering layer's operation lookup: remembered answers equal scanned ones, and
the memory of them stays bounded whatever paths arrive."""

from __future__ import annotations

import re

import pytest

from simulator.core.http import operations
from simulator.core.http.operations import OperationIndex
from simulator.services import SERVICES


def _concrete(template: str, value: str) -> str:
    return re.sub(r"\{[^/]+\}", value, template)


def test_remembered_answers_are_the_scanned_ones() -> None:
    index = OperationIndex.of_services(SERVICES)
    fresh = OperationIndex.of_services(SERVICES)
    for route in index.routes():
        for value in ("x1", "x2"):
            path = _concrete(route.template, value)
            first = index.find(route.method, path)
            assert first is not None
            assert index.find(route.method, path) is first
            assert fresh._scan(route.method, path) == first
    assert index.find("GET", "/no/such/service") is None
    assert index.find("GET", "/no/such/service") is None


def test_the_memory_of_paths_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operations, "FOUND_PATHS", 50)
    index = OperationIndex.of_services(SERVICES)
    hold = next(r for r in index.routes() if r.operation_id == "create_hold")
    for n in range(500):
        assert index.find("POST", _concrete(hold.template, f"market{n}")) == hold
        assert index.find("GET", f"/unknown/{n}") is None
    assert len(index._found) <= 50
    assert index.find("POST", _concrete(hold.template, "market0")) == hold
