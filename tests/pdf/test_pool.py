"""Decoding on several processes gives what one process gives, from any thread."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from simulator.pdf import pool
from simulator.pdf.decode import decode_pdf
from simulator.pdf.render import render_tickets
from simulator.pdf.synth import TicketFactory


@pytest.fixture(scope="module")
def document() -> bytes:
    factory = TicketFactory(99)
    return render_tickets([factory.ticket() for _ in range(2 * pool.MIN_PAGES_PER_TASK + 3)])


def test_plan_keeps_small_documents_in_process() -> None:
    assert pool.plan(5, 8) == [range(5)]
    assert pool.plan(500, 1) == [range(500)]


def test_plan_covers_every_page_once() -> None:
    for pages in (16, 17, 200, 999):
        ranges = pool.plan(pages, 2)
        assert len(ranges) > 1
        assert [i for r in ranges for i in r] == list(range(pages))
        assert all(len(r) >= pool.MIN_PAGES_PER_TASK for r in ranges)


def test_worker_count_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pool.ENV_WORKERS, "1")
    assert pool.worker_count() == 1
    assert pool.worker_count(3) == 3
    monkeypatch.setenv(pool.ENV_WORKERS, "many")
    with pytest.raises(ValueError, match=pool.ENV_WORKERS):
        pool.worker_count()
    monkeypatch.delenv(pool.ENV_WORKERS)
    assert pool.worker_count() >= 1


def test_processes_and_threads_agree_with_one_process(document: bytes) -> None:
    alone = decode_pdf(document, workers=1)
    assert [t.page_number for t in alone] == list(range(1, len(alone) + 1))
    with ThreadPoolExecutor(3) as threads:
        results = list(threads.map(lambda _: decode_pdf(document, workers=2), range(3)))
    assert all(result == alone for result in results)


def test_the_pool_restarts_after_shutdown(document: bytes) -> None:
    first = decode_pdf(document, workers=2)
    pool.shutdown()
    assert decode_pdf(document, workers=2) == first


def _dies(data: bytes, start: int, stop: int, dpi: int) -> list[int]:
    os._exit(3)


def _hangs(data: bytes, start: int, stop: int, dpi: int) -> list[int]:
    threading.Event().wait()
    return []


def test_a_worker_that_dies_breaks_only_its_call(document: bytes) -> None:
    with pytest.raises(BrokenProcessPool):
        pool.run_ranges(_dies, b"", [range(0, 1), range(1, 2)], 200, 2, 60.0)
    assert decode_pdf(document, workers=2) == decode_pdf(document, workers=1)


def test_a_stuck_worker_is_killed_at_the_time_limit(document: bytes) -> None:
    with pytest.raises(TimeoutError):
        pool.run_ranges(_hangs, b"", [range(0, 1), range(1, 2)], 200, 2, 0.0)
    assert decode_pdf(document, workers=2) == decode_pdf(document, workers=1)


def test_without_startable_workers_decoding_stays_in_process(
    document: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[int]:
        raise BrokenProcessPool("main module cannot be imported")

    expected = decode_pdf(document, workers=1)
    monkeypatch.setattr(pool, "run_ranges", broken)
    monkeypatch.setattr(pool, "usable", lambda workers: False)
    assert decode_pdf(document, workers=2) == expected
