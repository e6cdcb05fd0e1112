"""Every spec is valid OpenAPI 3.0.3 and mounted by the app."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from simulator.core.service import Mount
from simulator.core.specs import load_spec
from simulator.services import SERVICES

MOUNTS = [mount for service in SERVICES for mount in service.mounts]


@pytest.mark.parametrize("mount", MOUNTS, ids=lambda m: m.spec)
def test_spec_is_valid_openapi_3_0(mount: Mount) -> None:
    spec = load_spec(mount.spec)
    assert spec["openapi"] == "3.0.3"
    validate(spec)


@pytest.mark.parametrize("mount", MOUNTS, ids=lambda m: m.spec)
def test_spec_and_ui_are_served(client, mount: Mount) -> None:  # type: ignore[no-untyped-def]
    spec = client.get(f"{mount.base_path}/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"]
    assert client.get(f"{mount.base_path}/ui/").status_code == 200
