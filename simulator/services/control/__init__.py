"""The control plane ``/_sim``: reset, fixtures, clock, files (see control.yaml)."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="control", package=__name__,
    summary="control plane: reset, fixtures, clock, files",
    mounts=(Mount("control.yaml", "/_sim"),), product=False,
)
