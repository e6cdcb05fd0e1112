"""A small reverse proxy of the self-test, loopback only, that can corrupt answers.

:class:`Forwarder` is an ASGI app that sends each request unchanged (any
method, TRACE and QUERY included; path, query string, headers, body) to an
upstream on the loopback interface and relays the answer. Wrapped in a
:class:`~conformance.faults.FaultInjector` it becomes the corrupting proxy a
team would put in front of ``ticketsim serve`` to check that the suite
notices; :class:`Proxy` serves it on a free loopback port in a thread.

``python -m conformance.proxy --upstream http://127.0.0.1:8080 --fault drop_field``
runs one by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from urllib.parse import urlsplit

import httpx
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from conformance.faults import FAULTS, FaultInjector, read_body

__all__ = ["Forwarder", "Proxy", "free_port", "wait_until_listening"]

LOOPBACK = "127.0.0.1"
#: Hop-by-hop headers (RFC 9110 7.6.1) and those httpx sets itself.
NOT_FORWARDED = frozenset({b"host", b"connection", b"keep-alive", b"transfer-encoding", b"te",
                           b"trailer", b"upgrade", b"proxy-connection", b"content-length"})


def _require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the self-test proxy forwards to the loopback interface only: {url}")


class Forwarder:
    """ASGI app relaying every request, unchanged, to ``upstream`` (a loopback URL)."""

    def __init__(self, upstream: str) -> None:
        _require_loopback(upstream)
        self.upstream = upstream.rstrip("/")
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if self._client is None:  # created on the server's event loop
            self._client = httpx.AsyncClient(timeout=60.0)
        body = await read_body(receive)
        target = self.upstream + scope["raw_path"].decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in NOT_FORWARDED]
        request = self._client.build_request(scope["method"], httpx.URL(target),
                                             headers=headers, content=body)
        response = await self._client.send(request)
        relayed = [(k, v) for k, v in response.headers.raw if k.lower() not in NOT_FORWARDED]
        relayed.append((b"content-length", str(len(response.content)).encode()))
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": relayed})
        await send({"type": "http.response.body", "body": response.content})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return




def free_port() -> int:
    """A loopback port free right now (for a process that must be told its port)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, timeout: float = 30.0,
                         alive: Callable[[], bool] | None = None) -> None:
    """Poll a TCP connect to ``127.0.0.1:port`` until it succeeds, for at most ``timeout`` s.

    ``alive``, if given, is a callable that returns False once the server
    process died (then waiting longer is pointless).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"the server meant for port {port} exited before listening")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((LOOPBACK, port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {LOOPBACK}:{port} after {timeout} s")


class Proxy:
    """``app`` served on a free loopback port in a background thread (a context manager)."""

    def __init__(self, app: ASGIApp, port: int = 0) -> None:
        """``port`` 0: any free one (see :attr:`url`)."""
        self.socket = socket.socket()
        self.socket.bind((LOOPBACK, port))
        self.port = int(self.socket.getsockname()[1])
        # h11 accepts any method token (httptools knows a fixed list, without QUERY).
        # No Server or Date of its own: the upstream's are relayed, not doubled.
        config = uvicorn.Config(app, http="h11", log_level="error", access_log=False,
                                lifespan="on", server_header=False, date_header=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.socket]}, daemon=True)

    @classmethod
    def corrupting(cls, upstream: str, fault: str | None, *, everywhere: bool = False,
                   port: int = 0) -> Proxy:
        """A proxy to ``upstream`` injecting ``fault`` (None: a faithful proxy)."""
        forwarder: ASGIApp = Forwarder(upstream)
        if fault is None:
            return cls(forwarder, port)
        return cls(FaultInjector(forwarder, fault, everywhere=everywhere), port)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def __enter__(self) -> Proxy:
        self.thread.start()
        deadline = time.monotonic() + 30.0
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the self-test proxy did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10.0)
        self.socket.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="loopback URL of the target")
    parser.add_argument("--fault", choices=sorted(FAULTS), help="default: forward faithfully")
    parser.add_argument("--everywhere", action="store_true",
                        help="corrupt the control plane's answers too, not only the product's")
    parser.add_argument("--port", type=int, default=0,
                        help="loopback port to listen on (default: any free one)")
    arguments = parser.parse_args()
    with Proxy.corrupting(arguments.upstream, arguments.fault, everywhere=arguments.everywhere,
                          port=arguments.port) as proxy:
        print(f"proxy on {proxy.url} -> {arguments.upstream} "
              f"({arguments.fault or 'no fault'}); Ctrl-C stops it", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            proxy.thread.join()


if __name__ == "__main__":
    main()
