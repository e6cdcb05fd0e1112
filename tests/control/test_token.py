"""Who may steer: the control token, and serve's refusal to expose an open control plane."""

from __future__ import annotations

from click.testing import CliRunner
from starlette.testclient import TestClient

from simulator.cli import control_exposure, main
from tests.conftest import fresh_app
from tests.control.helpers import post_hold


def test_every_control_call_needs_the_token_when_set() -> None:
    app = fresh_app(control_token="s3cret")
    with TestClient(app) as client:
        for method, path in [("GET", "/_sim/clock"), ("POST", "/_sim/reset"),
                             ("GET", "/_sim/journal"), ("GET", "/_sim/state"),
                             ("POST", "/_sim/faults"), ("GET", "/_sim/nowhere")]:
            response = client.request(method, path)
            assert response.status_code == 401, path
            assert "Authorization: Bearer" in response.json()["message"]
            assert response.headers["www-authenticate"].startswith("Bearer")
        wrong = client.get("/_sim/clock", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = client.get("/_sim/clock", headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 200
        assert post_hold(client, "o1").status_code == 200  # product APIs are not affected
        journal = client.get("/_sim/journal", headers={"Authorization": "Bearer s3cret"})
        assert "s3cret" not in journal.text
    app.simulator.close()


def test_serve_refuses_a_public_address_without_a_token() -> None:
    assert control_exposure("127.0.0.1", None, False) is None
    assert control_exposure("localhost", None, False) is None
    assert control_exposure("0.0.0.0", "t", False) is None
    assert control_exposure("0.0.0.0", None, True) is None
    reason = control_exposure("0.0.0.0", None, False)
    assert reason is not None and "--control-token" in reason and "reset" in reason
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "1"],
                                env={"TICKETSIM_CONTROL_TOKEN": ""})
    assert result.exit_code == 2 and "--insecure-control" in result.output


def test_the_bearer_scheme_is_case_insensitive() -> None:
    """RFC 7235: auth schemes are case-insensitive; some clients send ``bearer``."""
    app = fresh_app(control_token="s3cret")
    with TestClient(app) as client:
        for value in ("bearer s3cret", "BEARER s3cret", "Bearer  s3cret"):
            assert client.get("/_sim/clock", headers={"Authorization": value}
                              ).status_code == 200, value
        for value in ("s3cret", "Basic s3cret", "Bearer s3cre", "Bearer s3cret2", "bearer"):
            assert client.get("/_sim/clock", headers={"Authorization": value}
                              ).status_code == 401, value
    app.simulator.close()
