"""The wheel, installed as a user installs it: outside the checkout, in a fresh virtualenv.

``python -m build`` makes the sdist and, from it, the wheel; ``pip install``
puts it (with its dependencies from the package index) into a new virtual
environment in a temporary directory; ``ticketsim serve`` started from
there must find its specs and fixtures in the package and answer a hold.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import venv
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
HOLD = {"hold_length": 15, "order_id": "WHEEL-1", "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}
STEP_TIMEOUT = 600  # real seconds for a build, an install or the server's start


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT, check=False)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


@pytest.mark.slow
def test_the_installed_wheel_serves_a_hold(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--outdir", dist, ROOT, cwd=tmp_path)
    wheel = next(dist.glob("ticketsim-*.whl"))
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)

    port = _free_port()
    env = {**os.environ, "TICKETSIM_PORT": str(port)}  # the port through its variable
    server = subprocess.Popen(
        [bin_dir / "ticketsim", "serve", "--db", ":memory:", "--clock", "frozen",
         "--log-level", "info"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(STEP_TIMEOUT, server.kill)
    watchdog.start()
    try:
        assert server.stdout is not None
        output = []
        for line in server.stdout:  # blocks until uvicorn says it is up (or the watchdog)
            output.append(line)
            if "Application startup complete" in line:
                break
        assert any("Application startup complete" in line for line in output), "".join(output)
        base = f"http://127.0.0.1:{port}"
        version = subprocess.run([bin_dir / "ticketsim", "--version"], capture_output=True,
                                 text=True, check=True).stdout
        assert version.startswith("ticketsim, version ")

        hold = httpx.post(f"{base}/sales/v1/Stubhub/", json=HOLD,
                          headers={"x-api-key": "sim-marketplace-key"}, timeout=30)

        assert hold.status_code == 200, hold.text
        assert hold.json()["status"] == "HELD"
        assert httpx.get(f"{base}/", timeout=30).status_code == 200
        assert httpx.get(f"{base}/sales/v1/ui/", timeout=30).status_code == 200
    finally:
        watchdog.cancel()
        server.terminate()
        server.wait(STEP_TIMEOUT)
    log = server.stdout.read() if server.stdout else ""
    assert "POST /sales/v1/Stubhub/ 200" in log and "create_hold" in log
