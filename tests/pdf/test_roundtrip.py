"""Render → decode gives back every documented field, for every producer layout."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.pdf.decode import decode_pdf
from simulator.pdf.model import TicketFields
from simulator.pdf.producers import PRODUCERS
from simulator.pdf.render import expected_decode, render_tickets
from simulator.pdf.synth import TicketFactory
from tests.pdf.strategies import tickets


def _differences(ticket: TicketFields, page: int, decoded: dict[str, object]) -> dict[str, object]:
    expected = expected_decode(ticket, page).to_dict()
    return {k: (expected[k], decoded[k]) for k in expected if expected[k] != decoded[k]}


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_field_and_barcode_round_trips(producer: str, data: st.DataObject) -> None:
    ticket = data.draw(tickets(producer))
    [decoded] = decode_pdf(render_tickets([ticket]))
    assert _differences(ticket, 1, decoded.to_dict()) == {}
    assert decoded.event_date is not None and len(decoded.event_date) == len("2026-07-12T19:10:00")


def test_a_mixed_document_decodes_page_by_page() -> None:
    factory = TicketFactory(2024)
    batch = [factory.ticket(producer) for producer in sorted(PRODUCERS) for _ in range(3)]
    decoded = decode_pdf(render_tickets(batch))
    assert [d.page_number for d in decoded] == list(range(1, len(batch) + 1))
    for page, (ticket, result) in enumerate(zip(batch, decoded, strict=True), start=1):
        assert _differences(ticket, page, result.to_dict()) == {}


def test_rendering_is_deterministic() -> None:
    batch = [TicketFactory(7).ticket(p) for p in sorted(PRODUCERS)]
    assert render_tickets(batch) == render_tickets(batch)


def test_text_outside_windows_1252_is_embedded_and_reads_back() -> None:
    ticket = TicketFactory(3).ticket("AXS")
    ticket.buyer_name = "Łukasz  Żółć\tNowak"
    [decoded] = decode_pdf(render_tickets([ticket]))
    assert decoded.buyer_name == "Łukasz Żółć Nowak"


def test_render_refuses_bad_input() -> None:
    ticket = TicketFactory(1).ticket("AXS")
    with pytest.raises(ValueError):
        render_tickets([])
    ticket.producer = "Nobody Tickets"
    with pytest.raises(ValueError, match="unknown producer"):
        render_tickets([ticket])
