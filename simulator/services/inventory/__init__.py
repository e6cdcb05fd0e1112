"""Primary transfers (``/inventory1ticket/public/v1``): tickets, map, transfer, recall, crawl.

Moves tickets out of a broker's primary accounts (Ticketmaster, Tickets.com,
Ticketmaster Account Manager, MLB Ballpark App, Seatgeek, AXS) to buyers;
transfers, their requests, recalls and crawls run on the SimClock. Test
authors change what a primary account holds through the control-plane mount
``/_sim/primary-accounts`` (only a crawl makes that visible).
"""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="inventory", package=__name__,
    summary="primary transfers: tickets, map, transfer, transfers, recall, crawl refresh",
    mounts=(Mount("inventory.yaml", "/inventory1ticket/public/v1"),
            Mount("control-inventory.yaml", "/_sim/primary-accounts", api="control_api")),
    tables="tables", timers="steps:TIMERS", fixtures="fixtures",
    settings="settings:InventorySettings",
)
