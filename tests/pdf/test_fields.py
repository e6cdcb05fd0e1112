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


def test_a_value_stops_at_the_next_label_not_at_the_line_end() -> None:
    page = [seg("Order: 55-10293/NY Purchased by Jane Roe", 40, 700)]
    assert extract_fields(page).values == {"order_id": "55-10293/NY", "buyer_name": "Jane Roe"}


def test_buyer_after_purchased_by_and_under_account_holder() -> None:
    page = [
        seg("Purchased by Jane Roe", 40, 700),
        seg("ORDER ID", 40, 650, 7),
        seg("ACCOUNT HOLDER", 200, 650, 7),
        seg("55-10293/NY", 40, 638, 11),
        seg("John Smith", 200, 638, 11),
    ]
    values = extract_fields(page).values
    assert values["order_id"] == "55-10293/NY"
    assert values["buyer_name"] == "Jane Roe"  # the first, surer reading wins


def test_headline_venue_and_date_without_labels() -> None:
    page = [
        seg("The Lumineers", 40, 740, 24),
        seg("Red Rocks Amphitheatre, Morrison, CO", 40, 712, 12),
        seg("Sat, Mar 14, 2026 8:00 PM", 40, 696, 12),
        seg("SEC 112   ROW F   SEAT 7", 40, 660, 14),
        seg("Order Date: 03/01/2026 10:15", 40, 640, 9),
    ]
    values = extract_fields(page).values
    assert values["event_name"] == "The Lumineers"
    assert values["venue_name"] == "Red Rocks Amphitheatre"
    assert values["event_date"] == "Sat, Mar 14, 2026 8:00 PM"
    assert values["order_date"] == "03/01/2026 10:15"
    assert (values["section"], values["row"], values["seat"]) == ("112", "F", "7")


def test_no_headline_when_nothing_stands_out() -> None:
    page = [seg("Quarterly report", 40, 700), seg("Revenue grew", 40, 680)]
    assert extract_fields(page).values == {}


def test_legal_lines_are_not_values_of_strong_labels() -> None:
    page = [
        seg("Ticket holder assumes all risks incidental to the event.", 40, 700),
        seg("Order number required for refunds", 40, 680),
        seg("Ticket Holder: Ana de la Cruz", 40, 660),
    ]
    assert extract_fields(page).values == {"buyer_name": "Ana de la Cruz"}
