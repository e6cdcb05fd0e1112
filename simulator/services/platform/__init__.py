"""The platform: who exists (marketplaces, brokers, API keys, events). No spec of its own.

Every other service reads these entities; the platform owns their tables and
their fixture sections, and the key lookups of :mod:`.auth`.
"""

from simulator.core.service import ServiceDef

SERVICE = ServiceDef(
    name="platform", package=__name__, api=None,
    summary="marketplaces, brokers, API keys and events every service reads",
    tables="tables", fixtures="fixtures", product=False,
)
