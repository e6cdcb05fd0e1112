"""What the suite runs against, said out loud: a target it cannot identify fails the run.

The run takes a target for the simulator or for a deployment from
``--target`` or from one probe of ``GET /_sim/clock``. When the target is
not what was asked for, or the probe's answer is neither the simulator's
clock, nor a clean 404, nor a refused connection, this test fails with the
probe's answer, so a corrupted control plane can never turn a run into a
silent read-only pass.
"""

from __future__ import annotations

from conformance.session import current


def test_target_is_identified() -> None:
    identification = current().target.identification
    assert identification.problem is None, identification.problem
