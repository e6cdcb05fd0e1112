"""``serve --no-control``: the simulator without /_sim stands in for a real deployment."""

from __future__ import annotations

from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import BROKER_HEADERS, frozen_config


def test_without_control_plane_sim_paths_are_a_clean_404_and_the_apis_still_answer() -> None:
    with TestClient(create_app(frozen_config(control=False))) as client:
        assert client.get("/_sim/clock").status_code == 404
        assert client.post("/_sim/reset").status_code == 404
        order = client.get("/sales/v1/Stubhub/order", params={"user_id": 8060, "order_id": "X"},
                           headers=BROKER_HEADERS)
        assert order.status_code == 404
        assert order.json() == {"message": order.json()["message"]}


def test_the_control_plane_is_served_by_default() -> None:
    with TestClient(create_app(frozen_config())) as client:
        assert client.get("/_sim/clock").status_code == 200


def test_without_control_plane_its_root_is_not_pointed_to_a_ui_that_is_not_served() -> None:
    with TestClient(create_app(frozen_config(control=False))) as client:
        for method in ("GET", "POST", "DELETE"):
            root = client.request(method, "/_sim/")
            assert root.status_code == 404
            assert "/_sim/ui/" not in root.json()["message"]
        assert client.get("/_sim/ui/").status_code == 404
