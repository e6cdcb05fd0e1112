"""The SSRF-guarded fetcher over real loopback HTTP, and through the decoder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.core.errors import FetchFailed, FetchRefused, TooLarge
from simulator.core.outbound.fetch import Fetcher, FetchPolicy
from simulator.pdf.render import render_tickets
from simulator.pdf.synth import random_ticket
from tests.conftest import frozen_config
from tests.pdfs_helpers import HEADERS

PDF = render_tickets([random_ticket(42)])


#: Set when the test server shuts down, so a "/slow" handler never outlives it.
RELEASE_SLOW = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ticket.pdf":
            self._send(200, PDF)
        elif self.path == "/redirect-in":
            self._send(302, b"", location="/ticket.pdf")
        elif self.path == "/redirect-out":
            self._send(302, b"", location="http://evil.example.com/ticket.pdf")
        elif self.path == "/slow":  # answers only once the test is over
            RELEASE_SLOW.wait(timeout=30)
            self._send(200, PDF)
        else:
            self._send(404, b"not here")

    def _send(self, status: int, body: bytes, location: str | None = None) -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, *_args: object) -> None:  # the client gave up on /slow: fine
        pass


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    RELEASE_SLOW.set()
    server.shutdown()
    server.server_close()


def _fetcher(**limits: float) -> Fetcher:
    settings = {"max_bytes": 1_000_000, "timeout_seconds": 5.0, "max_redirects": 3, **limits}
    return Fetcher(FetchPolicy.of(["127.0.0.1", "localhost"], max_bytes=int(settings["max_bytes"]),
                                  timeout_seconds=settings["timeout_seconds"],
                                  max_redirects=int(settings["max_redirects"])))


def test_fetches_and_follows_a_redirect_on_an_allowed_host(origin: str) -> None:
    assert _fetcher().fetch(f"{origin}/ticket.pdf") == PDF
    assert _fetcher().fetch(f"{origin}/redirect-in") == PDF


def test_refuses_a_redirect_to_a_host_not_allowed(origin: str) -> None:
    with pytest.raises(FetchRefused, match=r"evil\.example\.com"):
        _fetcher().fetch(f"{origin}/redirect-out")


def test_http_errors_size_and_time_limits(origin: str) -> None:
    with pytest.raises(FetchFailed, match="HTTP 404"):
        _fetcher().fetch(f"{origin}/nothing")
    with pytest.raises(TooLarge):
        _fetcher(max_bytes=100).fetch(f"{origin}/ticket.pdf")
    with pytest.raises(FetchFailed, match="timed out"):
        _fetcher(timeout_seconds=0.2).fetch(f"{origin}/slow")


def test_unreachable_port() -> None:
    with pytest.raises(FetchFailed, match="Could not fetch"):
        _fetcher().fetch("http://127.0.0.1:1/ticket.pdf")


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://LOCALHOST/x.pdf", True),
    ("http://localhost./x.pdf", True),
    ("http://[::1]:8080/x.pdf", True),
    ("http://127.0.0.2/x.pdf", False),
    ("http://2130706433/x.pdf", False),  # 127.0.0.1 as a number: not on the list as written
    ("http://evil.example.com@127.0.0.1/x.pdf", True),  # userinfo: the host is 127.0.0.1
    ("http://127.0.0.1@evil.example.com/x.pdf", False),
])
def test_the_allowlist_is_by_host(url: str, allowed: bool) -> None:
    policy = FetchPolicy.of(["127.0.0.1", "localhost", "::1"], max_bytes=10, timeout_seconds=1,
                            max_redirects=1)
    if allowed:
        policy.check(httpx.URL(url))
    else:
        with pytest.raises(FetchRefused):
            policy.check(httpx.URL(url))


def test_a_star_allows_every_host() -> None:
    FetchPolicy.of(["*"], max_bytes=10, timeout_seconds=1, max_redirects=1).check(
        httpx.URL("https://tickets.example.com/a.pdf"))


def test_the_decoder_over_real_loopback_http(origin: str) -> None:
    # Answers that come get a generous limit (a loaded machine must not turn them into
    # timeouts); only "/slow", which never answers while the test runs, gets a short one.
    for timeout, cases in ((10.0, (("/redirect-in", None), ("/redirect-out", "allowlist"),
                                   ("/nothing", "HTTP 404"))),
                           (0.3, (("/slow", "timed out"),))):
        app = create_app(frozen_config(fetch_timeout_seconds=timeout))  # loopback allowed
        with TestClient(app) as client:
            for path, words in cases:
                answer = client.post("/pdfs/v1/decoder/", json={"url": origin + path},
                                     headers=HEADERS)
                if words is None:
                    assert answer.status_code == 200, answer.text
                    assert answer.json()["tickets"][0]["page_number"] == 1
                else:
                    assert answer.status_code == 400, (path, answer.text)
                    assert words in answer.json()["message"], (path, answer.text)
