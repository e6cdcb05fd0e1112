"""Per-route and per-operation work done once: remembered routes, kept request validation,
and the handler's request reusing the validated JSON body."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route, Router
from starlette.testclient import TestClient

from simulator.core.http import routes
from simulator.core.http.routes import MemoRouter
from tests.conftest import MARKETPLACE_HEADERS
from tests.sales_fixtures import document, hold_body

A1 = [{"row": "A", "seat": "1"}]


@pytest.fixture
def sales_client(client: TestClient) -> TestClient:
    assert client.post("/_sim/fixtures", json=document()).status_code == 200
    return client


async def _echo(request: Any) -> JSONResponse:
    return JSONResponse({"params": request.path_params, "method": request.method})


async def _fallback(scope: Any, receive: Any, send: Any) -> None:
    await PlainTextResponse("default", status_code=404)(scope, receive, send)


def _router() -> MemoRouter:
    inner = Router(routes=[Route("/items/{item}", _echo, methods=["GET"]),
                           Route("/items/", _echo, methods=["GET"])])
    router = MemoRouter(default=_fallback)
    router.mount("/api", app=MemoRouter.like(inner))
    return router


def _get(router: Router, method: str, path: str) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=router)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.request(method, path, follow_redirects=False)
    return asyncio.run(call())


def test_remembered_route_still_reads_each_paths_parameters() -> None:
    router = _router()
    for _ in range(2):  # the second round answers from the remembered landings
        assert _get(router, "GET", "/api/items/1").json()["params"] == {"item": "1"}
        assert _get(router, "GET", "/api/items/two").json()["params"] == {"item": "two"}


def test_remembered_router_answers_as_starlettes() -> None:
    memo, plain = _router(), Router(routes=[Mount("/api", routes=[
        Route("/items/{item}", _echo, methods=["GET"]),
        Route("/items/", _echo, methods=["GET"])])], default=_fallback)
    cases = [("GET", "/api/items/1"), ("POST", "/api/items/1"), ("GET", "/api/items"),
             ("GET", "/elsewhere"), ("DELETE", "/api/items/")]
    for _ in range(2):
        for method, path in cases:
            got, want = _get(memo, method, path), _get(plain, method, path)
            assert (got.status_code, got.headers.get("location"), got.text) == (
                want.status_code, want.headers.get("location"), want.text), (method, path)


def test_remembered_paths_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "PATHS", 2)
    router = _router()
    for item in range(5):
        assert _get(router, "GET", f"/{item}").text == "default"
    assert len(router._landings) == 2


def test_the_validated_json_body_is_parsed_once(sales_client: TestClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.dumps(hold_body("parsed-once", A1))
    seen: list[Any] = []
    real = json.loads

    def counting(text: Any, *args: Any, **kwargs: Any) -> Any:
        if (text.decode() if isinstance(text, bytes) else text) == body:
            seen.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    response = sales_client.post("/sales/v1/Stubhub", content=body.encode(),
                           headers={**MARKETPLACE_HEADERS, "content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["order_id"] == "parsed-once"
    assert len(seen) == 1


def test_a_body_in_another_charset_is_read_as_before(sales_client: TestClient) -> None:
    """Validation reads it in the declared charset; the handler's copy comes from the
    bytes as JSON reads them (as before), not from validation's parse."""
    body = json.dumps(hold_body("latin-1", A1)).encode()
    response = sales_client.post("/sales/v1/Stubhub", content=body, headers={
        **MARKETPLACE_HEADERS, "content-type": "application/json; charset=latin-1"})
    assert response.status_code == 200, response.text
    assert response.json()["order_id"] == "latin-1"


def test_media_type_verdicts_are_kept_per_type(sales_client: TestClient) -> None:
    answers = []
    for content_type in ("application/xml", "application/json", "application/xml"):
        response = sales_client.post("/sales/v1/Stubhub", content=b'{"order_id": 5}',
                               headers={**MARKETPLACE_HEADERS, "content-type": content_type})
        answers.append((response.status_code, response.json()["message"]))
    assert answers[0] == answers[2]
    assert answers[0][0] == 415 and "application/xml" in answers[0][1]
    assert answers[1] == (400, "body: 'broker' is required")  # validated as JSON


def test_swagger_pages_still_answer_beside_the_apis(sales_client: TestClient) -> None:
    """The Swagger UI middleware hands API requests on without routing; its own pages
    (and its trailing-slash redirect) still answer, twice (the second from memory)."""
    for _ in range(2):
        assert sales_client.get("/sales/v1/openapi.json").json()["info"]["title"]
        assert sales_client.get("/sales/v1/ui/").status_code == 200
        redirect = sales_client.get("/sales/v1/ui", follow_redirects=False)
        assert (redirect.status_code, redirect.headers["location"].endswith("/sales/v1/ui/")
                ) == (307, True)
        assert sales_client.put("/sales/v1/Stubhub", headers=MARKETPLACE_HEADERS
                                ).status_code == 405


def test_kept_operations_answer_body_definitions_as_connexions() -> None:
    from connexion.operations import OpenAPIOperation
    from connexion.resolver import RelativeResolver
    from connexion.spec import Specification

    from simulator.core.http.checks import KeptOperation
    from simulator.core.specs import load_spec

    spec = Specification.load(load_spec("sales.yaml"))
    kept, stock = (cls.from_spec(spec, path="/{marketplace_name}", method="post",
                                 resolver=RelativeResolver("simulator.services.sales.api"))
                     for cls in (KeptOperation, OpenAPIOperation))
    for content_type in (None, "application/json", "text/plain", "application/json"):
        assert kept.body_definition(content_type) == stock.body_definition(content_type)
    assert kept.body_schema("application/json")["allOf"]


def test_a_bounded_memo_keeps_none_and_forgets_the_oldest_first() -> None:
    from simulator.core.http.memo import Bounded

    made: list[str] = []

    def make(key: str) -> str | None:
        made.append(key)
        return None if key == "none" else key.upper()

    memo: Bounded[str, str | None] = Bounded(2)
    assert memo.remember("none", make, "none") is None
    assert memo.remember("none", make, "none") is None  # a kept None is not made again
    assert memo.remember("a", make, "a") == "A"
    assert memo.remember("b", make, "b") == "B"  # full: "none", the oldest, goes
    assert list(memo) == ["a", "b"]
    assert made == ["none", "a", "b"]
