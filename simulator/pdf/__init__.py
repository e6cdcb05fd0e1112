"""Ticket PDFs: render realistic ones, decode any, split and merge.

Pure library code, data in and bytes or data out (no HTTP, no clock):

* :mod:`~simulator.pdf.model`: ``TicketFields`` (renderer input),
  ``DecodedTicket`` (the decoder's documented output), ``Barcode``,
  ``Disclosure``, ``BARCODE_TYPES``.
* :mod:`~simulator.pdf.render`: ``render_tickets(tickets) -> bytes`` and
  ``expected_decode(ticket, page_number)``.
* :mod:`~simulator.pdf.decode`: ``decode_pdf(data, dpi=200, workers=None)``,
  on all cores through :mod:`~simulator.pdf.pool`.
* :mod:`~simulator.pdf.splitmerge`: ``split_pdf(data)``, ``merge_pdfs(datas)``.
* :mod:`~simulator.pdf.synth`: ``random_ticket(seed, producer, symbology)``;
  :mod:`~simulator.pdf.varied`: randomised layouts for tests.
* :mod:`~simulator.pdf.cli`: ``make_pdf(...)`` for ``ticketsim pdf make``,
  streamed to the file by :mod:`~simulator.pdf.concat`.

Building blocks: :mod:`~simulator.pdf.producers` (house styles, brand
detection), :mod:`~simulator.pdf.layouts` (one page layout per producer),
:mod:`~simulator.pdf.barcodes` and :mod:`~simulator.pdf.symbology` (the 17
barcode types), :mod:`~simulator.pdf.disclosures` (the disclosure table),
:mod:`~simulator.pdf.text` (phrases with positions),
:mod:`~simulator.pdf.vocab` (label wordings), :mod:`~simulator.pdf.fields`,
:mod:`~simulator.pdf.headline` and :mod:`~simulator.pdf.dates` (reading
fields by label and layout, and dates), :mod:`~simulator.pdf.scan`
(finding barcodes on a page).

Modules are imported one by one (``from simulator.pdf.decode import
decode_pdf``) so that using one part does not load every library.
"""
