"""Settings of the ticket-transfer service (override per instance through
``SimConfig.settings["ticket_transfers"]``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TransferSettings:
    """Limits and defaults where vivenu's documentation names none.

    ``expires_offset``/``expires_unit``: ``transferSettings.expiresAfter`` of a
    ticket type loaded from fixtures without one (``expires_offset=None``: such
    transfers never expire). ``max_tickets``: tickets per transfer.
    """

    expires_offset: int | None = 7
    expires_unit: str = "days"
    max_tickets: int = 100
