"""MPDeleter (``/mpdeleter/v2``): delete a POS listing from marketplaces."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="mpdeleter", package=__name__,
    summary="delete a POS listing from marketplaces (DELETE with a JSON body)",
    mounts=(Mount("mpdeleter.yaml", "/mpdeleter"),),
)
