"""A test service whose timer counts every firing (its fire is deliberately not idempotent).

``tally_ticks`` rows are due instants; each call of the timer's ``fire``
appends a ``tally_fires`` row, so a due instant fired twice shows as two rows.
"""

from simulator.core.service import ServiceDef

SERVICE = ServiceDef(name="tally", package=__name__, summary="counts timer firings",
                     api=None, tables="model", timers="model:TIMERS")
