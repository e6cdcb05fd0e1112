"""Conformance tables of the control plane (``openapi/control.yaml``)."""

from __future__ import annotations

REFUSES_VALID_INPUT: dict[str, str] = {
    "load_fixtures": "400 for a document whose ids clash or dangle (not expressible in a schema)",
    "mint_pdf": "400 for tickets whose barcodes cannot be drawn together (cross-field rule)",
    "set_clock": "400 for an instant at or after the year 9000, where simulated durations "
                 "would no longer fit in a date (date-time has no maximum in a schema)",
}
REFUSES_VALID_INPUT.update({
    "add_fault": "400 for an action that does nothing, or a latency range whose max is below "
                 "its min (cross-field rules)",
    "verify_journal": "400 for a count range whose max is below its min (cross-field rule)",
    "put_state": "400 for tables this simulator does not have, or rows that do not fit their "
                 "columns (the tables are the simulator's schema, not the spec's)",
})
