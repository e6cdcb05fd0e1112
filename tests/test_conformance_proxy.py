"""The self-test's reverse proxy: every method, path, query, header and body unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.faults import read_body
from conformance.proxy import Forwarder, Proxy


async def echo(scope: Any, receive: Any, send: Any) -> None:
    """An upstream answering with what it received."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = await read_body(receive)
    answer = json.dumps({
        "method": scope["method"], "path": scope["raw_path"].decode(),
        "query": scope["query_string"].decode(), "body": body.decode(),
        "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
    }).encode()
    await send({"type": "http.response.start", "status": 207,
                "headers": [(b"content-type", b"application/json"), (b"x-upstream", b"yes"),
                            (b"server", b"echo"), (b"date", b"Fri, 27 Nov 2026 00:00:00 GMT")]})
    await send({"type": "http.response.body", "body": answer})


@pytest.fixture(scope="module")
def proxied() -> Iterator[str]:
    with Proxy(echo) as upstream, Proxy(Forwarder(upstream.url)) as proxy:
        yield proxy.url


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
                                    "QUERY"])
def test_every_method_is_forwarded_unchanged(proxied: str, method: str) -> None:
    response = httpx.request(method, f"{proxied}/a/b%20c/?x=1&y=%2F", content=b'{"k": 1}',
                             headers={"x-api-key": "secret", "content-type": "application/json"})
    assert response.status_code == 207
    assert response.headers["x-upstream"] == "yes"
    assert response.headers.get_list("server") == ["echo"]  # relayed, not doubled
    assert response.headers.get_list("date") == ["Fri, 27 Nov 2026 00:00:00 GMT"]
    seen = response.json()
    assert seen["method"] == method
    assert seen["path"] == "/a/b%20c/"
    assert seen["query"] == "x=1&y=%2F"
    assert seen["body"] == '{"k": 1}'
    assert seen["headers"]["x-api-key"] == "secret"


def test_only_loopback_upstreams() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Forwarder("http://example.com")


def test_the_proxy_listens_on_the_port_it_is_given() -> None:
    with Proxy(echo) as probe:
        port = probe.port  # free a moment ago: taken again once released
    with Proxy(Forwarder("http://127.0.0.1:9"), port=port) as proxy:
        assert proxy.url == f"http://127.0.0.1:{port}"
