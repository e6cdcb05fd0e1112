"""vivenu-style customer ticket transfers (``/api/ticket-transfers``, ``/api/public/...``).

A customer hands tickets to a recipient, who accepts (new tickets are issued)
or rejects; an open transfer expires on the SimClock. Sellers read their
transfers with their API key; customers act with secrets only.
"""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="ticket_transfers", package=__name__,
    summary="customer ticket transfers: create, accept, reject, expire, reads (vivenu)",
    mounts=(Mount("ticket-transfers.yaml", "/api"),),
    tables="tables", timers="expiry:TIMERS", fixtures="fixtures",
    settings="settings:TransferSettings",
)
