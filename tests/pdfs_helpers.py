"""Shared helpers of the PDF service tests: an app with a fake file server, minting, polling.

The fake file server is an ``httpx.MockTransport`` answering for the host
``files.test`` (on the fetch allowlist of these apps); every bad-input case
of the decoder, splitter and merger has a path there.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pypdf
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.fixturegen import DEFAULT_BROKER_KEY
from tests.conftest import frozen_config

HEADERS = {"x-api-key": DEFAULT_BROKER_KEY}
FILES_HOST = "files.test"
SMALL_LIMIT = 64 * 1024  # bytes: the fetch limit of these apps, to test TooLarge cheaply


def encrypted_pdf() -> bytes:
    """A one-page PDF that needs a password (RC4: pypdf needs no extra package)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _redirect(location: str) -> httpx.Response:
    return httpx.Response(302, headers={"Location": location})


def _raise(exc: Exception) -> httpx.Response:
    raise exc


class FakeFileServer:
    """``http://files.test/<path>``: one path per bad input, plus ``serve()``d PDFs."""

    def __init__(self) -> None:
        self.pdfs: dict[str, bytes] = {}
        self.requests: list[httpx.URL] = []

    def serve(self, path: str, data: bytes) -> str:
        self.pdfs[path] = data
        return f"http://{FILES_HOST}{path}"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url)
        path = request.url.path
        if path in self.pdfs:
            return httpx.Response(200, content=self.pdfs[path],
                                  headers={"Content-Type": "application/pdf"})
        answers = {
            "/not-a-pdf.pdf": lambda: httpx.Response(200, text="<html>Sorry</html>",
                                                     headers={"Content-Type": "text/html"}),
            "/encrypted.pdf": lambda: httpx.Response(200, content=encrypted_pdf()),
            "/broken.pdf": lambda: httpx.Response(200, content=b"%PDF-1.7\nnot really\n%%EOF\n"),
            "/big.pdf": lambda: httpx.Response(200, content=b"%PDF-1.7\n" + b"0" * SMALL_LIMIT),
            "/big-stream.pdf": lambda: httpx.Response(200, content=_chunks(SMALL_LIMIT * 2)),
            "/missing.pdf": lambda: httpx.Response(404, text="no such file"),
            "/redirect-out.pdf": lambda: _redirect("http://evil.example.com/steal.pdf"),
            "/redirect-loop.pdf": lambda: _redirect("/redirect-loop.pdf"),
            "/redirect-ftp.pdf": lambda: _redirect("ftp://files.test/x.pdf"),
            "/slow.pdf": lambda: _raise(httpx.ReadTimeout("read timed out", request=request)),
            "/down.pdf": lambda: _raise(httpx.ConnectError("connection refused",
                                                           request=request)),
        }
        answer = answers.get(path)
        if answer is not None:
            return answer()
        if path.startswith("/redirect-to"):  # /redirect-to/<path>: one hop, same host
            return _redirect(path.removeprefix("/redirect-to"))
        return httpx.Response(404)


def _chunks(size: int) -> Any:
    """A body without Content-Length (streamed in 8 KiB chunks)."""

    def gen() -> Any:
        sent = 0
        yield b"%PDF-1.7\n"
        while sent < size:
            yield b"0" * 8192
            sent += 8192

    return gen()


#: Bad input → words the error message must contain.
BAD_INPUTS: dict[str, tuple[str, str]] = {
    "host not allowed": ("http://evil.example.com/ticket.pdf", "not on the fetch allowlist"),
    "redirect to a host not allowed": (f"http://{FILES_HOST}/redirect-out.pdf",
                                       "not on the fetch allowlist"),
    "redirect to ftp": (f"http://{FILES_HOST}/redirect-ftp.pdf", "Only http and https"),
    "redirect loop": (f"http://{FILES_HOST}/redirect-loop.pdf", "Too many redirects"),
    "unreachable": (f"http://{FILES_HOST}/down.pdf", "Could not fetch"),
    "time-out": (f"http://{FILES_HOST}/slow.pdf", "timed out"),
    "HTTP 404": (f"http://{FILES_HOST}/missing.pdf", "HTTP 404"),
    "not a PDF": (f"http://{FILES_HOST}/not-a-pdf.pdf", "not a PDF"),
    "encrypted PDF": (f"http://{FILES_HOST}/encrypted.pdf", "encrypted"),
    "broken PDF": (f"http://{FILES_HOST}/broken.pdf", "damaged"),
    "too large (Content-Length)": (f"http://{FILES_HOST}/big.pdf", "limit"),
    "too large (streamed)": (f"http://{FILES_HOST}/big-stream.pdf", "limit"),
    "no host": ("http:///ticket.pdf", "no host"),
}


def make_app(server: FakeFileServer | None = None, **overrides: Any) -> Any:
    """A frozen-clock app whose fetches go to ``server`` (allowlist: files.test)."""
    settings: dict[str, Any] = {
        "long_poll_seconds": 5.0, "fetch_allow": (FILES_HOST, "127.0.0.1", "localhost"),
        "fetch_max_bytes": SMALL_LIMIT,
        "fetch_transport": httpx.MockTransport(server or FakeFileServer()),
    }
    settings.update(overrides)
    return create_app(frozen_config(**settings))


def mint(client: TestClient, **body: Any) -> dict[str, Any]:
    """Draw tickets through ``POST /_sim/pdfs``; returns its body (url, tickets, ...)."""
    response = client.post("/_sim/pdfs", json=body)
    assert response.status_code == 201, response.text
    minted: dict[str, Any] = response.json()
    return minted


def upload(client: TestClient, data: bytes, name: str = "upload.pdf") -> str:
    """Store bytes through ``POST /_sim/files``; returns the URL."""
    response = client.post("/_sim/files", params={"name": name}, content=data,
                           headers={"Content-Type": "application/pdf"})
    assert response.status_code == 201, response.text
    url: str = response.json()["url"]
    return url


def finished(client: TestClient, kind: str, job_id: str) -> dict[str, Any]:
    """Long-poll a job until it is no longer RUNNING."""
    for _ in range(20):
        response = client.get(f"/pdfs/v1/{kind}/{job_id}/", headers=HEADERS)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] != "RUNNING":
            return body
    raise AssertionError(f"{kind} job {job_id} still RUNNING")
