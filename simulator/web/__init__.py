"""The live state page served at ``/`` (see :mod:`simulator.web.page`)."""

from simulator.web.page import StatePage

__all__ = ["StatePage"]
