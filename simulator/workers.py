"""``serve --workers N``: the app each uvicorn worker process builds.

uvicorn starts worker processes that import an app factory by name, so the
``serve`` command hands its :class:`~simulator.config.SimConfig` over in an
environment variable (written by the parent, read by its own children) and
every worker builds the same app over the same store, with
``config.shared`` set so that the processes act as one simulator.
"""

from __future__ import annotations

import base64
import gc
import os
import pickle
from typing import Any

from simulator.config import SimConfig

__all__ = ["CONFIG_ENV", "app_from_environment", "export_config"]

CONFIG_ENV = "TICKETSIM_SERVE_CONFIG"
FACTORY = "simulator.workers:app_from_environment"


def export_config(config: SimConfig) -> None:
    """Make ``config`` the configuration of the worker processes started after this."""
    os.environ[CONFIG_ENV] = base64.b64encode(pickle.dumps(config)).decode("ascii")


def tune_gc() -> None:
    """Collect the oldest generation rarely, and never scan what start-up built.

    Each waiting long-poll keeps ~200 objects alive; with the default GC
    thresholds a full collection over 10,000 waiters stalls the loop ~0.8 s
    (bench/longpoll_bench.py). Full collections only every 1000th gen-1 one.
    Call it once the app is built: ``gc.freeze()`` moves every object alive
    then (modules, specs, validators, routes, fixtures: ~110,000 objects)
    out of the collector's generations, so the collections that still run
    scan only what requests made: a full collection fell from ~70 ms to
    nothing on a freshly built app.
    """
    gc.freeze()
    gc.set_threshold(700, 10, 1000)


def app_from_environment() -> Any:
    """The app of one worker process, configured by :func:`export_config` in the parent."""
    from simulator.app import create_app

    config = pickle.loads(base64.b64decode(os.environ[CONFIG_ENV]))  # our parent wrote it
    if not isinstance(config, SimConfig):
        raise TypeError(f"{CONFIG_ENV} does not hold a SimConfig")
    app = create_app(config)
    tune_gc()
    return app
