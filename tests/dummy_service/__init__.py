"""A service added in a test: one folder (this one) and one registry line.

It proves the registry is the only place that names a service: its spec is
served, its table created, its fixture section generated and loaded, its
timer armed, all without touching any other file.
"""

from pathlib import Path

from simulator.core.service import Mount, ServiceDef

SPEC = str(Path(__file__).with_name("dummy.yaml"))

SERVICE = ServiceDef(
    name="dummy", package=__name__, summary="a test service",
    mounts=(Mount(SPEC, "/dummy/v1"),),
    tables="tables", timers="domain:TIMERS", fixtures="fixtures",
    settings="domain:DummySettings",
)
