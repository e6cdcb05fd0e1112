"""A success the server answered survives ``kill -9`` of the server process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import MARKETPLACE_HEADERS

HOLD = {"order_id": "durable-1", "hold_length": 20, "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port), "--db", str(db),
         "--clock", "frozen"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sim/clock", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("the server did not start")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state.sqlite3"


def test_hold_survives_kill_9(db: Path) -> None:
    port = _free_port()
    server = _serve(db, port)
    try:
        held = httpx.post(f"http://127.0.0.1:{port}/sales/v1/Stubhub", json=HOLD,
                          headers=MARKETPLACE_HEADERS)
        assert held.status_code == 200, held.text
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    server = _serve(db, port)
    try:
        again = httpx.post(f"http://127.0.0.1:{port}/sales/v1/Stubhub",
                           json={**HOLD, "order_id": "durable-2"}, headers=MARKETPLACE_HEADERS)
        assert again.status_code == 409
        same = httpx.post(f"http://127.0.0.1:{port}/sales/v1/Stubhub", json=HOLD,
                          headers=MARKETPLACE_HEADERS)
        assert same.json() == held.json()
    finally:
        server.terminate()
        server.wait()
