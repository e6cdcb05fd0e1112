"""How soon ``ticketsim serve`` answers its first request, on the default fixtures.

Starts ``ticketsim serve`` (pinned to core 0) on a fresh database file and
polls ``GET /sales/v1/{marketplace}/order`` of a fixture order every 10 ms
until it answers 200; then again on the database the first start left (a
restart). Prints the median of ``--runs`` starts of each kind. Target: 1 s.

The ``simulator`` package is byte-compiled first, as an installed package is
(pip compiles a wheel's modules; this environment may set
``PYTHONDONTWRITEBYTECODE``, which would otherwise make every start compile
~120 modules from source, ~0.15 s idle). ``--baseline DIR`` (e.g. ``git archive
main``) starts that build alternately with this one, for a ratio.

    python bench/startup_bench.py [--runs 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from common import BROKER_KEY, ROOT, free_port, machine, stop, ticketsim_command, wait_answering

from simulator import fixturegen

TARGET_SECONDS = 1.0


def first_answer(db: Path, path: str, source: Path | None) -> float:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    server = subprocess.Popen(ticketsim_command(port, db, None), cwd=source or ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return wait_answering(port, server, path, {"x-api-key": BROKER_KEY}, timeout=60)
    finally:
        stop(server)


def summary(found: list[float]) -> str:
    return (f"median {statistics.median(found):.2f} s (min {min(found):.2f}, "
            f"max {max(found):.2f}, {len(found)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another source tree to compare with")
    args = parser.parse_args()
    builds: dict[str, Path | None] = {"ticketsim": None}
    if args.baseline:
        builds["baseline"] = args.baseline.resolve()
    for source in builds.values():
        compileall.compile_dir(str((source or ROOT) / "simulator"), quiet=1)
    document = fixturegen.load_default()
    order = document["orders"][0]
    names = {m["id"]: m["name"] for m in document["marketplaces"]}
    path = (f"/sales/v1/{names[order['marketplace_id']]}/order?user_id={order['user_id']}"
            f"&order_id={order['order_id']}")
    found: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for build, source in builds.items():  # alternating: the load hits both alike
                db = Path(tmp) / f"start-{build}-{run}.sqlite3"
                found.setdefault((build, "fresh database"), []).append(
                    first_answer(db, path, source))
                found.setdefault((build, "restart"), []).append(first_answer(db, path, source))
    print(f"start-up benchmark: {machine()}")
    for kind in ("fresh database", "restart"):
        mine = statistics.median(found[("ticketsim", kind)])
        print(f"  RESULT first answer after start, {kind}: {summary(found[('ticketsim', kind)])}"
              f"; target {TARGET_SECONDS:.0f} s: {'met' if mine <= TARGET_SECONDS else 'MISSED'}")
        if args.baseline:
            theirs = statistics.median(found[("baseline", kind)])
            print(f"  RESULT baseline {args.baseline}, {kind}: "
                  f"{summary(found[('baseline', kind)])}; ticketsim/baseline {mine / theirs:.2f}")


if __name__ == "__main__":
    main()
