"""No vacuous pass: a service that never answered a documented 2xx does not PASS."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from conformance.contract import Contract, ContractViolation
from conformance.coverage import Observations, Outcome
from conformance.specs import ServiceSpec, served


def _sales() -> ServiceSpec:
    return next(service for service in served() if service.name == "sales")


def _observations() -> tuple[Observations, ServiceSpec]:
    return Observations(served()), _sales()


def test_nothing_exercised_is_not_run() -> None:
    observations, sales = _observations()
    assert observations.verdict(sales, inconclusive=False).outcome is Outcome.NOT_RUN


def test_positive_cases_without_a_documented_2xx_fail() -> None:
    observations, sales = _observations()
    hold, order = sales.operation("create_hold"), sales.operation("get_order")
    observations.record(hold, 200)
    observations.record_positive(hold, 200)
    for status in (404, 299, 500):
        observations.record(order, status)
        observations.record_positive(order, status)
    verdict = observations.verdict(sales, inconclusive=False)
    assert verdict.outcome is Outcome.FAIL
    assert any("get_order" in problem for problem in verdict.problems)
    assert not any("create_hold" in problem for problem in verdict.problems)


def test_a_service_with_only_errors_fails_even_without_positive_cases() -> None:
    observations, sales = _observations()
    observations.record(sales.operation("create_hold"), 401)
    verdict = observations.verdict(sales, inconclusive=False)
    assert verdict.outcome is Outcome.FAIL
    assert "not one documented 2xx" in verdict.problems[-1]


def test_read_only_without_data_is_inconclusive_rather_than_failed() -> None:
    observations, sales = _observations()
    order = sales.operation("get_order")
    observations.record(order, 404)
    observations.record_positive(order, 404)
    assert observations.verdict(sales, inconclusive=True).outcome is Outcome.INCONCLUSIVE


def test_every_operation_that_succeeded_passes() -> None:
    observations, sales = _observations()
    order = sales.operation("get_order")
    observations.record(order, 200)
    observations.record_positive(order, 200)
    observations.withhold(sales.operation("create_hold"))
    assert observations.verdict(sales, inconclusive=False).outcome is Outcome.PASS
    rows = {row["operation_id"]: row for row in observations.rows() if row["service"] == "sales"}
    assert rows["create_hold"]["withheld"] == 1
    assert (rows["get_order"]["positive"], rows["get_order"]["positive_2xx"]) == (1, 1)


def _response(status: int, content_type: str, body: bytes) -> httpx.Response:
    request = httpx.Request("GET", "http://testserver/sales/v1/Stubhub/order?user_id=1&order_id=X")
    response = httpx.Response(status, headers={"content-type": content_type}, content=body,
                              request=request)
    response.elapsed = timedelta(milliseconds=1)
    return response


def test_the_contract_refuses_an_html_error_page() -> None:
    contract = Contract(served())
    contract.check(_response(404, "application/json", b'{"message": "Order not found"}'))
    with pytest.raises(ContractViolation, match="content type text/html"):
        contract.check(_response(404, "text/html", b"<html>Not found</html>"))


def test_the_contract_refuses_an_undocumented_status() -> None:
    with pytest.raises(ContractViolation, match="299, which is not documented"):
        Contract(served()).check(_response(299, "application/json", b"{}"))
