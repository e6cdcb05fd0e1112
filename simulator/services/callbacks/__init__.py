"""Post-sale integration: the calls 1Ticket makes to marketplaces and brokers after a sale.

Confirm / reject / fulfill / airbill / get-order calls to each marketplace's
registered endpoints (the contract ``openapi/marketplace-callbacks.yaml``,
implemented by marketplaces, never served here), the sale-notification
webhook to brokers, signed, retried on the SimClock and logged. The control
plane registers receivers, shows the delivery log, waits for deliveries and
acts on sales (reject, cancel, price and recipient updates).
"""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="callbacks", package=__name__,
    summary="post-sale calls to marketplaces, sale-notification webhooks, delivery log",
    mounts=(Mount("control-callbacks-marketplaces.yaml", "/_sim/marketplaces"),
            Mount("control-callbacks-brokers.yaml", "/_sim/brokers"),
            Mount("control-callbacks-sellers.yaml", "/_sim/sellers"),
            Mount("control-deliveries.yaml", "/_sim/deliveries"),
            Mount("control-postsale.yaml", "/_sim/postsale")),
    tables="tables", timers="timers:TIMERS", fixtures="fixtures", runtime="runtime:Deliveries",
    settings="settings:CallbackSettings", contract="marketplace-callbacks.yaml", product=False,
)
