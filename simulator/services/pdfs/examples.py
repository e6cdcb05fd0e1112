"""The PDFs behind the documentation's example URLs, served without any network.

The decoder, splitter and merger examples send
``https://www.example.com/path/to/your/ticket_file.pdf`` (and the merger its
pages ``ticket_page_1.pdf``, ``ticket_page_2.pdf``). So that those requests
work as written, exactly these URLs are answered by the simulator itself: a
two-page ticket PDF drawn from the decoder's documented output (Ticketmaster,
"Generic Event Spectacular" at "Awesome Venue", section 100, row A, seats 1
and 2, "lim.vu"), and its two pages. Any other URL, even on the same host,
is fetched as usual (and refused unless its host is on the fetch allowlist).

Rendering is deterministic (see :mod:`simulator.pdf.render`), so the same
URL always gives the same bytes; each file is drawn once per process.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import cache

from simulator.pdf.model import Barcode, TicketFields

__all__ = ["EXAMPLE_URLS", "example_pdf", "example_tickets"]

_FOLDER = "https://www.example.com/path/to/your/"

#: The documented output's ticket. Its barcode data "ABC123ABC123" cannot be an
#: ITF (digits only), so it is drawn as CODE_128; dates stand for "YYYY-MM-DD...".
_DOCUMENTED = TicketFields(
    producer="Ticketmaster", buyer_id="ABC123", buyer_name="John Doe", buyer_type="A1B",
    order_date=datetime(2026, 10, 1, 18, 30), order_id="ABCD - 123456",
    event_name="Generic Event Spectacular", event_date=datetime(2027, 6, 15, 19, 5),
    venue_name="Awesome Venue", section="100", row="A", seat="1", portal="Gate A",
    disclosures=["lim.vu"], barcodes=[Barcode("ABC123ABC123", "CODE_128")],
)

#: Seat -> its barcode: seat 1 is the documented ticket, seat 2 the next one.
_BARCODES = {"1": "ABC123ABC123", "2": "ABC123ABC124"}

#: Example URL -> the seats of its pages (one ticket per page).
EXAMPLE_URLS: dict[str, tuple[str, ...]] = {
    f"{_FOLDER}ticket_file.pdf": ("1", "2"),
    f"{_FOLDER}ticket_page_1.pdf": ("1",),
    f"{_FOLDER}ticket_page_2.pdf": ("2",),
}


def example_tickets(url: str) -> list[TicketFields]:
    """The tickets drawn on the pages of a documented example URL ([] for any other URL)."""
    return [dataclasses.replace(_DOCUMENTED, seat=seat,
                                barcodes=[Barcode(_BARCODES[seat], "CODE_128")])
            for seat in EXAMPLE_URLS.get(url, ())]


@cache
def example_pdf(url: str) -> bytes | None:
    """The PDF of a documented example URL, or None: the URL is then fetched as usual."""
    tickets = example_tickets(url)
    if not tickets:
        return None
    from simulator.pdf import render  # heavy: loaded on first use

    return render.render_tickets(tickets)
