"""Synthetic tickets are deterministic, realistic and in each producer's style."""

from __future__ import annotations

import random
import re

import pytest

from simulator.pdf.disclosures import normalize
from simulator.pdf.model import BARCODE_TYPES
from simulator.pdf.producers import PRODUCERS, detect_producer, get_producer
from simulator.pdf.synth import TicketFactory, random_ticket

ORDER_STYLES = {
    "Ticketmaster": r"\d{2}-\d{5}/[A-Z0-9]{3}",
    "AXS": r"\d{9}",
    "SeatGeek": r"SG-[A-Z0-9]{8}",
    "Tickets.com": r"[A-Z]{4} - \d{6}",
    "MLB Ballpark": r"MLB\d{9}",
}


def test_same_seed_same_ticket() -> None:
    assert random_ticket(123) == random_ticket(123)
    assert random_ticket(123) != random_ticket(124)
    first, second = TicketFactory(5), TicketFactory(5)
    assert [first.ticket() for _ in range(5)] == [second.ticket() for _ in range(5)]


def test_a_random_source_is_accepted() -> None:
    assert random_ticket(random.Random(3)) == random_ticket(random.Random(3))


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_producer_style(producer: str) -> None:
    factory = TicketFactory(len(producer))
    house = get_producer(producer)
    for _ in range(20):
        ticket = factory.ticket(producer)
        assert ticket.producer == producer
        assert re.fullmatch(ORDER_STYLES[producer], ticket.order_id)
        assert ticket.barcodes[0].type == house.symbology
        assert ticket.order_date < ticket.event_date
        assert ticket.order_date.second == ticket.event_date.second == 0
        assert all(normalize(raw) is not None for raw in ticket.disclosures)


def test_baseball_producers_sell_baseball() -> None:
    ticket = random_ticket(8, "MLB Ballpark")
    assert " at " in ticket.event_name


@pytest.mark.parametrize("kind", BARCODE_TYPES)
def test_symbology_is_honoured(kind: str) -> None:
    ticket = random_ticket(4, "AXS", kind)
    assert ticket.barcodes[-1].type == kind


def test_unknown_names_are_refused() -> None:
    with pytest.raises(KeyError):
        random_ticket(1, "Nobody Tickets")
    with pytest.raises(ValueError):
        random_ticket(1, None, "CODE_11")


def test_producer_names_are_case_insensitive() -> None:
    assert get_producer("seatgeek").name == "SeatGeek"


def test_brand_detection() -> None:
    assert detect_producer(["Buy more at ticketmaster.com"]) == "Ticketmaster"
    assert detect_producer(["Tickets.com", "powered by MLB Ballpark"]) == "Tickets.com"
    assert detect_producer(["Eventbrite order"]) == "Eventbrite"
    assert detect_producer(["Quarterly report"]) is None
