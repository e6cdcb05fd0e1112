"""Label-based field reading on hand-placed text, independent of our layouts."""

from __future__ import annotations

from simulator.pdf.fields import Segment, extract_fields, label_of


def seg(
    text: str, left: float, baseline: float, size: float = 10, width: float | None = None
) -> Segment:
    width = width if width is not None else 0.55 * size * len(text)
    return Segment(text, left, baseline - 0.2 * size, left + width, baseline + 0.75 * size)


def test_caption_over_value_columns() -> None:
    page = [
        seg("SECTION", 40, 600, 7),
        seg("ROW", 150, 600, 7),
        seg("SEAT", 230, 600, 7),
        seg("GATE", 310, 600, 7),
        seg("Field Box 12", 40, 585, 14),
        seg("AA", 150, 585, 14),
        seg("7", 230, 585, 14),
        seg("B", 310, 585, 14),
    ]
    values = extract_fields(page).values
    assert values == {"section": "Field Box 12", "row": "AA", "seat": "7", "portal": "Gate B"}


def test_two_column_table() -> None:
    page = [
        seg("Purchaser", 60, 500),
        seg("Jane Q. Public", 200, 500),
        seg("Confirmation #", 60, 480),
        seg("XK-99812", 200, 480),
        seg("Date & Time", 60, 460),
        seg("Fri, Oct 2, 2026 8:00 PM", 200, 460),
    ]
    assert extract_fields(page).values == {
        "buyer_name": "Jane Q. Public",
        "order_id": "XK-99812",
        "event_date": "Fri, Oct 2, 2026 8:00 PM",
    }


def test_inline_pairs_and_one_line_seat() -> None:
    page = [
        seg("Venue: The Fillmore", 40, 700),
        seg("Sec. 2 Row F Seats 3-4", 40, 680),
        seg("Order No. 12-345", 40, 660),
        seg("Enter through: Door 3", 40, 640),
    ]
    assert extract_fields(page).values == {
        "venue_name": "The Fillmore",
        "section": "2",
        "row": "F",
        "seat": "3-4",
        "order_id": "12-345",
        "portal": "Door 3",
    }


def test_a_separate_label_beats_a_bare_word() -> None:
    page = [
        seg("Row Row Your Boat", 40, 700),
        seg("ROW", 40, 650, 7),
        seg("12", 40, 638, 12),
    ]
    assert extract_fields(page).values["row"] == "12"


def test_a_label_without_value_gives_nothing() -> None:
    page = [seg("Section", 40, 700), seg("ROW", 40, 688), seg("Seat", 40, 676)]
    assert extract_fields(page).values == {}


def test_prose_is_not_a_field() -> None:
    page = [
        seg("Gates open at 6:00 PM. Seating is general admission for this show.", 40, 700),
        seg("Seat assignments are final", 40, 680),
    ]
    assert extract_fields(page).values == {}


def test_label_words() -> None:
    assert label_of("SEC") == "section"
    assert label_of("Order #:") == "order_id"
    assert label_of("ORDER DATE") == "order_date"
    assert label_of("Enter via") == "portal"
    assert label_of("Gate A") is None
    assert label_of("New York Mets at Atlanta Braves") is None
