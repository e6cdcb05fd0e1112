"""A loopback file server whose answers wait until the test opens the gate.

A PDF job fetching from it stays RUNNING, in whichever process runs it,
until :meth:`Gate.open`; no sleeps are needed to hold a job in flight.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf

HOLD_SECONDS = 60.0  # bounded: a forgotten gate still lets the server stop


def two_page_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Gate:
    """Serves one PDF at every path once opened; counts requests arrived."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.arrived = threading.Semaphore(0)
        self.pdf = two_page_pdf()
        self.url = ""

    def open(self) -> None:
        self.opened.set()

    def close(self) -> None:
        self.opened.clear()


@contextmanager
def gate() -> Iterator[Gate]:
    """A :class:`Gate` served on a free loopback port (``gate.url`` ends in ``/ticket.pdf``)."""
    state = Gate()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.arrived.release()
            state.opened.wait(HOLD_SECONDS)
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(state.pdf)))
            self.end_headers()
            self.wfile.write(state.pdf)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/ticket.pdf"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.open()
        server.shutdown()
        server.server_close()
