"""``ticketsim --version``, environment variables for ``serve``, progress output."""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from simulator.cli import main, serve
from simulator.core import resources
from simulator.progress import board


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("ticketsim, version 0.")


def test_every_serve_option_has_its_environment_variable() -> None:
    options = [p for p in serve.params if isinstance(p, click.Option)]
    assert options
    for option in options:
        long_name = max(option.opts, key=len).lstrip("-").replace("-", "_").upper()
        assert option.envvar == f"TICKETSIM_{long_name}"


def test_serve_reads_its_options_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETSIM_PORT", "9123")
    monkeypatch.setenv("TICKETSIM_CLOCK", "frozen")
    monkeypatch.setenv("TICKETSIM_LOG_FORMAT", "json")
    monkeypatch.setenv("TICKETSIM_VALIDATE_RESPONSES", "1")
    params = serve.make_context("serve", []).params
    assert params["port"] == 9123 and params["clock"] == "frozen"
    assert params["log_format"] == "json" and params["validate_responses"] is True


def test_fixtures_reports_plain_progress_when_not_on_a_terminal(tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    result = CliRunner().invoke(main, ["fixtures", "--listings", "30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "listings: 30/30 (100%)" in result.output
    assert "\x1b[" not in result.output  # no terminal control codes in a log
    assert out.is_file()


def test_plain_progress_prints_a_line_per_tenth() -> None:
    out = io.StringIO()
    with board(terminal=False, out=out) as bars:
        bars.add("work", 200)
        for done in range(1, 201):
            bars.update("work", done)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1] == "work: 200/200 (100%)"


def test_rich_progress_draws_bars_on_a_terminal() -> None:
    out = io.StringIO()
    with board(terminal=True, out=out) as bars:
        callback = bars.callback("tickets")
        callback(5, 10)
        callback(10, 10)
    assert "tickets" in out.getvalue() and "10/10" in out.getvalue()


def test_specs_and_fixtures_come_from_the_wheel_outside_a_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resources.data_file("openapi", "sales.yaml").parent.parent == resources.SOURCE_ROOT
    monkeypatch.setattr(resources, "SOURCE_ROOT", tmp_path)  # no openapi/ there
    monkeypatch.setattr(resources, "PACKAGED", tmp_path / "_data")
    assert resources.data_file("openapi", "sales.yaml") == tmp_path / "_data/openapi/sales.yaml"


def test_conformance_draws_one_progress_task_per_service() -> None:
    """``ticketsim conformance``'s pytest plugin groups test items by service."""
    from types import SimpleNamespace

    from conformance.cli import ServiceProgress

    nodeids = ["conformance/test_stateless.py::test_operation[sales][POST /{m}]",
               "conformance/test_stateless.py::test_operation[sales][GET /{m}/order]",
               "conformance/test_stateless.py::test_operation[pdfs][POST /decoder/]",
               "conformance/test_specs.py::test_spec_is_valid"]
    out = io.StringIO()
    with board(terminal=False, out=out) as bars:
        plugin = ServiceProgress(bars)
        plugin.pytest_collection_finish(SimpleNamespace(
            items=[SimpleNamespace(nodeid=n) for n in nodeids]))
        for nodeid in nodeids:
            for when in ("setup", "call", "teardown"):
                plugin.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, when=when))
    assert out.getvalue().splitlines() == ["sales: 1/2 (50%)", "sales: 2/2 (100%)",
                                           "pdfs: 1/1 (100%)", "suite: 1/1 (100%)"]
