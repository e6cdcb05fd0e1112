"""Randomised layouts: every field a layout printed reads back, and every barcode."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.pdf.decode import decode_pdf
from simulator.pdf.varied import expected_fields, render_varied, varied_ticket
from simulator.pdf.vocab import LABELS, SEAT_FIELDS, label_of


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_a_random_layout_decodes_exactly(seed: int) -> None:
    varied = varied_ticket(seed)
    [ticket] = decode_pdf(render_varied(varied))
    decoded = ticket.to_dict()
    wanted = expected_fields(varied)
    assert {k: decoded[k] for k in wanted} == wanted
    assert ticket.barcodes == varied.ticket.barcodes


def test_layouts_vary() -> None:
    layouts = [varied_ticket(seed) for seed in range(60)]
    assert {v.font for v in layouts} == {
        ("Helvetica", "Helvetica-Bold"),
        ("Times-Roman", "Times-Bold"),
        ("Courier", "Courier-Bold"),
    }
    assert {v.headline for v in layouts} == {True, False}
    assert {v.seat_block for v in layouts} == {"compact", "columns", "lines"}
    assert {v.barcode_at for v in layouts} == {"top", "bottom", "right"}
    assert len({tuple(v.order) for v in layouts}) > 50
    assert len({v.labels["order_id"] for v in layouts}) > 10


def test_every_wording_of_the_table_is_its_fields_label() -> None:
    for name, wordings in LABELS.items():
        for wording in wordings:
            for printed in (wording, wording.upper(), wording.title(), f"{wording}:"):
                assert label_of(printed) == name, printed
    assert set(SEAT_FIELDS) <= set(LABELS)
