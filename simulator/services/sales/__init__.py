"""Sale order processing (``/sales/v1``): hold, release, invoice, order status, catalogue."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="sales", package=__name__,
    summary="hold, release, invoice, order status, catalogue",
    mounts=(Mount("sales.yaml", "/sales/v1"),),
    tables="tables", timers="domain:TIMERS", fixtures="fixtures",
)
