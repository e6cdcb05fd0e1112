"""Sales rules on a frozen clock, called directly (no HTTP)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.core.errors import BadRequest, Conflict, InjectedFailure, NotFound
from simulator.runtime import Simulator
from simulator.services.platform.marketplaces import by_name
from simulator.services.sales import domain as sales
from tests.sales_fixtures import GA, OTHERS, SEATED, document, hold_body, invoice_body


@pytest.fixture
def sim() -> Simulator:
    simulator = Simulator(SimConfig(db=":memory:", clock=ClockMode.FROZEN))
    simulator.load_fixtures(document())
    return simulator


def hold(sim: Simulator, body: dict[str, Any], market: str = "Stubhub") -> dict[str, Any]:
    def run(conn: Connection, now: Any) -> dict[str, Any]:
        return sales.create_hold(conn, now, by_name(conn, market), body["hold_length"],
                                 sales.SaleRequest.from_json(body))
    return sim.run(run)


def release(sim: Simulator, order_id: str, market: str = "Stubhub") -> dict[str, Any]:
    def run(conn: Connection, now: Any) -> dict[str, Any]:
        request = sales.SaleRequest.from_json(
            {"order_id": order_id, "broker": "BRK8060", "listing_id": SEATED})
        return sales.release_hold(conn, now, by_name(conn, market), request)
    return sim.run(run)


def invoice(sim: Simulator, body: dict[str, Any], market: str = "Stubhub") -> dict[str, Any]:
    def run(conn: Connection, now: Any) -> dict[str, Any]:
        return sales.create_invoice(conn, now, by_name(conn, market),
                                    sales.SaleRequest.from_json(body), sales.Payout(35.5))
    return sim.run(run)


A1 = [{"row": "A", "seat": "1"}]


def test_hold_expires_exactly_at_hold_length(sim: Simulator) -> None:
    view = hold(sim, hold_body("o1", A1, hold_length=15))
    assert view["status"] == "HELD"
    sim.clock.advance(timedelta(minutes=15) - timedelta(microseconds=1))
    with pytest.raises(Conflict):
        hold(sim, hold_body("o2", A1))
    sim.clock.advance(timedelta(microseconds=1))
    assert hold(sim, hold_body("o2", A1))["status"] == "HELD"
    assert release(sim, "o1")["status"] == "EXPIRED"


def test_expiry_timer_fires_at_the_due_time(sim: Simulator) -> None:
    hold(sim, hold_body("o1", A1, hold_length=1))
    assert sim.clock.pending() == 1
    sim.clock.advance(timedelta(minutes=5))
    assert sim.clock.pending() == 0
    assert release(sim, "o1")["status"] == "EXPIRED"


def test_seats_held_for_another_order_conflict(sim: Simulator) -> None:
    hold(sim, hold_body("o1", [{"row": "A", "seat": "1"}, {"row": "A", "seat": "2"}]))
    with pytest.raises(Conflict, match="seat '2'"):
        hold(sim, hold_body("o2", [{"row": "A", "seat": "2"}]), market="Vivid")


def test_same_hold_again_is_idempotent_and_other_seats_conflict(sim: Simulator) -> None:
    first = hold(sim, hold_body("o1", A1))
    sim.clock.advance(timedelta(minutes=1))
    assert hold(sim, hold_body("o1", A1)) == first
    with pytest.raises(Conflict, match="already has a held hold"):
        hold(sim, hold_body("o1", [{"row": "A", "seat": "3"}]))


def test_release_frees_seats_and_a_second_release_is_harmless(sim: Simulator) -> None:
    hold(sim, hold_body("o1", A1))
    assert release(sim, "o1")["status"] == "RELEASED"
    assert release(sim, "o1")["status"] == "RELEASED"
    assert hold(sim, hold_body("o2", A1))["status"] == "HELD"


def test_release_of_unknown_order_or_listing_is_404(sim: Simulator) -> None:
    with pytest.raises(NotFound):
        release(sim, "never-held")


def test_ga_seats_take_any_free_place(sim: Simulator) -> None:
    ga = [{"row": "FLOOR", "seat": ""}]
    hold(sim, hold_body("g1", ga * 2, listing=GA, section="GA"))
    hold(sim, hold_body("g2", ga, listing=GA, section="GA"))
    with pytest.raises(Conflict, match="no free place"):
        hold(sim, hold_body("g3", ga, listing=GA, section="GA"))


def test_a_seat_named_twice_is_held_once(sim: Simulator) -> None:
    view = hold(sim, hold_body("o1", A1 * 2))
    assert view["tickets"] == A1
    assert hold(sim, hold_body("o1", A1))["expires_at"] == view["expires_at"]  # the same hold
    sold = invoice(sim, invoice_body("o1", A1 * 2))
    assert sold["tickets"] == A1
    with pytest.raises(Conflict):
        hold(sim, hold_body("o2", A1))


def test_invalid_input_is_a_bad_request(sim: Simulator) -> None:
    with pytest.raises(BadRequest, match="row 'Z'"):
        hold(sim, hold_body("o1", [{"row": "Z", "seat": "1"}]))
    with pytest.raises(BadRequest, match="seat '9'"):
        hold(sim, hold_body("o1", [{"row": "A", "seat": "9"}]))
    with pytest.raises(BadRequest, match="section"):
        hold(sim, hold_body("o1", A1, section="99"))
    with pytest.raises(BadRequest, match="broker"):
        hold(sim, hold_body("o1", A1, listing=OTHERS, section="1"))
    with pytest.raises(BadRequest, match="hold_length"):
        hold(sim, hold_body("o1", A1, hold_length=21))
    with pytest.raises(NotFound):
        hold(sim, hold_body("o1", A1, listing="nope"))


def test_magic_order_ids_force_documented_failures(sim: Simulator) -> None:
    with pytest.raises(InjectedFailure) as forced:
        hold(sim, hold_body("SIM-409-x", A1))
    assert forced.value.status == 409
    with pytest.raises(InjectedFailure) as failed:
        hold(sim, hold_body("SIM-500-x", A1))
    assert failed.value.status == 500


def test_invoice_sells_the_hold_and_is_idempotent(sim: Simulator) -> None:
    hold(sim, hold_body("o1", A1))
    first = invoice(sim, invoice_body("o1", A1))
    assert invoice(sim, invoice_body("o1", A1)) == first
    sim.clock.advance(timedelta(hours=1))  # sold seats never expire
    with pytest.raises(Conflict):
        hold(sim, hold_body("o2", A1))
    with pytest.raises(BadRequest, match="invoiced"):
        release(sim, "o1")


def test_invoice_without_hold_takes_free_seats_only(sim: Simulator) -> None:
    hold(sim, hold_body("o1", A1))
    with pytest.raises(BadRequest, match="Invalid seats"):
        invoice(sim, invoice_body("o2", A1))
    assert invoice(sim, invoice_body("o3", [{"row": "A", "seat": "4"}]))["tickets"] == [
        {"row": "A", "seat": "4"}]


def test_invoice_must_match_the_hold(sim: Simulator) -> None:
    hold(sim, hold_body("o1", A1))
    with pytest.raises(BadRequest, match="differ"):
        invoice(sim, invoice_body("o1", [{"row": "A", "seat": "2"}]))


def test_fixture_order_seats_are_sold(sim: Simulator) -> None:
    with pytest.raises(Conflict):
        hold(sim, hold_body("o1", [{"row": "B", "seat": "2"}]))


def test_order_status_progresses_on_the_clock(sim: Simulator) -> None:
    invoice(sim, invoice_body("o1", A1))

    def status() -> str:
        def run(conn: Connection, now: Any) -> str:
            order = sales.get_order(conn, now, by_name(conn, "stubhub"), 8060, "o1")
            return str(order["order_status"])
        return sim.run(run)

    assert status() == "Pending"
    sim.clock.advance(timedelta(minutes=1))
    assert status() == "Confirmed"
    sim.clock.advance(timedelta(minutes=9))
    assert status() == "Completed"
