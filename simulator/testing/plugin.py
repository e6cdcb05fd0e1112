"""The pytest plugin (entry point ``pytest11``): a ``ticketsim`` fixture for every test.

The fixture serves a simulator on a free loopback port (in-memory state,
frozen clock, default fixtures) and hands the test a
:class:`~simulator.testing.client.Ticketsim`. Each test starts from fresh
state: the server is reset (fixtures reloaded, fault rules and journal
cleared, clock mode restored) before the test, whatever the server's scope.

Settings (command line, or the ini key in ``pytest.ini``/``pyproject.toml``):

- ``--ticketsim-scope`` / ``ticketsim_scope``: ``session`` (default: one server
  for the run; the simulated clock carries on from test to test) or
  ``function`` (a server per test);
- ``--ticketsim-fixtures`` / ``ticketsim_fixtures``: a fixtures document (JSON);
- ``--ticketsim-seed`` / ``ticketsim_seed``: generate the fixtures from this seed;
- ``--ticketsim-clock`` / ``ticketsim_clock``: ``frozen`` (default) or ``realtime``.

Per test: ``@pytest.mark.ticketsim(fixtures="data.json", seed=7, clock="realtime")``
(a relative ``fixtures`` path is read beside the test file). When a test that
used the fixture fails, its report gets a section with the tail of the
request journal. A wrapper the server lacks (``ticketsim.faults`` before the
control plane has fault rules) skips the test, saying so.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.testing.client import FeatureUnavailable, Ticketsim

SETTINGS = {
    "scope": "session (one server for the run, reset before each test) or function",
    "fixtures": "fixtures document (JSON) the simulator loads",
    "seed": "generate the fixtures from this seed (default: the built-in set, seed 1)",
    "clock": "frozen (default) or realtime",
}
SCOPES = ("session", "function")
CLOCKS = ("frozen", "realtime")
TAIL = 20


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ticketsim", "ticketsim simulator")
    for name, text in SETTINGS.items():
        group.addoption(f"--ticketsim-{name}", dest=f"ticketsim_{name}", default=None,
                        help=text)
        parser.addini(f"ticketsim_{name}", text, default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "ticketsim(fixtures=None, seed=None, clock=None): fixtures document, "
        "fixtures seed or clock mode (frozen/realtime) of this test's simulator")


def _setting(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(f"ticketsim_{name}") or config.getini(f"ticketsim_{name}")
    return str(value) if value else None


def _choice(config: pytest.Config, name: str, allowed: tuple[str, ...]) -> str:
    value = _setting(config, name) or allowed[0]
    if value not in allowed:
        raise pytest.UsageError(f"ticketsim {name} must be one of {', '.join(allowed)}, "
                                f"got {value!r}")
    return value


def _scope(fixture_name: str, config: pytest.Config) -> Any:
    return _choice(config, "scope", SCOPES)


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a test asks of its simulator: a fixtures document or seed, and a clock mode."""

    fixtures: Path | None
    seed: int | None
    clock: str

    def document(self) -> dict[str, Any] | None:
        """The fixtures document to load, or None for the server's configured one."""
        from simulator import fixturegen

        if self.fixtures is not None:
            return fixturegen.read(self.fixtures)
        if self.seed is not None:
            return fixturegen.generate(self.seed)
        return None


def _session_wanted(config: pytest.Config) -> Wanted:
    fixtures = _setting(config, "fixtures")
    seed = _setting(config, "seed")
    return Wanted(config.invocation_params.dir / fixtures if fixtures else None,
                  int(seed) if seed else None, _choice(config, "clock", CLOCKS))


def _test_wanted(request: pytest.FixtureRequest, default: Wanted) -> Wanted | None:
    marker = request.node.get_closest_marker("ticketsim")
    if marker is None:
        return None
    fixtures = marker.kwargs.get("fixtures")
    clock = marker.kwargs.get("clock", default.clock)
    if clock not in CLOCKS:
        raise pytest.UsageError(f"ticketsim marker: clock must be one of {CLOCKS}")
    return Wanted(request.path.parent / fixtures if fixtures else None,
                  marker.kwargs.get("seed"), clock)


@pytest.fixture(scope=_scope)
def ticketsim_server(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The served simulator (a :class:`~simulator.testing.server.LiveServer`)."""
    from simulator import fixturegen
    from simulator.config import SimConfig
    from simulator.core.clock import ClockMode
    from simulator.testing.server import LiveServer

    wanted = _session_wanted(request.config)
    fixtures = wanted.fixtures
    if fixtures is None and wanted.seed is not None:
        fixtures = tmp_path_factory.mktemp("ticketsim") / f"fixtures-seed{wanted.seed}.json"
        fixturegen.write(fixturegen.generate(wanted.seed), fixtures)
    server = LiveServer(SimConfig(db=":memory:", clock=ClockMode(wanted.clock),
                                  fixtures=fixtures))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ticketsim(request: pytest.FixtureRequest, ticketsim_server: Any) -> Ticketsim:
    """A simulator on a loopback port, with fresh state (see the module docstring)."""
    if ticketsim_server.stale:
        ticketsim_server.restart()
    handle: Ticketsim = ticketsim_server.handle()
    default = _session_wanted(request.config)
    wanted = _test_wanted(request, default) or default
    document = wanted.document() if wanted is not default else None
    if document is not None:
        handle.load_fixtures(document)
    elif not ticketsim_server.fresh:
        handle.reset()
    ticketsim_server.fresh = False
    if wanted.clock == "frozen":
        handle.clock.freeze()
    else:
        handle.clock.resume()
    handle.begin_test()
    return handle


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """A wrapper of a feature the server lacks skips the test instead of failing it."""
    try:
        return (yield)
    except FeatureUnavailable as exc:
        pytest.skip(str(exc))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test that used the simulator shows the tail of its request journal."""
    report = yield
    handle = getattr(item, "funcargs", {}).get("ticketsim")
    if report.when == "call" and report.failed and isinstance(handle, Ticketsim):
        try:
            tail = handle.journal_tail(TAIL)
        except Exception as exc:  # the report must not hide the test's own failure
            tail = f"(journal unavailable: {exc})"
        report.sections.append((f"ticketsim request journal (last {TAIL}, oldest first)",
                                tail))
    return report
