"""Every spec is valid OpenAPI 3.0.3 and mounted by the app."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from simulator.app import SERVICES, load_spec


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.spec)
def test_spec_is_valid_openapi_3_0(service) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(service.spec)
    assert spec["openapi"] == "3.0.3"
    validate(spec)


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.spec)
def test_spec_and_ui_are_served(client, service) -> None:  # type: ignore[no-untyped-def]
    spec = client.get(f"{service.base_path}/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"]
    assert client.get(f"{service.base_path}/ui/").status_code == 200
