"""The registry: every service of the simulator, in load order.

Adding a service is one folder ``simulator/services/<name>/`` (declaring
``SERVICE``, see :class:`~simulator.core.service.ServiceDef`), one spec in
``openapi/``, one module in ``conformance/services/`` and one line here.
Order matters for fixtures: a service may refer to what earlier ones load.
"""

from __future__ import annotations

import importlib

from simulator.core.service import ServiceDef


def _registered(*names: str) -> tuple[ServiceDef, ...]:
    """The ``SERVICE`` of each named package of :mod:`simulator.services`, in order."""
    return tuple(importlib.import_module(f"{__name__}.{name}").SERVICE for name in names)


SERVICES: tuple[ServiceDef, ...] = _registered(
    "platform",
    "control",
    "files",
    "sales",
    "pdfs",
    "inventory",
    "ticket_transfers",
    "broadcast",
    "mpdeleter",
    "shsyncx",
    "marketplaceapis",
    "callbacks",
)


def by_name(name: str) -> ServiceDef:
    """The registered service called ``name``."""
    for service in SERVICES:
        if service.name == name:
            return service
    raise KeyError(name)
