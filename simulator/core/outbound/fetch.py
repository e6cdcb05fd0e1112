"""Fetching a PDF from a URL, guarded against SSRF and oversized downloads.

The decoder, splitter and merger read their inputs from URLs. Only hosts on
an allowlist may be fetched (``--fetch-allow``; loopback by default), and
redirects are followed by hand so that every hop is checked against the
list again. Downloads are streamed with a byte limit and a time limit.
Every failure is one of the simulator's errors:

    FetchRefused   scheme not http(s), host not allowed (also after a redirect)
    FetchFailed    unreachable, time-out, HTTP error status, too many redirects
    TooLarge       more than ``max_bytes``

The transport is injectable (``httpx.MockTransport`` in tests).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from simulator.core.errors import FetchFailed, FetchRefused, TooLarge

__all__ = ["FetchPolicy", "Fetcher"]

ANY_HOST = "*"


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Where and how much the simulator may fetch."""

    allow_hosts: frozenset[str]
    max_bytes: int = 25 * 1024 * 1024
    timeout_seconds: float = 20.0
    max_redirects: int = 5

    @classmethod
    def of(cls, hosts: Iterable[str], *, max_bytes: int, timeout_seconds: float,
           max_redirects: int) -> FetchPolicy:
        """A policy from host names (``*`` allows every host)."""
        return cls(frozenset(_normal_host(h) for h in hosts if h.strip()), max_bytes,
                   timeout_seconds, max_redirects)

    def check(self, url: httpx.URL) -> None:
        """Refuse a URL whose scheme or host is not allowed."""
        if url.scheme not in ("http", "https"):
            raise FetchRefused(f"Only http and https URLs can be fetched, not '{url.scheme}:'")
        host = _normal_host(url.host)
        if not host:
            raise FetchRefused(f"The URL has no host: {str(url)[:80]!r}")
        if ANY_HOST not in self.allow_hosts and host not in self.allow_hosts:
            raise FetchRefused(f"The host '{host}' is not on the fetch allowlist "
                               "(see --fetch-allow)")


class Fetcher:
    """Downloads one URL under a :class:`FetchPolicy` (thread-safe; one client per call)."""

    def __init__(self, policy: FetchPolicy, transport: httpx.BaseTransport | None = None
                 ) -> None:
        self.policy = policy
        self.transport = transport

    def fetch(self, url: str) -> bytes:
        """The body at ``url``, after following allowed redirects."""
        return self.fetch_typed(url)[0]

    def fetch_typed(self, url: str) -> tuple[bytes, str]:
        """(body, declared Content-Type) at ``url``, after following allowed redirects."""
        policy = self.policy
        deadline = time.monotonic() + policy.timeout_seconds
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchRefused(f"The URL is not valid: {exc}") from None
        with httpx.Client(transport=self.transport, follow_redirects=False, trust_env=False,
                          timeout=httpx.Timeout(policy.timeout_seconds)) as client:
            for _hop in range(policy.max_redirects + 1):
                policy.check(target)
                try:
                    location = self._get(client, target, deadline)
                except httpx.TimeoutException:
                    raise FetchFailed(f"Fetching {target} timed out after "
                                      f"{policy.timeout_seconds:g} s") from None
                except httpx.HTTPError as exc:
                    raise FetchFailed(f"Could not fetch {target}: {exc or type(exc).__name__}"
                                      ) from None
                if isinstance(location, tuple):
                    return location
                target = location
        raise FetchFailed(f"Too many redirects (more than {policy.max_redirects}) from {url}")

    def _get(self, client: httpx.Client, url: httpx.URL, deadline: float
             ) -> tuple[bytes, str] | httpx.URL:
        """One hop: the body and its type, or the URL a redirect points to."""
        with client.stream("GET", url) as response:
            if response.is_redirect:
                location = response.headers.get("location")
                if not location:
                    raise FetchFailed(f"{url} answered {response.status_code} "
                                      "without a Location header")
                try:
                    return url.join(location)
                except httpx.InvalidURL as exc:
                    raise FetchFailed(f"{url} redirected to an invalid URL: {exc}") from None
            if response.status_code >= 400:
                raise FetchFailed(f"{url} answered HTTP {response.status_code}")
            return self._read(response, deadline), response.headers.get("content-type", "")

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"The file is {int(declared)} bytes; the limit is {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"The file is larger than the limit of {limit} bytes")
            if time.monotonic() > deadline:
                raise FetchFailed(f"Fetching {response.url} took longer than "
                                  f"{self.policy.timeout_seconds:g} s")
            chunks.append(chunk)
        return b"".join(chunks)
