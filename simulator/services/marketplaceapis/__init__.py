"""Recipient data (``/marketplaceapis/transfer/v1``): the buyer of a marketplace order."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="marketplaceapis", package=__name__,
    summary="recipient (buyer) data of a marketplace order, for ticket transfers",
    mounts=(Mount("marketplaceapis.yaml", "/marketplaceapis/transfer"),),
)
