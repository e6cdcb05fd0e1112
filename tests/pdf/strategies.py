"""Hypothesis strategies for ticket PDFs: valid barcode data, whole tickets."""

from __future__ import annotations

import string
from datetime import datetime

from hypothesis import strategies as st

from simulator.pdf.barcodes import valid_data
from simulator.pdf.disclosures import DISCLOSURES
from simulator.pdf.fields import label_of
from simulator.pdf.model import BARCODE_TYPES, Barcode, TicketFields
from simulator.pdf.producers import get_producer
from simulator.pdf.synth import random_ticket

__all__ = ["barcode_group", "barcode_types", "tickets"]

barcode_types = st.sampled_from(BARCODE_TYPES)


@st.composite
def barcode_group(draw: st.DrawFn, kind: str) -> list[Barcode]:
    """One symbol of ``kind`` with valid data; an add-on comes with its host."""
    rng = draw(st.randoms(use_true_random=False))
    if kind == "UPC_EAN_EXTENSION":
        host = draw(st.sampled_from(("EAN_13", "UPC_A")))
        return [Barcode(valid_data(host, rng), host), Barcode(valid_data(kind, rng), kind)]
    return [Barcode(valid_data(kind, rng), kind)]


# Seat tokens and names that are not themselves a label ("ROW", "Gate").
_token = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=4).filter(
    lambda v: label_of(v) is None
)
_word = st.text(string.ascii_letters, min_size=2, max_size=9)
_name = st.lists(_word, min_size=1, max_size=5).map(" ".join).filter(lambda v: label_of(v) is None)
_moment = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))


@st.composite
def _disclosures(draw: st.DrawFn) -> list[str]:
    entries = draw(st.lists(st.sampled_from(DISCLOSURES), max_size=3, unique_by=lambda e: e.id))
    return [draw(st.sampled_from(entry.raw)) for entry in entries]


@st.composite
def tickets(draw: st.DrawFn, producer: str) -> TicketFields:
    """A ticket of ``producer``: Faker-made base, Hypothesis-drawn fields and symbols."""
    house = get_producer(producer)
    ticket = random_ticket(draw(st.integers(0, 2**32)), producer)
    ticket.event_name = draw(st.one_of(st.just(ticket.event_name), _name))
    ticket.venue_name = draw(st.one_of(st.just(ticket.venue_name), _name))
    ticket.section, ticket.row, ticket.seat = draw(_token), draw(_token), draw(_token)
    ticket.event_date, ticket.order_date = draw(_moment), draw(_moment)
    ticket.portal = draw(st.none() | st.sampled_from(house.portals))
    ticket.buyer_type = draw(st.none() | st.sampled_from(house.buyer_types))
    ticket.disclosures = draw(_disclosures())
    kinds = draw(st.lists(barcode_types, min_size=1, max_size=2))
    ticket.barcodes = [b for kind in kinds for b in draw(barcode_group(kind))]
    return ticket
