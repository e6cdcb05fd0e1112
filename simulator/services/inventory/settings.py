"""Step durations of the inventory service, in simulated seconds (documented defaults).

Override per instance with ``SimConfig.settings["inventory"]``, e.g.
``{"email_seconds": 5}``. A transfer keeps the durations in force when it
started (they are copied onto its requests), so changing settings never
reschedules work already under way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class InventorySettings:
    #: PENDING -> VERIFYING: the transfer job is picked up by the primary service.
    verify_start_seconds: float = 2.0
    #: VERIFYING -> VERIFIED | FAILED_VERIFY: the tickets are checked in the account.
    verify_seconds: float = 10.0
    #: VERIFIED -> EMAILED | FAILED: the primary emails the recipient.
    email_seconds: float = 30.0
    #: RECALLING -> RECALLED | FAILED_RECALL.
    recall_seconds: float = 20.0
    #: A crawl job: from POST /crawl/refresh until the database matches the account.
    crawl_seconds: float = 60.0

    def durations(self) -> dict[str, Any]:
        """The durations as a JSON object, stored with the work they time."""
        return asdict(self)
