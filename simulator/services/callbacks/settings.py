"""Settings of the post-sale engine (simulated seconds unless said otherwise).

Override per instance with ``SimConfig.settings["callbacks"]``, e.g.
``{"confirm_seconds": 30, "transport": httpx.MockTransport(handler)}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select

from simulator.core.store import meta


@dataclass(frozen=True, slots=True)
class CallbackSettings:
    #: Invoice -> confirm (or reject) call: "within 15 mins ... often considerably faster".
    confirm_seconds: float = 60.0
    #: Confirm -> fulfill for PDF, BARCODE and MOBILE sales (0 when predelivered).
    fulfill_seconds: float = 300.0
    #: Confirm -> primary transfer started (MOBILE_TRANSFER, FLASH).
    transfer_seconds: float = 30.0
    #: How often a running primary transfer is checked for a failure.
    transfer_check_seconds: float = 60.0
    #: Confirm -> airbill downloaded (HARD): the tickets are then Shipped.
    ship_seconds: float = 3600.0
    #: Shipped -> delivered to the buyer (HARD): Completed, fulfill call.
    deliver_seconds: float = 172800.0
    #: Retries: attempt n+1 comes backoff_seconds * 2**(n-1) (+- jitter) after attempt n;
    #: after max_attempts the delivery is FAILED.
    max_attempts: int = 6
    backoff_seconds: float = 30.0
    jitter: float = 0.1
    #: Real seconds: one attempt's time limit; largest answer read (bytes).
    timeout_seconds: float = 10.0
    max_response_bytes: int = 5 * 1024 * 1024
    #: Real threads sending at once.
    workers: int = 8
    #: An ``httpx.BaseTransport`` for every outbound call (tests, fault hooks);
    #: None means real network, limited to the ``--fetch-allow`` hosts.
    transport: Any = None
    #: Step durations of the primary transfers started for transfer sales (the
    #: inventory service's settings; filled in by the runtime).
    inventory: dict[str, Any] | None = None

    def durations(self) -> dict[str, Any]:
        """The simulated delays, as stored with each sale (so changes never reschedule it)."""
        return {name: getattr(self, name) for name in DELAYS}

    @classmethod
    def from_durations(cls, durations: dict[str, Any]) -> CallbackSettings:
        return cls(**{k: v for k, v in durations.items() if k in DELAYS})

    @classmethod
    def in_store(cls, conn: Connection) -> CallbackSettings:
        """The settings the runtime wrote into the store (defaults if none did)."""
        found = conn.execute(select(meta.c.value).where(meta.c.key == META_KEY)).scalar()
        return cls.from_durations(dict(found)) if found else cls()

    def save(self, conn: Connection) -> None:
        """Publish the delays to domain code (timers have no other way to read them)."""
        conn.execute(delete(meta).where(meta.c.key == META_KEY))
        conn.execute(meta.insert().values(key=META_KEY, value=self.durations()))


META_KEY = "callbacks.settings"
DELAYS = ("confirm_seconds", "fulfill_seconds", "transfer_seconds", "transfer_check_seconds",
          "ship_seconds", "deliver_seconds", "inventory")
