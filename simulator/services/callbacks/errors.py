"""Errors of the post-sale control plane beyond the shared tree."""

from simulator.core.errors import SimError


class WaitTimedOut(SimError):
    """``GET /_sim/deliveries/wait``: nothing matching succeeded in time (408)."""

    status = 408
    default_message = "No matching delivery succeeded before the timeout"
