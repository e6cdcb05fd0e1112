"""Test steering for every service: fault rules, the request journal, ``Prefer``.

:func:`add_steering` installs the middleware on the app, outermost first:

    ControlToken   /_sim calls need the control token, when one is configured
    Journaling     notes every product request and its answer (journal.py)
    Faults         applies fault rules (faults.py)
    Parked         a waiting long-poll waits here, the layers below it gone (parking.py)
    PreferHeader   answers ``Prefer: code=/example=/dynamic=`` from the spec (prefer.py)

They read every registered spec (through :class:`OperationIndex`), so a
service added to the registry gets all of it without a line of its own.
The state they share lives in one :class:`Steering` per simulator
(:func:`steering_of`), which the control plane's handlers reach as well.
"""

from __future__ import annotations

import random
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connexion.middleware import MiddlewarePosition
from starlette.types import Scope

from simulator.core.http.faultbook import FaultBook
from simulator.core.http.journal import Journal
from simulator.core.http.matching import Facts
from simulator.core.http.operations import OperationIndex, Route

if TYPE_CHECKING:
    from simulator.runtime import Simulator

__all__ = ["NOTE_KEY", "RequestNote", "Steering", "add_steering", "note_of", "steering_of"]

NOTE_KEY = "ticketsim.note"
PREFER_SEED = 1


@dataclass(slots=True)
class RequestNote:
    """What the steering middleware learnt of one request, passed inwards in its scope."""

    route: Route | None
    facts: Facts
    fault: str | None = None
    prefer: str | None = None


def note_of(scope: Scope) -> RequestNote | None:
    """The note the journal middleware attached to this request (None for ``/_sim``)."""
    found = scope.get(NOTE_KEY)
    return found if isinstance(found, RequestNote) else None


class Steering:
    """Fault rules, journal and ``Prefer`` generator of one simulator."""

    def __init__(self, simulator: Simulator) -> None:
        config = simulator.config
        self._simulator = weakref.ref(simulator)
        self.index = OperationIndex.of_services(simulator.services)
        self.faults = FaultBook(lambda: self.simulator)
        self.journal = Journal(config.journal_size, config.journal_body_bytes)
        self._prefer_rng = random.Random(PREFER_SEED)
        self._lock = threading.Lock()

    @property
    def simulator(self) -> Simulator:
        found = self._simulator()
        if found is None:
            raise RuntimeError("the simulator of this steering state is gone")
        return found

    def prefer_rng(self) -> random.Random:
        """A generator for one ``Prefer: dynamic=true`` body (the sequence is seeded)."""
        with self._lock:
            return random.Random(self._prefer_rng.getrandbits(64))

    def reset(self) -> None:
        """Forget every fault rule and journal entry; restart the ``Prefer`` sequence."""
        self.faults.clear()
        self.journal.clear()
        with self._lock:
            self._prefer_rng = random.Random(PREFER_SEED)


_STATES: weakref.WeakKeyDictionary[Any, Steering] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def steering_of(simulator: Simulator) -> Steering:
    """The steering state of ``simulator`` (created on first use)."""
    with _STATES_LOCK:
        found = _STATES.get(simulator)
        if found is None:
            found = _STATES[simulator] = Steering(simulator)
        return found


def add_steering(app: Any, simulator: Simulator) -> Steering:
    """Install the steering middleware (module docstring) on a Connexion app.

    Call it before the other ``BEFORE_EXCEPTION`` middleware, so that the
    journal sees every answer, theirs included.
    """
    from simulator.core.http.control_token import ControlToken
    from simulator.core.http.faults import Faults
    from simulator.core.http.journal import Journaling
    from simulator.core.http.parking import Parked
    from simulator.core.http.prefer import PreferHeader

    steering = steering_of(simulator)
    outside = MiddlewarePosition.BEFORE_EXCEPTION
    app.add_middleware(ControlToken, position=outside, token=simulator.config.control_token)
    app.add_middleware(Journaling, position=outside, steering=steering)
    app.add_middleware(Faults, position=outside, steering=steering)
    # A waiting long-poll is parked here: the layers inside it keep nothing while it waits.
    app.add_middleware(Parked, position=outside)
    app.add_middleware(PreferHeader, position=outside, steering=steering)
    return steering
