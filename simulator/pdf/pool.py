"""Run page decoding on every core: a lazily started, process-wide worker pool.

PDFium is not thread-safe, so inside one process every PDFium call holds
one lock and decoding uses one core. Here a document's pages are split
into ranges and the ranges decoded in worker *processes*, each with its own
PDFium. The pool is

* created on first use, sized to the cores this process may run on
  (``os.sched_getaffinity``), or to ``TICKETSIM_DECODE_WORKERS``;
* started with ``forkserver`` where the platform has it (``spawn``
  elsewhere), so that a process full of threads (the API server) is never
  forked;
* shared by all threads: ``submit`` is thread-safe and creation is locked;
* replaced when a worker dies (a PDF that crashes PDFium fails, the next
  document gets a fresh pool) or is stuck past the document's time limit
  (its workers are killed);
* shut down at interpreter exit.

Small documents are not worth the round trip and stay in the caller's
process; :func:`plan` says how a document is split.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

__all__ = [
    "ENV_WORKERS",
    "MIN_PAGES_PER_TASK",
    "plan",
    "run_ranges",
    "shutdown",
    "usable",
    "worker_count",
]

T = TypeVar("T")

ENV_WORKERS = "TICKETSIM_DECODE_WORKERS"
MIN_PAGES_PER_TASK = 8  # fewer pages than this per worker: not worth a process hop
_TASKS_PER_WORKER = 3  # a few ranges per worker even out slow and fast pages

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_size = 0
_cannot_start = False  # workers failed to start even an empty task


def worker_count(requested: int | None = None) -> int:
    """How many processes decode: ``requested``, else the env var, else the cores.

    1 once workers proved unable to start in this process (see :func:`usable`).
    """
    if _cannot_start:
        return 1
    if requested is None:
        configured = os.environ.get(ENV_WORKERS, "").strip()
        if configured:
            try:
                requested = int(configured)
            except ValueError:
                raise ValueError(f"{ENV_WORKERS} must be an integer, not {configured!r}") from None
    if requested is None:
        requested = (
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ) or 1
    return max(1, requested)


def plan(pages: int, workers: int) -> list[range]:
    """Page ranges to decode apart; one range means "decode in this process"."""
    if workers <= 1 or pages < 2 * MIN_PAGES_PER_TASK:
        return [range(pages)]
    tasks = min(workers * _TASKS_PER_WORKER, pages // MIN_PAGES_PER_TASK)
    step = math.ceil(pages / tasks)
    return [range(start, min(start + step, pages)) for start in range(0, pages, step)]


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _get(workers: int) -> ProcessPoolExecutor:
    """The shared executor, (re)created when missing or of another size."""
    global _executor, _size
    with _lock:
        if _executor is None or _size != workers:
            if _executor is not None:
                _executor.shutdown(wait=False)
            _executor = ProcessPoolExecutor(max_workers=workers, mp_context=_context())
            _size = workers
        return _executor


def _discard(broken: ProcessPoolExecutor, *, kill: bool = False) -> None:
    """Forget ``broken`` so that the next call starts a fresh pool.

    ``kill`` also ends its worker processes (a worker stuck on a page).
    """
    global _executor
    with _lock:
        if _executor is broken:
            _executor = None
    if kill:
        processes = getattr(broken, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
    broken.shutdown(wait=False, cancel_futures=True)


def _noop() -> bool:
    return True


def usable(workers: int) -> bool:
    """Whether worker processes can start here at all.

    They cannot when the main module cannot be imported again (a script
    read from stdin, some embedded interpreters); callers then decode in
    their own process, and :func:`worker_count` says 1 from then on.
    """
    global _cannot_start
    executor = _get(workers)
    try:
        return bool(executor.submit(_noop).result())
    except BrokenProcessPool:
        _discard(executor)
        _cannot_start = True
        return False


def shutdown() -> None:
    """Stop the worker processes (at exit; a later call starts them again)."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def run_ranges(
    fn: Callable[[bytes, int, int, int], list[T]],
    data: bytes,
    ranges: Sequence[range],
    dpi: int,
    workers: int,
    timeout: float,
) -> list[T]:
    """``fn(data, start, stop, dpi)`` for every range in worker processes, concatenated.

    ``fn`` must be a module-level function. Raises ``BrokenProcessPool``
    when a worker died on this document, ``TimeoutError`` when the ranges
    took more than ``timeout`` seconds (the workers are killed); the pool
    is replaced for the next call either way. Any exception ``fn`` raises
    is re-raised here.
    """
    executor = _get(workers)
    try:
        futures: list[Future[list[T]]] = [
            executor.submit(fn, data, r.start, r.stop, dpi) for r in ranges
        ]
    except BrokenProcessPool:
        _discard(executor)
        raise
    deadline = time.monotonic() + timeout
    try:
        return [
            item
            for future in futures
            for item in future.result(max(0.0, deadline - time.monotonic()))
        ]
    except FutureTimeout:
        _discard(executor, kill=True)
        raise TimeoutError(f"decoding took more than {timeout:.0f} s") from None
    except BrokenProcessPool:
        _discard(executor)
        raise
    finally:
        for future in futures:
            future.cancel()
