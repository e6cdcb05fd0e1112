"""ticketsim for test suites: a live simulator on a loopback port, and its control client.

``pip install ticketsim`` registers the pytest plugin (:mod:`simulator.testing.plugin`,
entry point ``pytest11``), which gives every test a ``ticketsim`` fixture. The
pieces work without pytest too::

    from simulator.testing import LiveServer

    with LiveServer() as server:
        sim = server.handle()
        sim.clock.advance(minutes=20)
"""

from simulator.testing.client import (
    Clock,
    ControlError,
    Deliveries,
    Faults,
    FeatureUnavailable,
    Journal,
    Keys,
    Ticketsim,
)
from simulator.testing.server import LiveServer

__all__ = [
    "Clock",
    "ControlError",
    "Deliveries",
    "Faults",
    "FeatureUnavailable",
    "Journal",
    "Keys",
    "LiveServer",
    "Ticketsim",
]
