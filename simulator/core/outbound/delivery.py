"""Sending one outbound call: allowlisted, signed, time-limited, size-limited, never raising.

:class:`Sender` makes exactly one HTTP attempt and describes it as an
:class:`Outcome` (status, body, latency, error); it never raises for what a
receiver does (refused connection, time-out, 5xx, redirect, huge body), so
the caller (the delivery runtime) decides about retries. Redirects are not
followed (as Stripe and GitHub webhooks do): a 3xx is a failed attempt, and
a redirect to a host off the allowlist is a permanent failure.

The transport is injectable (``httpx.MockTransport`` in tests, a fault hook
from the control plane: wrap it in one line). Hosts are checked against the
same :class:`~simulator.core.outbound.fetch.FetchPolicy` as the PDF fetcher.
:func:`~simulator.core.outbound.retry.backoff` is the retry schedule.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

from simulator.core.errors import FetchRefused
from simulator.core.outbound.fetch import FetchPolicy
from simulator.core.outbound.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
)

__all__ = ["Call", "Outcome", "Sender"]

EXCERPT_BYTES = 2048


@dataclass(frozen=True, slots=True)
class Call:
    """One request to make: where, what, signed with which secret."""

    method: str
    url: str
    body: bytes | None
    secret: str
    idempotency_key: str
    timestamp: int
    content_type: str = "application/json"


@dataclass(slots=True)
class Outcome:
    """What one attempt got. ``permanent``: retrying cannot help (host not allowed)."""

    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    latency_ms: float = 0.0
    error: str | None = None
    permanent: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    def excerpt(self) -> str:
        """The first bytes of the answer, as text (binary bodies are summarised)."""
        if self.content_type.startswith("application/pdf"):
            return f"<{len(self.body)} bytes of PDF>"
        return self.body[:EXCERPT_BYTES].decode("utf-8", errors="replace")


class Sender:
    """Makes single attempts under a policy (thread-safe: one client shared, no state)."""

    def __init__(self, policy: FetchPolicy, transport: httpx.BaseTransport | None = None
                 ) -> None:
        self.policy = policy
        self._transport = transport
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> httpx.Client:
        """The shared client, made on the first attempt: its TLS context costs ~0.1 s,
        which start-up need not pay."""
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(transport=self._transport, follow_redirects=False,
                                            trust_env=False,
                                            timeout=httpx.Timeout(self.policy.timeout_seconds))
            return self._client

    def headers(self, call: Call) -> dict[str, str]:
        """The signed headers of ``call`` (also what the delivery log shows)."""
        found = {TIMESTAMP_HEADER: str(call.timestamp),
                 SIGNATURE_HEADER: sign(call.secret, call.timestamp, call.body or b""),
                 IDEMPOTENCY_HEADER: call.idempotency_key,
                 "User-Agent": "ticketsim-outbound/1"}
        if call.body is not None:
            found["Content-Type"] = call.content_type
        return found

    def send(self, call: Call) -> Outcome:
        """Make the attempt; every failure is described, none raised."""
        started = time.monotonic()
        outcome = self._send(call, started)
        outcome.latency_ms = round((time.monotonic() - started) * 1000, 3)
        return outcome

    def _send(self, call: Call, started: float) -> Outcome:
        try:
            url = httpx.URL(call.url)
            self.policy.check(url)
        except (httpx.InvalidURL, FetchRefused) as exc:
            return Outcome(error=f"refused: {getattr(exc, 'message', exc)}", permanent=True)
        try:
            with self.client.stream(call.method, url, content=call.body,
                                    headers=self.headers(call)) as response:
                if response.is_redirect:
                    return self._redirect(url, response)
                data, error = self._read(response, started)
                return Outcome(status=response.status_code, body=data, error=error,
                               content_type=response.headers.get("content-type", ""),
                               headers={k.lower(): v for k, v in response.headers.items()})
        except httpx.TimeoutException:
            return Outcome(error=f"timed out after {self.policy.timeout_seconds:g} s")
        except httpx.HTTPError as exc:
            return Outcome(error=f"{type(exc).__name__}: {exc}"[:300])

    def _redirect(self, url: httpx.URL, response: httpx.Response) -> Outcome:
        location = response.headers.get("location", "")
        status = response.status_code
        try:
            self.policy.check(url.join(location))
        except (httpx.InvalidURL, FetchRefused) as exc:
            return Outcome(status=status, permanent=True,
                           error=f"redirect to {location[:120]!r} refused: "
                                 f"{getattr(exc, 'message', exc)}")
        return Outcome(status=status, error=f"redirect to {location[:120]!r} not followed")

    def _read(self, response: httpx.Response, started: float) -> tuple[bytes, str | None]:
        """The answer's bytes up to the policy's limit and deadline."""
        limit = self.policy.max_bytes
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                return b"".join(chunks), f"answer larger than {limit} bytes"
            if time.monotonic() - started > self.policy.timeout_seconds:
                return b"".join(chunks), (f"answer took longer than "
                                          f"{self.policy.timeout_seconds:g} s")
            chunks.append(chunk)
        return b"".join(chunks), None

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
