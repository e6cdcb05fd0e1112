"""One replica of a shared simulator, started by the scale tests as its own process.

``python -m tests.scale.replica PORT DB [LONG_POLL_SECONDS]`` serves the app
on a loopback port over ``DB`` (a SQLite file or a PostgreSQL URL) with
``SimConfig.shared`` on and a frozen clock: what ``serve --workers N`` or a
PostgreSQL ``--db`` does, with one process per port so that a test knows
which replica answers.
"""

from __future__ import annotations

import sys

import uvicorn

from simulator.app import create_app
from simulator.config import SimConfig
from simulator.core.clock import ClockMode


def main() -> None:
    port, db = int(sys.argv[1]), sys.argv[2]
    long_poll = float(sys.argv[3]) if len(sys.argv) > 3 else 25.0
    config = SimConfig(db=db, clock=ClockMode.FROZEN, shared=True,
                       base_url=f"http://127.0.0.1:{port}", long_poll_seconds=long_poll)
    uvicorn.run(create_app(config), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
