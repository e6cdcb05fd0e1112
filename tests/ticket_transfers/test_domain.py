"""Transfer rules on a frozen clock: every transition, exact expiry, secrets, subsets, races."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from simulator.core.errors import BadRequest, NotFound, Unauthorized
from simulator.runtime import Simulator
from simulator.services.ticket_transfers import domain, outbox
from simulator.services.ticket_transfers.domain import CreateRequest
from simulator.services.ticket_transfers.errors import TransferFinished
from simulator.services.ticket_transfers.model import TRANSFER, TransferStatus, stamp
from simulator.services.ticket_transfers.settings import TransferSettings
from simulator.services.ticket_transfers.tables import tt_outbox
from simulator.services.ticket_transfers.tickets import TicketKey
from tests.ticket_transfers.conftest import KNOWN

SETTINGS = TransferSettings()


def _create(sim: Simulator, tickets: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    request = CreateRequest(tuple(TicketKey(t["_id"], t["secret"]) for t in tickets),
                            {"email": "rec@example.com"}, **extra)
    result: dict[str, Any] = sim.run(domain.create_transfer, request, SETTINGS)
    return result


def _private(sim: Simulator, transfer_id: str) -> dict[str, Any]:
    result: dict[str, Any] = sim.run(domain.get_private, KNOWN.seller, transfer_id)
    return result


def test_the_table_allows_only_created_to_a_final_state() -> None:
    assert TRANSFER.allows(None, TransferStatus.CREATED)
    for final in (TransferStatus.TRANSFERRED, TransferStatus.REJECTED, TransferStatus.EXPIRED):
        assert TRANSFER.allows(TransferStatus.CREATED, final)
        assert not TRANSFER.allows(None, final)
        for other in TransferStatus:
            assert not TRANSFER.allows(final, other)


def test_create_then_accept_issues_new_tickets_and_kills_old_secrets(
        simulator: Simulator) -> None:
    tickets = KNOWN.free(count=2)
    created = _create(simulator, tickets)
    assert created["status"] == "CREATED"
    accepted = simulator.run(domain.accept_transfer, created["_id"], created["secret"],
                             "Ada", "Lovelace", None)
    assert accepted["status"] == "TRANSFERRED"
    outcome = accepted["outcome"]["tickets"]
    assert [o["originTicketId"] for o in outcome] == [t["_id"] for t in tickets]
    assert {t["id"] for t in accepted["tickets"]} == {o["ticketId"] for o in outcome}
    assert all(t["name"] == "Ada Lovelace" for t in accepted["tickets"])
    with pytest.raises(BadRequest, match="no longer valid"):
        _create(simulator, tickets[:1])
    new = accepted["tickets"][0]
    again = _create(simulator, [{"_id": new["id"], "secret": new["secret"]}])
    assert again["status"] == "CREATED"  # the recipient may pass the new ticket on
    private = _private(simulator, created["_id"])
    assert [h["type"] for h in private["history"]] == ["created", "transferred"]
    assert private["recipient"]["customerId"]


def test_a_second_accept_or_reject_is_refused_naming_the_status(simulator: Simulator) -> None:
    created = _create(simulator, KNOWN.free())
    simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A", "B", None)
    with pytest.raises(TransferFinished, match="TRANSFERRED"):
        simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A", "B", None)
    with pytest.raises(TransferFinished, match="TRANSFERRED; it cannot become REJECTED"):
        simulator.run(domain.reject_transfer, created["_id"], created["secret"])


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_a_change_moves_updated_at_and_dates_its_history_entry(simulator: Simulator,
                                                               action: str) -> None:
    created = _private(simulator, _create(simulator, KNOWN.free())["_id"])
    simulator.clock.advance(timedelta(hours=5, milliseconds=250))
    if action == "accept":
        simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A", "B", None)
    else:
        simulator.run(domain.reject_transfer, created["_id"], created["secret"])
    changed = _private(simulator, created["_id"])
    assert changed["createdAt"] == created["createdAt"] == created["updatedAt"]
    assert changed["updatedAt"] != created["updatedAt"]
    assert changed["updatedAt"] == changed["history"][-1]["date"]
    assert changed["updatedAt"] == stamp(simulator.clock.now())
    assert changed["history"][:-1] == created["history"]


def test_reject_gives_the_tickets_back_for_another_transfer(simulator: Simulator) -> None:
    tickets = KNOWN.free()
    created = _create(simulator, tickets)
    with pytest.raises(BadRequest, match="already in an open"):
        _create(simulator, tickets)
    rejected = simulator.run(domain.reject_transfer, created["_id"], created["secret"])
    assert rejected["status"] == "REJECTED"
    assert _create(simulator, tickets)["status"] == "CREATED"
    assert [h["type"] for h in _private(simulator, created["_id"])["history"]] == [
        "created", "rejected"]


def test_subset_accept_transfers_those_and_returns_the_rest(simulator: Simulator) -> None:
    tickets = KNOWN.free(count=3)
    created = _create(simulator, tickets)
    accepted = simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A",
                             "B", [tickets[1]["_id"]])
    assert [o["originTicketId"] for o in accepted["outcome"]["tickets"]] == [tickets[1]["_id"]]
    assert _create(simulator, [tickets[0], tickets[2]])["status"] == "CREATED"
    with pytest.raises(BadRequest, match="no longer valid"):
        _create(simulator, [tickets[1]])
    other = _create(simulator, KNOWN.free(seller=KNOWN.other_seller))
    with pytest.raises(BadRequest, match="not part of this transfer"):
        simulator.run(domain.accept_transfer, other["_id"], other["secret"], "A", "B",
                      [tickets[0]["_id"]])


def test_expiry_happens_exactly_at_expires_at(simulator: Simulator) -> None:
    tickets = KNOWN.free()  # "Standard": transfers expire after 7 days
    created = _create(simulator, tickets)
    private = _private(simulator, created["_id"])
    start = simulator.clock.now()
    assert private["expiresAt"].startswith((start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    simulator.clock.advance(timedelta(days=7) - timedelta(milliseconds=1))
    assert _private(simulator, created["_id"])["status"] == "CREATED"
    simulator.clock.advance(timedelta(milliseconds=1))
    with simulator.store.transaction() as conn:  # the timer fired: no request was needed
        # (the webhook engine may already have taken the event: read the outbox itself)
        last = conn.execute(select(tt_outbox.c.type).where(tt_outbox.c.seller_id == KNOWN.seller)
                            .order_by(tt_outbox.c.seq.desc()).limit(1)).scalar()
    assert last == "ticketTransfer.expired"
    expired = _private(simulator, created["_id"])
    assert expired["status"] == "EXPIRED"
    assert expired["updatedAt"] == expired["expiresAt"] == expired["history"][-1]["date"]
    with pytest.raises(TransferFinished, match="EXPIRED"):
        simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A", "B", None)
    assert _create(simulator, tickets)["status"] == "CREATED"  # back with the sender


def test_ticket_types_without_expiry_give_null(simulator: Simulator) -> None:
    season = [t for t in KNOWN.tickets if t["sellerId"] == KNOWN.seller
              and t["ticketName"] == "Season Card" and t["_id"] != "string"]
    created = _create(simulator, season[:1])
    assert _private(simulator, created["_id"])["expiresAt"] is None


def test_without_acceptance_the_transfer_is_done_at_once(simulator: Simulator) -> None:
    created = _create(simulator, KNOWN.free(), requires_acceptance=False)
    assert created["status"] == "TRANSFERRED"
    assert len(created["outcome"]["tickets"]) == 1


def test_season_child_transfer_excludes_only_that_child(simulator: Simulator) -> None:
    created = _create(simulator, [{"_id": "string", "secret": "string"}],
                      child_event_id="string")
    assert created["eventId"] == "string"
    accepted = simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A",
                             "B", None)
    origin = accepted["outcome"]["tickets"][0]["originTicketId"]
    assert origin == "string"
    with pytest.raises(BadRequest, match="no longer valid for event 'string'"):
        _create(simulator, [{"_id": "string", "secret": "string"}], child_event_id="string")


def test_unknown_ticket_is_404_and_wrong_secret_401(simulator: Simulator) -> None:
    ticket = KNOWN.free()[0]
    with pytest.raises(NotFound):
        _create(simulator, [{"_id": "nope", "secret": "x"}])
    with pytest.raises(Unauthorized):
        _create(simulator, [{**ticket, "secret": "wrong"}])
    created = _create(simulator, [ticket])
    with pytest.raises(Unauthorized):
        simulator.run(domain.reject_transfer, created["_id"], "wrong")
    with pytest.raises(NotFound):
        simulator.run(domain.get_public, created["_id"], "wrong")


def test_every_change_is_an_event_for_the_webhook_engine(simulator: Simulator) -> None:
    created = _create(simulator, KNOWN.free())
    simulator.run(domain.reject_transfer, created["_id"], created["secret"])
    with simulator.store.transaction() as conn:
        events = outbox.pending_events(conn)
        assert [e["type"] for e in events] == ["ticketTransfer.created",
                                               "ticketTransfer.rejected"]
        assert events[1]["data"]["ticketTransfer"]["status"] == "REJECTED"
        assert outbox.mark_delivered(conn, simulator.clock.now(), [events[0]["id"]]) == 1
        assert [e["id"] for e in outbox.pending_events(conn)] == [events[1]["id"]]


def test_an_accept_is_a_transferred_event_with_the_outcome(simulator: Simulator) -> None:
    created = _create(simulator, KNOWN.free())
    simulator.run(domain.accept_transfer, created["_id"], created["secret"], "A", "B", None)
    at_once = _create(simulator, KNOWN.free(seller=KNOWN.other_seller),
                      requires_acceptance=False)
    with simulator.store.transaction() as conn:  # the outbox itself: the webhook timer
        rows = conn.execute(select(tt_outbox.c.type, tt_outbox.c.payload)  # may hand them on
                            .order_by(tt_outbox.c.seq)).all()
    events = [(row.type, row.payload) for row in rows
              if row.payload["ticketTransfer"]["_id"] in (created["_id"], at_once["_id"])]
    assert [kind for kind, _payload in events] == ["ticketTransfer.created",
                                                   "ticketTransfer.transferred"] * 2
    transferred = events[1][1]
    assert set(transferred) == {"ticketTransfer"}
    assert transferred["ticketTransfer"]["status"] == "TRANSFERRED"
    assert transferred["ticketTransfer"]["outcome"]["tickets"]


def _race(sim: Simulator, transfer: dict[str, Any]) -> list[str]:
    """Accept and reject ``transfer`` from two threads released together."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(kind: str) -> None:
        barrier.wait()
        try:
            if kind == "accept":
                sim.run(domain.accept_transfer, transfer["_id"], transfer["secret"], "A", "B",
                        None)
            else:
                sim.run(domain.reject_transfer, transfer["_id"], transfer["secret"])
            outcomes.append(kind)
        except TransferFinished:
            outcomes.append("refused")

    threads = [threading.Thread(target=act, args=(kind,)) for kind in ("accept", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_concurrent_accept_and_reject_exactly_one_wins(simulator: Simulator) -> None:
    for ticket in KNOWN.free(count=3):
        created = _create(simulator, [ticket])
        outcomes = _race(simulator, created)
        assert outcomes in (["accept", "refused"], ["refused", "reject"])
        final = _private(simulator, created["_id"])["status"]
        assert final == ("TRANSFERRED" if "accept" in outcomes else "REJECTED")


def test_timestamps_keep_four_digit_years_after_a_snapshot_moves_the_clock_back() -> None:
    """A state import may set any instant; vivenu stamps stay valid date-times."""
    from datetime import UTC, datetime

    from simulator.services.ticket_transfers.model import stamp

    assert stamp(datetime(192, 6, 7, 4, 0, 41, 307_999, tzinfo=UTC)) == "0192-06-07T04:00:41.307Z"
