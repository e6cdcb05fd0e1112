"""The one run of the suite: its target, settings, known data and observations.

``conftest.py`` builds it from the command line in ``pytest_configure``
(before test modules are imported, since Schemathesis parametrizes tests at
import time); test modules read it with :func:`current`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.contract import Contract
from conformance.coverage import Observations
from conformance.data import KnownData, simulator_defaults
from conformance.specs import ServiceSpec, served
from conformance.target import Switchboard, Target, simulator_app

__all__ = ["DEFAULT_MAX_EXAMPLES", "DEFAULT_SEED", "Session", "Settings", "current", "install"]

DEFAULT_SEED = 1
DEFAULT_MAX_EXAMPLES = 25


@dataclass(frozen=True, slots=True)
class Settings:
    """How hard to fuzz, and what to fuzz."""

    seed: int = DEFAULT_SEED
    max_examples: int = DEFAULT_MAX_EXAMPLES
    services: tuple[str, ...] | None = None  # None: every served spec
    fault: str | None = None  # self-test only: inject one contract bug in-process
    #: A read-only run without data may end INCONCLUSIVE without failing (exit 0).
    allow_inconclusive: bool = False
    #: Shrink failing examples to minimal ones (the self-test only needs detection).
    shrink: bool = True
    #: Schemathesis' coverage phase (boundary and negative values of every parameter);
    #: the self-test's nested runs leave it out to stay quick.
    coverage_phase: bool = True

    @property
    def stateful_examples(self) -> int:
        """Scenarios per state machine: fewer than single calls, each is up to ten calls.

        Measured here: 10 scenarios already followed every sales and pdfs link
        to a 2xx; half the stateless budget (12 at the default) keeps a margin
        at about 60 % of the time of 25.
        """
        return max(10, self.max_examples // 2)


@dataclass
class Session:
    target: Target
    settings: Settings
    data: KnownData
    #: Known data came from --data (or the simulator's fixtures), not left empty.
    data_given: bool = True
    observations: Observations = field(init=False)
    contract: Contract = field(init=False)

    def __post_init__(self) -> None:
        self.observations = Observations(served())
        self.contract = Contract(served())
        # Every response of a scenario client is counted, then judged by the contract.
        self.target.on_response.extend([self.observations.record_response, self.contract.check])

    @property
    def services(self) -> tuple[ServiceSpec, ...]:
        """Served specs selected for this run (the control plane only for simulators)."""
        wanted = self.settings.services
        return tuple(s for s in served() if wanted is None or s.name in wanted)

    @property
    def reachable(self) -> tuple[ServiceSpec, ...]:
        """Selected specs the target serves: a deployment has no control plane or file store."""
        return tuple(s for s in self.services if self.target.simulator or s.product)

    @property
    def read_only_without_data(self) -> bool:
        """Nothing here can be expected to succeed: no writes, and no known data to read."""
        return not self.target.may_write and not self.data_given

    def selected(self, name: str) -> bool:
        return self.settings.services is None or name in self.settings.services


def in_process(settings: Settings) -> Session:
    """The default session: a fresh simulator per test, in this process."""
    from simulator.services.platform.keys import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY
    from simulator.services.ticket_transfers.keys import DEFAULT_SELLER_KEY

    fault = settings.fault
    target = Target(api_key=DEFAULT_MARKETPLACE_KEY, broker_key=DEFAULT_BROKER_KEY,
                    switchboard=Switchboard(lambda: simulator_app(fault)),
                    seller_key=DEFAULT_SELLER_KEY)
    return Session(target, settings, simulator_defaults())


_current: Session | None = None


def install(session: Session) -> None:
    global _current
    _current = session


def current() -> Session:
    """The session of this run (an in-process one if none was configured)."""
    global _current
    if _current is None:
        _current = in_process(Settings())
    return _current
