"""``ticketsim serve`` prints the default seller's key with the other keys."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from simulator.services.ticket_transfers.fixtures import DEFAULT_SELLER_KEY


def test_serve_prints_the_seller_key() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(Path(sys.executable).with_name("ticketsim")), "serve", "--host", "127.0.0.1",
               "--port", str(port), "--db", ":memory:"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as server:
        try:
            assert server.stdout is not None
            lines = []
            for line in server.stdout:  # the banner is printed before uvicorn starts
                lines.append(line)
                if line.startswith("API keys:"):
                    break
        finally:
            server.terminate()
            server.wait(timeout=30)
    keys = lines[-1]
    assert keys.startswith("API keys:"), "".join(lines)
    assert f"seller '{DEFAULT_SELLER_KEY}'" in keys
    assert "marketplace 'sim-marketplace-key'" in keys and "broker 'sim-broker-key'" in keys
    assert any(f"127.0.0.1:{port}/api " in line and "ticket_transfers" in line
               for line in lines)
