"""The registry: every service of the simulator, in load order.

Adding a service is one folder ``simulator/services/<name>/`` (declaring
``SERVICE``, see :class:`~simulator.core.service.ServiceDef`), one spec in
``openapi/``, one module in ``conformance/services/`` and one line here.
Order matters for fixtures: a service may refer to what earlier ones load.
"""

from __future__ import annotations

from simulator.core.service import ServiceDef
from simulator.services import (
    callbacks,
    control,
    files,
    inventory,
    pdfs,
    platform,
    sales,
    ticket_transfers,
)

SERVICES: tuple[ServiceDef, ...] = (
    platform.SERVICE,
    control.SERVICE,
    files.SERVICE,
    sales.SERVICE,
    pdfs.SERVICE,
    inventory.SERVICE,
    ticket_transfers.SERVICE,
    callbacks.SERVICE,
)


def by_name(name: str) -> ServiceDef:
    """The registered service called ``name``."""
    for service in SERVICES:
        if service.name == name:
            return service
    raise KeyError(name)
