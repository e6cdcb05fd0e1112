"""What the suite runs against: the simulator in-process, or any deployment by URL.

In-process, every test gets a fresh simulator (in-memory state, frozen
clock, responses validated) behind one stable ASGI object, the
:class:`Switchboard`, which Schemathesis and the HTTP clients both hold. The
self-test swaps a faulty simulator in the same way.

By URL, the run is told what the target is (``--target simulator|deployment``)
or detects it from one probe of the control plane (``GET /_sim/clock``): the
simulator's clock means a simulator (reset before each test), a clean 404 or
a refused connection means a real deployment (operations that change state
run only with ``allow_writes``). Any other answer is reported as a problem
that fails the run, never taken as "no control plane".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "IN_PROCESS", "Identification", "Probe", "ProbeVerdict", "Switchboard", "Target",
    "TargetMode", "identify", "probe_control_plane", "simulator_app",
]

IN_PROCESS_URL = "http://testserver"
RESET_PATH = "/_sim/reset"
CLOCK_PATH = "/_sim/clock"


def simulator_app(fault: str | None = None) -> ASGIApp:
    """A fresh in-process simulator (optionally with one injected contract bug)."""
    from simulator.app import create_app
    from simulator.config import SimConfig
    from simulator.core.clock import ClockMode

    app: ASGIApp = create_app(SimConfig(db=":memory:", clock=ClockMode.FROZEN,
                                        validate_responses=True))
    if fault is None:
        return app
    from conformance.faults import FaultInjector

    return FaultInjector(app, fault)


class Switchboard:
    """A stable ASGI app forwarding to a replaceable one, built lazily on first use."""

    def __init__(self, factory: Callable[[], ASGIApp]) -> None:
        self.factory = factory
        self._app: ASGIApp | None = None

    @property
    def app(self) -> ASGIApp:
        if self._app is None:
            self._app = self.factory()
        return self._app

    def renew(self) -> None:
        """Forget the current app; the next request gets a fresh one."""
        self._app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class TargetMode(StrEnum):
    """What the suite runs against (``--target``): said, or detected from the probe."""

    DETECT = "detect"
    SIMULATOR = "simulator"
    DEPLOYMENT = "deployment"


class ProbeVerdict(StrEnum):
    SIMULATOR = "simulator"  # /_sim/clock answered as the simulator's control plane does
    ABSENT = "absent"  # a clean 404, or the connection was refused: no control plane
    ANOMALOUS = "anomalous"  # anything else: reported, never taken as "no control plane"


@dataclass(frozen=True, slots=True)
class Probe:
    """The answer to ``GET /_sim/clock`` and what it says about the target."""

    verdict: ProbeVerdict
    detail: str


def probe_control_plane(base_url: str, timeout: float = 10.0,
                        transport: httpx.BaseTransport | None = None) -> Probe:
    """Ask ``GET /_sim/clock`` and classify the answer (see :class:`ProbeVerdict`)."""
    url = base_url.rstrip("/") + CLOCK_PATH
    try:
        with httpx.Client(timeout=timeout, transport=transport) as http:
            response = http.get(url)
    except httpx.ConnectError as exc:
        return Probe(ProbeVerdict.ABSENT, f"GET {CLOCK_PATH}: connection refused ({exc})")
    except httpx.HTTPError as exc:
        return Probe(ProbeVerdict.ANOMALOUS,
                     f"GET {CLOCK_PATH} failed: {type(exc).__name__}: {exc}")
    status = response.status_code
    content_type = response.headers.get("content-type", "(none)")
    if status == 404:
        return Probe(ProbeVerdict.ABSENT, f"GET {CLOCK_PATH} answered a clean 404")
    if status != 200:
        return Probe(ProbeVerdict.ANOMALOUS, f"GET {CLOCK_PATH} answered {status} "
                                             f"({content_type}): {response.text[:120]!r}")
    try:
        body = response.json()
    except ValueError:
        return Probe(ProbeVerdict.ANOMALOUS, f"GET {CLOCK_PATH} answered 200 with a body that "
                                             f"is not JSON ({content_type}): "
                                             f"{response.text[:120]!r}")
    if isinstance(body, dict) and {"now", "mode"} <= body.keys():
        return Probe(ProbeVerdict.SIMULATOR, f"GET {CLOCK_PATH} answered 200 with the "
                                             f"simulator's clock ({body['now']}, {body['mode']})")
    return Probe(ProbeVerdict.ANOMALOUS, f"GET {CLOCK_PATH} answered 200, but not with the "
                                         f"simulator's clock (needs 'now' and 'mode'): "
                                         f"{response.text[:120]!r}")


@dataclass(frozen=True, slots=True)
class Identification:
    """Which kind of target the run treats it as, and why (shown in summary and JUnit)."""

    mode: TargetMode  # SIMULATOR or DEPLOYMENT: what the run does
    requested: TargetMode  # what --target said (DETECT by default)
    reason: str
    #: Set when the target is not what the run needs it to be: the run fails with it.
    problem: str | None = None

    @property
    def label(self) -> str:
        """The run's name for the target: its mode, or "unidentified" when detection failed."""
        if self.problem is not None and self.requested is TargetMode.DETECT:
            return "unidentified"
        return self.mode.value

    @property
    def line(self) -> str:
        if self.label == "unidentified":
            return f"unidentified, so nothing is written to it ({self.reason})"
        how = "detected" if self.requested is TargetMode.DETECT else "--target"
        return f"{self.mode} ({how}: {self.reason})"


def identify(requested: TargetMode, probe: Probe) -> Identification:
    """Decide the run's mode from ``--target`` and the probe; never fall back silently.

    A requested simulator that does not answer as one is a problem, not a
    deployment. An anomalous probe in detect mode is a problem too; the run
    then treats the target as a deployment (no writes) so that nothing is sent
    to a target it could not identify.
    """
    if requested is TargetMode.SIMULATOR:
        problem = None if probe.verdict is ProbeVerdict.SIMULATOR else (
            f"--target simulator, but its control plane does not answer as the simulator's: "
            f"{probe.detail}")
        return Identification(TargetMode.SIMULATOR, requested, probe.detail, problem)
    if requested is TargetMode.DEPLOYMENT:
        return Identification(TargetMode.DEPLOYMENT, requested, probe.detail)
    if probe.verdict is ProbeVerdict.SIMULATOR:
        return Identification(TargetMode.SIMULATOR, requested, probe.detail)
    if probe.verdict is ProbeVerdict.ABSENT:
        return Identification(TargetMode.DEPLOYMENT, requested, probe.detail)
    return Identification(TargetMode.DEPLOYMENT, requested, probe.detail, (
        f"cannot tell what the target is: {probe.detail}. A deployment answers 404 there and "
        f"the simulator its clock; say --target simulator|deployment to decide"))


IN_PROCESS = Identification(TargetMode.SIMULATOR, TargetMode.SIMULATOR,
                            "the simulator, built in this process")


@dataclass(slots=True)
class Target:
    """The implementation under test and what the suite may do to it."""

    api_key: str
    broker_key: str | None
    base_url: str | None = None
    simulator: bool = True
    allow_writes: bool = False
    switchboard: Switchboard | None = None
    identification: Identification = IN_PROCESS
    on_response: list[Callable[[httpx.Response], None]] = field(default_factory=list)
    seller_key: str | None = None

    @property
    def in_process(self) -> bool:
        return self.switchboard is not None

    @property
    def url(self) -> str:
        return IN_PROCESS_URL if self.base_url is None else self.base_url.rstrip("/")

    @property
    def may_write(self) -> bool:
        """State-changing calls are allowed: a simulator, or a team that said so."""
        return self.simulator or self.allow_writes

    @property
    def description(self) -> str:
        if self.in_process:
            return "the simulator, in-process"
        writes = "" if self.may_write else ", read-only (no --allow-writes)"
        return f"{self.url}: {self.identification.line}{writes}"

    def client(self) -> httpx.Client:
        """An HTTP client for the target whose responses feed the coverage table."""
        hooks: dict[str, list[Callable[..., Any]]] = {"response": [self._observe]}
        if self.switchboard is not None:
            from starlette.testclient import TestClient

            client: httpx.Client = TestClient(self.switchboard, base_url=IN_PROCESS_URL,
                                              raise_server_exceptions=False)
            client.event_hooks = hooks
            return client
        return httpx.Client(base_url=self.url, timeout=30.0, event_hooks=hooks)

    def _observe(self, response: httpx.Response) -> None:
        for callback in self.on_response:
            callback(response)

    def fresh_state(self) -> None:
        """Start a test from known state: a new simulator, or a reset one."""
        if self.switchboard is not None:
            self.switchboard.renew()
        elif self.simulator and self.identification.problem is None:
            # A target that did not answer as the simulator is never sent a reset.
            response = httpx.post(self.url + RESET_PATH, timeout=30.0)
            response.raise_for_status()
