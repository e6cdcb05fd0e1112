"""What the benchmarks share: servers pinned to core 0, wrk pinned to core 1, RSS, Prism.

Every benchmark here measures ticketsim next to a peer (Prism, or ticketsim
with another setting) in the same run, alternating, and prints ratios and
the load average: the machine is shared, so absolute figures are noisy.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PRISM_DIR = HERE / ".prism"  # npm installs @stoplight/prism-cli here (git-ignored)
PRISM_PACKAGE = "@stoplight/prism-cli@5"
MARKETPLACE_KEY = "sim-marketplace-key"
BROKER_KEY = "sim-broker-key"
SERVER_CORE, CLIENT_CORE = "0", "1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    """One line describing the machine the figures come from."""
    model = next((ln.split(":", 1)[1].strip() for ln in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), "unknown CPU")
    return (f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}, "
            f"load average {load_average()}")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed for the benchmark: apt-get install wrk")
    return found


def ensure_prism() -> str | None:
    """The ``prism`` executable, installed with npm into bench/.prism; None without npm."""
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return str(binary)
    if not shutil.which("npm"):
        print("npm is not installed: the Prism comparison is skipped "
              "(install Node.js and npm to compare with Prism's static mock)")
        return None
    PRISM_DIR.mkdir(exist_ok=True)
    result = subprocess.run(["npm", "install", "--prefix", str(PRISM_DIR), "--no-audit",
                             "--no-fund", "--silent", PRISM_PACKAGE], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0 or not binary.exists():
        print(f"npm could not install {PRISM_PACKAGE}: the Prism comparison is skipped\n"
              f"{result.stderr.strip()[-500:]}")
        return None
    return str(binary)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, every thread) of ``pid`` and its live descendants so far."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, total = {pid}, 0.0
    for candidate in sorted(times):  # children have larger pids than their parents
        if candidate in family or parents.get(candidate) in family:
            family.add(candidate)
            total += times[candidate]
    return total


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def http_status(port: int, path: str, headers: dict[str, str] | None = None,
                timeout: float = 2.0) -> int | None:
    """The status of one GET, or None when nothing answers yet."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


def wait_answering(port: int, server: subprocess.Popen[Any], path: str,
                   headers: dict[str, str] | None = None, timeout: float = 120,
                   any_status: bool = False) -> float:
    """Seconds until ``GET path`` answers 200 (any status with ``any_status``); exits when
    the server dies or never answers."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            sys.exit(f"the server exited during start-up: {' '.join(map(str, server.args))}")
        status = http_status(port, path, headers, timeout=1.0)
        if status == 200 or (any_status and status is not None):
            return time.monotonic() - started
        time.sleep(0.01)
    sys.exit("the server did not answer")


def ticketsim_command(port: int, db: Path | str, fixtures: Path | None,
                      extra: Sequence[str] = ()) -> list[str]:
    command = ["taskset", "-c", SERVER_CORE, sys.executable, "-m", "simulator.cli", "serve",
               "--port", str(port), "--db", str(db), "--clock", "frozen",
               "--log-level", "warning", *extra]
    return command + (["--fixtures", str(fixtures)] if fixtures else [])


def prism_command(prism: str, port: int, spec: Path) -> list[str]:
    return ["taskset", "-c", SERVER_CORE, prism, "mock", "-h", "127.0.0.1", "-p", str(port),
            "--errors", "false", "-v", "error", str(spec)]


@contextlib.contextmanager
def running(command: list[str], port: int, ready_path: str,
            headers: dict[str, str] | None = None, any_status: bool = False,
            source: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server until the block ends; it is up once ``GET ready_path`` answers 200
    (or anything, with ``any_status``). ``source``: run ticketsim from that source tree
    (another build, e.g. ``git archive main``) instead of this one."""
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    server = subprocess.Popen(command, cwd=source or ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_answering(port, server, ready_path, headers, any_status=any_status)
        yield server
    finally:
        stop(server)


def stop(server: subprocess.Popen[Any]) -> None:
    """Ask the server to stop; kill it when it has not within 10 s."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@dataclass(frozen=True)
class Line:
    """One request of a wrk request file (see requests.lua)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any = None

    def tsv(self) -> str:
        headers = "|".join(f"{k}: {v}" for k, v in self.headers.items())
        body = "" if self.body is None else json.dumps(self.body)
        return f"{self.method}\t{self.path}\t{headers}\t{body}"


def write_lines(lines: Sequence[Line], out: Path) -> Path:
    out.write_text("".join(line.tsv() + "\n" for line in lines))
    return out


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non2xx: int
    errors: int
    #: the server's CPU time per answered request (see :func:`cpu_seconds`); on a shared
    #: machine the steadier figure: 1000 / cpu_ms is what one idle core would answer
    cpu_ms: float | None = None
    #: with a server: wrk's own CPU time per request, and the share of the machine's
    #: CPU time left idle during the run (every core, from ``/proc/stat``)
    client_cpu_ms: float | None = None
    idle_percent: float | None = None

    def show(self) -> str:
        cpu = f"  cpu {self.cpu_ms:.3f} ms/req" if self.cpu_ms is not None else ""
        if self.client_cpu_ms is not None and self.idle_percent is not None:
            cpu += f"  wrk {self.client_cpu_ms:.3f} ms/req  idle {self.idle_percent:.1f} %"
        return (f"{self.rps:8.1f} req/s  p50 {self.p50_ms:7.2f} ms  p99 {self.p99_ms:7.2f} ms"
                f"  non-2xx {self.non2xx}  socket errors {self.errors}{cpu}")


def machine_times() -> tuple[int, int]:
    """(idle, total) CPU ticks of every core so far (``/proc/stat``; idle counts iowait)."""
    with open("/proc/stat") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    return ticks[3] + ticks[4], sum(ticks)


def children_cpu_seconds() -> float:
    """CPU time (user + system) of this process's waited-for children so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def wrk(port: int, requests_file: Path, seconds: float, connections: int = 32,
        cpus: str = CLIENT_CORE, server: int | None = None) -> Figures:
    """Drive ``requests_file`` at the server with wrk pinned to ``cpus`` (the client core);
    with the ``server``'s pid, also its CPU time per request."""
    started = cpu_seconds(server) if server is not None else 0.0
    client_started, (idle_started, total_started) = children_cpu_seconds(), machine_times()
    result = subprocess.run(
        ["taskset", "-c", cpus, ensure_wrk(), "-t1", f"-c{connections}",
         f"-d{max(1, round(seconds))}s", "-s", str(HERE / "requests.lua"), "--latency",
         f"http://127.0.0.1:{port}"],
        env={**os.environ, "REQUESTS_FILE": str(requests_file)}, capture_output=True,
        text=True, check=True)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH")), "")
    got = dict(re.findall(r"(\w+)=([\d.]+)", line))
    if not got:
        sys.exit(f"wrk gave no figures:\n{result.stdout}\n{result.stderr}")
    requests = int(got["requests"])
    figures = Figures(float(got["rps"]), float(got["p50_ms"]), float(got["p99_ms"]),
                      requests, int(got["non2xx"]), int(got["errors"]))
    if server is None or not requests:
        return figures
    idle, total = machine_times()
    return replace(figures, cpu_ms=(cpu_seconds(server) - started) * 1000 / requests,
                   client_cpu_ms=(children_cpu_seconds() - client_started) * 1000 / requests,
                   idle_percent=100 * (idle - idle_started) / max(total - total_started, 1))
