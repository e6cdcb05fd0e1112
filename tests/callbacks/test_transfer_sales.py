"""MOBILE_TRANSFER / FLASH sales run a primary transfer; the fulfill call carries its id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from simulator.services.callbacks.receiver import Receiver
from simulator.services.sales.tables import listings, seat_claims
from tests.callbacks.helpers import register
from tests.conftest import MARKETPLACE_HEADERS, fresh_app
from tests.served import served


def _free_seat(simulator: Any) -> tuple[Any, str, str]:
    """A listing of broker 8060 and one of its seats nobody holds or bought."""
    def find(conn: Any) -> tuple[Any, str, str]:
        taken = {(c.listing_id, c.row, c.seat) for c in conn.execute(select(seat_claims))}
        for listing in conn.execute(select(listings).where(listings.c.user_id == 8060)
                                    .order_by(listings.c.listing_id)):
            for row, seats in listing.seats.items():
                for seat in seats:
                    if seat and (listing.listing_id, row, seat) not in taken:
                        return listing, row, seat
        raise AssertionError("no free seat in the default fixtures")
    return simulator.query(find)  # type: ignore[no-any-return]


def test_transfer_sale_is_fulfilled_with_the_emailed_transfer_id() -> None:
    receiver = Receiver()
    app = fresh_app()
    with served(receiver.app()) as url, TestClient(app) as client:
        register(client, url)
        listing, row, seat = _free_seat(app.simulator)
        body = {"order_id": "T-1", "predelivered": False, "delivery_option": "MOBILE_TRANSFER",
                "payout": {"price": 80.0}, "section": listing.section, "broker": "BRK8060",
                "listing_id": listing.listing_id, "tickets": [{"row": row, "seat": seat}]}
        invoiced = client.post("/sales/v1/Stubhub/invoice", json=body,
                               headers=MARKETPLACE_HEADERS)
        assert invoiced.status_code == 200, invoiced.text
        client.post("/_sim/clock/advance", json={"seconds": 90})
        state = client.get("/_sim/postsale/Stubhub/T-1").json()
        assert state["status"] == "TRANSFERRING" and state["transfer_id"], state
        client.post("/_sim/clock/advance", json={"seconds": 60})
        found = client.get("/_sim/deliveries/wait",
                           params={"kind": "fulfill", "order_id": "T-1", "timeout": 20})
        assert found.status_code == 200, found.text
        [fulfill] = found.json()["deliveries"]
        assert fulfill["body"]["transfer_id"] == str(state["transfer_id"])
        assert "files" not in fulfill["body"]
        transfer = client.get("/inventory1ticket/public/v1/transfers",
                              params={"id": state["transfer_id"]},
                              headers={"Authorization": "Bearer sim-broker-key"})
        assert transfer.json()["transfers"][0]["status"] == "EMAILED", transfer.text
        order = client.get("/sales/v1/Stubhub/order", params={"user_id": 8060,
                                                              "order_id": "T-1"},
                           headers={"x-api-key": "sim-broker-key"})
        assert order.json()["order_status"] == "Completed"
    app.simulator.close()
