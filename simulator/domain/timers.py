"""Declared timers: how a domain module asks to be woken at a simulated instant.

A domain module lists :class:`Timer` objects. After every write and after
every firing, the runtime asks each timer for its next due instant (from the
store, so nothing is lost across a restart) and arms one scheduler event for
it on the :class:`~simulator.clock.SimClock`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class Timer:
    name: str
    next_due: Callable[[Connection], datetime | None]
    fire: Callable[[Connection, datetime], Any]
