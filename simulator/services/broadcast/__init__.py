"""Broadcast inventory: where each POS listing is live, on which marketplace, at what price.

The model mpdeleter, shsyncx and the sales service obey (see :mod:`.domain`),
with its control-plane view ``/_sim/listings`` (``openapi/control-listings.yaml``).
"""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="broadcast", package=__name__, api=None,
    summary="listings live on marketplaces; control view /_sim/listings",
    mounts=(Mount("control-listings.yaml", "/_sim/listings", api="control_api"),),
    tables="tables", fixtures="fixtures", product=False,
)
