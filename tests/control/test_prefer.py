"""``Prefer``: every documented status of every operation of every served spec.

Generated from the specs: a service added to the registry is covered by the
same test without a line of its own.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.core.http.operations import OperationIndex, Route
from simulator.services import SERVICES
from tests.conftest import frozen_config
from tests.control.helpers import post_hold

ROUTES = OperationIndex.of_services(SERVICES).routes()
CASES = [(route, status) for route in ROUTES for status in route.statuses()]


def _url(route: Route) -> str:
    return re.sub(r"\{[^/]+\}", "x1", route.template)


def _check(route: Route, status: int, response: Any) -> None:
    documented = route.responses()[str(status)]
    content = documented.get("content", {})
    if "application/json" not in content:
        return
    schema = content["application/json"].get("schema", {})
    registry: Registry[Any] = Registry().with_resource(
        "urn:spec", Resource.opaque(route.document))
    resolved = json.loads(json.dumps(schema).replace('"#/components', '"urn:spec#/components'))
    OAS30Validator(resolved, registry=registry).validate(response.json())


@pytest.fixture(scope="module")
def shared_client() -> Any:
    app = create_app(frozen_config())
    with TestClient(app) as client:
        yield client
    app.simulator.close()


@pytest.mark.parametrize(("route", "status"), CASES,
                         ids=[f"{r.service}.{r.operation_id}.{s}" for r, s in CASES])
def test_prefer_code_answers_the_documented_response(shared_client: TestClient, route: Route,
                                                     status: int) -> None:
    response = shared_client.request(route.method, _url(route),
                                     headers={"Prefer": f"code={status}"})
    assert response.status_code == status
    assert response.headers["preference-applied"] == f"code={status}"
    _check(route, status, response)
    dynamic = shared_client.request(route.method, _url(route),
                                    headers={"Prefer": f"code={status}, dynamic=true"})
    assert dynamic.status_code == status
    _check(route, status, dynamic)


def test_undocumented_code_lists_the_documented_ones(client: TestClient) -> None:
    response = post_hold(client, "o1", Prefer="code=418")
    assert response.status_code == 400
    assert "documented: 200, 400, 401" in response.json()["message"]
    assert client.get("/_sim/journal").json()["entries"][0]["status"] == 400


def test_prefer_changes_no_state_and_dynamic_is_seeded(client: TestClient) -> None:
    assert post_hold(client, "o1", Prefer="code=200").status_code == 200
    assert post_hold(client, "o2").status_code == 200  # the Preferred hold held nothing
    first = post_hold(client, "o3", Prefer="dynamic=true, seed=5").json()
    again = post_hold(client, "o3", Prefer="dynamic=true; seed=5").json()
    other = post_hold(client, "o3", Prefer="dynamic=true, seed=6").json()
    assert first == again != other
    client.post("/_sim/reset")
    sequence = [post_hold(client, "o", Prefer="dynamic=true").json() for _ in range(2)]
    client.post("/_sim/reset")
    assert sequence == [post_hold(client, "o", Prefer="dynamic=true").json() for _ in range(2)]


def test_named_examples(client: TestClient) -> None:
    named = [(route, status, name) for route in ROUTES for status in route.statuses()
             for media in route.responses()[str(status)].get("content", {}).values()
             for name in media.get("examples", {})]
    for route, status, name in named:
        response = client.request(route.method, _url(route), headers={"Prefer": f"example={name}"})
        assert response.status_code == status
    missing = post_hold(client, "o1", Prefer="example=nonexistent")
    assert missing.status_code == 400 and "example=nonexistent" in missing.json()["message"]


def test_unknown_preferences_are_ignored(client: TestClient) -> None:
    assert post_hold(client, "o1", Prefer="respond-async, wait=5").json()["order_id"] == "o1"
