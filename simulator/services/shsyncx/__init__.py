"""StubHub Sync X (``/shsyncx``): ``/v1/item`` syncs a full item, ``/v2/item`` a price."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="shsyncx", package=__name__,
    summary="sync a listing's StubHub copy (v1 full item, v2 price)",
    mounts=(Mount("shsyncx.yaml", "/shsyncx"),),
)
