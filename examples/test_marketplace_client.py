"""The marketplace client's tests: only the ``ticketsim`` fixture, no mocks.

Run with ``pytest examples`` once ticketsim is installed (``pip install
ticketsim`` registers the fixture). Time is simulated: a 15-minute hold
expires when the test advances the clock, not after 15 minutes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from marketplace_client import Listing, MarketplaceClient, SaleRefused, Seat

#: Listing 87000000 of the default fixtures: broker BRK8060 (user 8060), section 211.
LISTING = Listing("87000000", "211", "BRK8060")
SEATS = [Seat("B", "19"), Seat("B", "20")]


@pytest.fixture
def client(ticketsim) -> Iterator[MarketplaceClient]:  # type: ignore[no-untyped-def]
    marketplace = MarketplaceClient(ticketsim.url, ticketsim.keys.marketplace,
                                    ticketsim.keys.broker)
    yield marketplace
    marketplace.close()


def test_checkout_moves_the_order_to_completed(client, ticketsim) -> None:  # type: ignore[no-untyped-def]
    client.hold("CHK-1", LISTING, SEATS)
    invoice_id = client.invoice("CHK-1", LISTING, SEATS, price=35.5)

    assert invoice_id > 0
    assert client.order_status(8060, "CHK-1") == "Pending"
    ticketsim.clock.advance(minutes=1)
    assert client.order_status(8060, "CHK-1") == "Confirmed"
    ticketsim.clock.advance(minutes=10)
    assert client.order_status(8060, "CHK-1") == "Completed"


def test_an_abandoned_checkout_frees_the_seats(client, ticketsim) -> None:  # type: ignore[no-untyped-def]
    client.hold("ABANDONED", LISTING, SEATS, minutes=15)
    with pytest.raises(SaleRefused) as taken:
        client.hold("OTHER-BUYER", LISTING, SEATS)
    assert taken.value.status == 409

    ticketsim.clock.advance(minutes=15)  # the first buyer walked away

    assert client.hold("OTHER-BUYER", LISTING, SEATS)["status"] == "HELD"


def test_a_delisting_failure_is_reported_to_the_buyer(client) -> None:  # type: ignore[no-untyped-def]
    # Documented magic input: an order id starting SIM-409 forces the 409
    # "Listing could not be deleted from other marketplaces".
    with pytest.raises(SaleRefused) as refused:
        client.hold("SIM-409-checkout", LISTING, SEATS)

    assert refused.value.status == 409
    assert "could not be deleted" in refused.value.message


def test_each_test_starts_from_fresh_state(client) -> None:  # type: ignore[no-untyped-def]
    # The seats held by the tests above are free again: the fixture reset the simulator.
    assert client.hold("FRESH", LISTING, SEATS)["status"] == "HELD"


def test_a_503_from_1ticket_surfaces_as_a_refusal(client, ticketsim) -> None:  # type: ignore[no-untyped-def]
    # Fault rules come with the control plane's /_sim/faults; on a simulator
    # without them this test is skipped, saying so.
    ticketsim.faults.fail("create_hold", 503)
    with pytest.raises(SaleRefused) as refused:
        client.hold("UNLUCKY", LISTING, SEATS)
    assert refused.value.status == 503
    assert client.hold("UNLUCKY", LISTING, SEATS)["status"] == "HELD"
