"""What ``ticketsim pdf make`` does, as a function the top-level CLI calls.

Tickets are rendered in chunks and each chunk's pages are streamed to the
file at once (:class:`~simulator.pdf.concat.PdfConcatenator`), so memory
holds one chunk, not 10,000 tickets (reportlab alone would hold them all,
then the whole file again). The file is written next to its final name and
renamed into place, so a failed run leaves no half-written PDF.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from simulator.pdf.concat import PdfConcatenator
from simulator.pdf.producers import get_producer
from simulator.pdf.render import render_tickets
from simulator.pdf.synth import TicketFactory

__all__ = ["CHUNK", "make_pdf"]

CHUNK = 250  # tickets rendered at a time


def make_pdf(
    tickets: int,
    producer: str | None,
    seed: int,
    out: Path,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write ``tickets`` synthetic tickets (one per page) to the PDF ``out``.

    ``producer`` restricts them to one producer (any name
    :func:`simulator.pdf.producers.get_producer` knows); ``None`` mixes all.
    The same ``seed`` gives the same tickets. ``progress(done, total)`` is
    called after each chunk. Raises ``ValueError`` for a count below 1 or an
    unknown producer.
    """
    if tickets < 1:
        raise ValueError("the number of tickets must be at least 1")
    if producer is not None:
        try:
            producer = get_producer(producer).name
        except KeyError as exc:
            raise ValueError(exc.args[0]) from exc
    factory = TicketFactory(seed)
    out = Path(out)
    partial = out.with_name(out.name + ".part")
    try:
        if tickets <= CHUNK:
            partial.write_bytes(render_tickets([factory.ticket(producer) for _ in range(tickets)]))
            if progress is not None:
                progress(tickets, tickets)
        else:
            _write_chunked(factory, tickets, producer, partial, progress)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def _write_chunked(
    factory: TicketFactory,
    tickets: int,
    producer: str | None,
    path: Path,
    progress: Callable[[int, int], None] | None,
) -> None:
    with path.open("wb") as stream:
        concatenator = PdfConcatenator(stream)
        done = 0
        while done < tickets:
            count = min(CHUNK, tickets - done)
            concatenator.append(render_tickets([factory.ticket(producer) for _ in range(count)]))
            done += count
            if progress is not None:
                progress(done, tickets)
        concatenator.close()
