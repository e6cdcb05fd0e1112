"""Check a marketplace's own callback endpoints against ``marketplace-callbacks.yaml``.

``ticketsim conformance --callbacks-url URL`` drives full sales in an
in-process simulator whose marketplace (Stubhub) and broker (8060) are
registered at the team's endpoints: confirm, fulfill of each delivery kind
(PDF, BARCODE, HARD with its airbill, MOBILE_TRANSFER with a primary
transfer), reject, get-order polls and the sale-notification webhook
(``<URL>/webhook`` unless ``--webhook-url``). Each call is made once (no
retries) and judged as the delivery engine judges it: a 2xx answer whose
body honours the contract passes; any other status, no answer, or a
contract finding fails, with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.core.instants import naive
from simulator.runtime import Simulator
from simulator.services.callbacks import deliveries as queue
from simulator.services.callbacks import registrations
from simulator.services.platform.marketplaces import by_name
from simulator.services.sales import domain as sales
from simulator.services.sales.tables import listings, seat_claims

__all__ = ["CallCheck", "check_callbacks"]

SALES = (("PDF", "CB-PDF"), ("BARCODE", "CB-BARCODE"), ("HARD", "CB-HARD"),
         ("MOBILE_TRANSFER", "CB-XFER"), ("PDF", "SIM-REJECT-CB"))
#: (clock steps in seconds) that take every sale above through its whole life.
STEPS = (60, 30, 60, 300, 3600, 172800)
SECRET = "ticketsim-conformance"


@dataclass(frozen=True, slots=True)
class CallCheck:
    """One call made to the team's endpoints and the verdict on its answer."""

    name: str
    passed: bool
    reason: str


def _seats(conn: Any, count: int) -> list[tuple[Any, str, str]]:
    taken = {(c.listing_id, c.row, c.seat) for c in conn.execute(select(seat_claims))}
    found = []
    for listing in conn.execute(select(listings).where(listings.c.user_id == 8060)
                                .order_by(listings.c.listing_id)):
        for row, seats in listing.seats.items():
            found += [(listing, row, s) for s in seats
                      if s and (listing.listing_id, row, s) not in taken]
            if len(found) >= count:
                return found[:count]
    return found


def _verdict(delivery: dict[str, Any]) -> CallCheck:
    name = f"{delivery['kind']} {delivery['order_id'] or ''} {delivery['method']} " \
           f"{delivery['url']}"
    attempt = delivery["attempts"][-1] if delivery["attempts"] else None
    if delivery["status"] != "SUCCEEDED":
        what = "no attempt" if attempt is None else (
            attempt["error"] or f"HTTP {attempt['status']}: {attempt['body_excerpt'][:120]}")
        return CallCheck(name, False, what)
    if delivery["findings"]:
        return CallCheck(name, False, "; ".join(delivery["findings"]))
    return CallCheck(name, True, f"HTTP {attempt['status'] if attempt else '?'}")


def check_callbacks(callbacks_url: str, webhook_url: str | None = None, *,
                    timeout_seconds: float = 10.0, transport: Any = None,
                    allow_hosts: tuple[str, ...] = ("*",)) -> list[CallCheck]:
    """Drive the sales above against ``callbacks_url``; one verdict per call made."""
    settings = {"max_attempts": 1, "timeout_seconds": timeout_seconds, "transport": transport}
    sim = Simulator(SimConfig(db=":memory:", clock=ClockMode.FROZEN, fetch_allow=allow_hosts,
                              settings={"callbacks": settings}))
    try:
        market = sim.query(by_name, "Stubhub")
        sim.run(lambda conn, now: registrations.register_marketplace(
            conn, market, {"base_url": callbacks_url, "secret": SECRET}))
        sim.run(lambda conn, now: registrations.register_webhook(
            conn, 8060, {"url": webhook_url or callbacks_url.rstrip("/") + "/webhook",
                         "secret": SECRET}))
        places = sim.query(_seats, len(SALES))
        for (delivery, order_id), (listing, row, seat) in zip(SALES, places, strict=False):
            request = sales.SaleRequest(order_id, "BRK8060", listing.listing_id,
                                        listing.section, (sales.SeatRequest(row, seat),),
                                        delivery_option=delivery)
            sim.run(sales.create_invoice, market, request, sales.Payout(42.0))
            _settle(sim, timeout_seconds)
        for seconds in STEPS:
            sim.change_clock(lambda clock, s=seconds: clock.advance(timedelta(seconds=s)))
            _settle(sim, timeout_seconds)
        found = sim.query(queue.list_deliveries, queue.LogFilter(), 10_000)
        return [_verdict(d) for d in found]
    finally:
        sim.close()


def _settle(sim: Simulator, timeout_seconds: float) -> None:
    """Wait (real time, bounded) until no delivery is due or being sent."""
    deadline = time.monotonic() + 4 * timeout_seconds + 5
    while time.monotonic() < deadline:
        busy = sim.query(lambda conn: conn.execute(select(queue.D.c.id).where(
            queue.D.c.status.in_(("DUE", "SENDING")) | (
                (queue.D.c.status == "PENDING")
                & (queue.D.c.next_attempt_at <= naive(sim.clock.now())))).limit(1)
        ).first())
        if busy is None:
            return
        time.sleep(0.02)
