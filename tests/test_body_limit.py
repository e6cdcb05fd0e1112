"""The request body limit: refused before the body is read (a declared length) or
buffered (a chunked body), in the documented 400 shape, journaled; bodies within it pass."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.cli import serve
from simulator.config import MAX_BODY_BYTES
from simulator.core.http.bodylimit import BodyLimit
from tests.conftest import MARKETPLACE_HEADERS, fresh, fresh_app
from tests.control.helpers import HOLD_PATH, hold
from tests.served import served

LIMIT = 4096
REFUSED = {"message": f"The request body is larger than {LIMIT} bytes"}
JSON_HEADERS = {**MARKETPLACE_HEADERS, "content-type": "application/json"}
#: Far more than the limit, and than what the server hands over in one message.
CHUNKED_TOTAL = 8 * 1024 * 1024
CHUNK = 64 * 1024


class Pulled:
    """ASGI wrapper noting the size of every body message the app pulled from the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sizes: list[int] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counting() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                self.sizes.append(len(message.get("body", b"")))
            return message

        await self.app(scope, counting if scope["type"] == "http" else receive, send)


@pytest.fixture(scope="module")
def limited_app() -> Iterator[Any]:
    app = fresh_app(max_body_bytes=LIMIT)
    yield app
    app.simulator.close()


@pytest.fixture
def limited(limited_app: Any) -> Any:
    fresh(limited_app.simulator)
    return limited_app


def padded(size: int) -> bytes:
    """A valid hold of exactly ``size`` bytes (JSON padded with trailing spaces)."""
    body = json.dumps(hold("limit-1")).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


def exchange(base: str, head: str, sent: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send a request head and the first bytes of its body over a raw socket, send no
    more, and read the answer: status, headers and body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + sent)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536) or b"!closed"
        top, _, body = data.partition(b"\r\n\r\n")
        lines = top.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:])
        while len(body) < int(headers["content-length"]):
            body += sock.recv(65536) or b"!closed"
    return int(lines[0].split()[1]), headers, body


def journaled(client: TestClient | httpx.Client) -> dict[str, Any]:
    entry: dict[str, Any] = client.get("/_sim/journal").json()["entries"][0]
    return entry


@pytest.mark.parametrize(("path", "content_type"), [
    (HOLD_PATH, "application/json"), ("/_sim/files", "application/pdf")])
def test_a_declared_length_over_the_limit_is_answered_without_reading_the_body(
        limited: Any, path: str, content_type: str) -> None:
    """The client claims 10 GB and sends 5 bytes: the answer comes all the same, and
    an ``Expect: 100-continue`` client is never asked for the body."""
    head = (f"POST {path} HTTP/1.1\nHost: sim\nx-api-key: sim-marketplace-key\n"
            f"Content-Type: {content_type}\nContent-Length: 10000000000\n"
            "Expect: 100-continue\n")
    with served(limited) as base:
        status, headers, body = exchange(base, head, b'{"ord')
        assert (status, json.loads(body)) == (400, REFUSED)
        assert headers["content-type"] == "application/json"
        with httpx.Client(base_url=base) as client:
            entries = client.get("/_sim/journal").json()["entries"]
    logged = limited.request_log.tail(2)[0]
    assert (logged.path, logged.status, logged.operation_id) == (
        path, 400, "create_hold" if path == HOLD_PATH else "upload_file")
    if path != HOLD_PATH:
        assert entries == []  # the control plane is not journaled
        return
    entry = entries[0]
    assert entry["status"] == 400 and json.loads(entry["response_body"]) == REFUSED
    assert entry["operationId"] == "create_hold" and entry["service"] == "sales"
    assert entry["body"] == "" and entry["body_size"] == 0
    assert entry["headers"]["content-length"] == "10000000000"


@pytest.mark.parametrize("path", [HOLD_PATH, "/_sim/files"])
def test_a_chunked_body_is_refused_at_the_limit_and_never_read_past_it(limited: Any,
                                                                       path: str) -> None:
    pulled = Pulled(limited)

    def chunks() -> Iterator[bytes]:
        for _ in range(CHUNKED_TOTAL // CHUNK):
            yield b"x" * CHUNK

    with served(pulled) as base, httpx.Client(base_url=base, timeout=60) as client:
        response = client.post(path, content=chunks(), headers={
            **MARKETPLACE_HEADERS, "content-type": "application/pdf"})
        assert (response.status_code, response.json()) == (400, REFUSED)
        entries = client.get("/_sim/journal").json()["entries"]
    sizes = pulled.sizes
    # The app took messages until one passed the limit, and not one more.
    assert sum(sizes[:-1]) <= LIMIT < sum(sizes) < CHUNKED_TOTAL
    if path == HOLD_PATH:
        assert entries[0]["status"] == 400 and entries[0]["body_size"] == sum(sizes)
        assert entries[0]["headers"]["transfer-encoding"] == "chunked"


def test_a_body_at_the_limit_is_taken_and_one_byte_more_is_refused(limited: Any) -> None:
    with TestClient(limited) as client:
        taken = client.post(HOLD_PATH, content=padded(LIMIT), headers=JSON_HEADERS)
        assert taken.status_code == 200, taken.text
        assert taken.json()["status"] == "HELD"
        over = client.post(HOLD_PATH, content=padded(LIMIT) + b" ", headers=JSON_HEADERS)
        assert (over.status_code, over.json()) == (400, REFUSED)
        assert [e.status for e in limited.request_log.tail(2)] == [200, 400]
        entry = journaled(client)
        assert entry["status"] == 400 and entry["operationId"] == "create_hold"
        assert entry["body_size"] == 0  # refused on its Content-Length, unread


def test_a_chunked_upload_at_the_limit_is_taken_and_one_byte_more_is_refused(
        limited: Any) -> None:
    """Counted as it arrives: the limit is exact across chunks."""
    pdf = b"%PDF-1.4\n" + b"0" * (LIMIT - 9)
    with TestClient(limited) as client:
        for body, status in ((pdf, 201), (pdf + b"0", 400)):
            response = client.post("/_sim/files", content=iter([body[:100], body[100:]]),
                                   headers={"content-type": "application/pdf"})
            assert response.request.headers["transfer-encoding"] == "chunked"
            assert response.status_code == status, response.text
        assert response.json() == REFUSED
        assert client.get("/_sim/journal").json()["entries"] == []  # not a product call


def test_a_pdf_of_nearly_25_mb_is_still_uploaded_with_the_default_limit() -> None:
    """The decoder takes PDFs up to 25 MiB; a test uploads them through a form."""
    pdf = b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024 - 1024)
    app = fresh_app()
    try:
        assert app.simulator.config.max_body_bytes == MAX_BODY_BYTES == 32 * 1024 * 1024
        with served(app) as base, httpx.Client(base_url=base, timeout=120) as client:
            response = client.post("/_sim/files", files={"file": ("big.pdf", pdf,
                                                                  "application/pdf")})
            assert response.status_code == 201, response.text
            assert response.json()["size"] == len(pdf)
            head = (f"POST /_sim/files HTTP/1.1\nHost: sim\nContent-Type: application/pdf\n"
                    f"Content-Length: {MAX_BODY_BYTES + 1}\n")
            status, _, body = exchange(base, head, b"%PDF")
            assert (status, json.loads(body)) == (400, {
                "message": "The request body is larger than 33554432 bytes"})
    finally:
        app.simulator.close()


@pytest.mark.parametrize("headers", [[(b"content-length", b"10")], []])
def test_the_ordinary_request_path_gets_the_servers_own_receive_and_send(
        headers: list[tuple[bytes, bytes]]) -> None:
    """A body declared within the limit, or none at all: no wrapper, no copy."""
    seen: list[Any] = []

    async def inner(_scope: Any, receive: Any, send: Any) -> None:
        seen.extend((receive, send))

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Any) -> None:
        return None

    asyncio.run(BodyLimit(inner, limit=10)({"type": "http", "headers": headers}, receive, send))
    assert seen == [receive, send]


def test_serve_takes_the_limit_from_an_option_or_its_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert serve.make_context("serve", []).params["max_body_bytes"] == MAX_BODY_BYTES
    monkeypatch.setenv("TICKETSIM_MAX_BODY_BYTES", "1024")
    assert serve.make_context("serve", []).params["max_body_bytes"] == 1024
    assert serve.make_context("serve", ["--max-body-bytes", "99"]).params[
        "max_body_bytes"] == 99


@pytest.mark.parametrize("framing", ["chunked", "length"])
def test_a_json_body_within_the_limit_is_taken_however_it_is_framed(limited: Any,
                                                                    framing: str) -> None:
    """Connexion tells a missing body by its Content-Length: a chunked JSON hold (what
    streaming clients send) must be taken like the same hold with a length."""
    body = json.dumps(hold(f"framed-{framing}")).encode()
    content = iter([body[:10], body[10:]]) if framing == "chunked" else body
    with TestClient(limited) as client:
        response = client.post(HOLD_PATH, content=content, headers=JSON_HEADERS)
        assert ("transfer-encoding" in response.request.headers) == (framing == "chunked")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "HELD"
        assert journaled(client)["body_size"] == len(body)


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_a_chunked_json_body_sent_as_curl_d_or_without_a_type_is_taken(
        limited: Any, content_type: str | None) -> None:
    """What ``curl -H 'Transfer-Encoding: chunked' -d`` and a streaming client with no
    ``Content-Type`` send: read within the limit, then read as JSON like any such body."""
    body = json.dumps(hold(f"loose-{content_type}")).encode()
    headers = {**MARKETPLACE_HEADERS, **({"content-type": content_type} if content_type else {})}
    with TestClient(limited) as client:
        response = client.post(HOLD_PATH, content=iter([body[:10], body[10:]]), headers=headers)
        assert response.request.headers["transfer-encoding"] == "chunked"
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "HELD"
