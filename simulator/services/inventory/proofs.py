"""Proofs of transfer waiting to be uploaded to the marketplace (``upload_proof=true``).

When a transfer created with ``upload_proof=true`` is EMAILED, its proof is
recorded here as PENDING for the marketplace named in its body. The
post-sale engine (outbound work) reads :func:`pending_proofs` and reports
each upload with :func:`finish_proof`; this service never sends anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from simulator.core.errors import NotFound
from simulator.core.instants import naive
from simulator.services.inventory.queries import utc_stamp
from simulator.services.inventory.states import PROOF, ProofStatus
from simulator.services.inventory.tables import proof_uploads

P = proof_uploads


def record_proof(conn: Connection, now: datetime, transfer_id: int, marketplace: str) -> None:
    """Queue the proof of an emailed transfer for upload to ``marketplace`` (once)."""
    if conn.execute(select(P.c.transfer_id).where(P.c.transfer_id == transfer_id)).first():
        return
    conn.execute(P.insert().values(transfer_id=transfer_id, marketplace=marketplace,
                                   status=PROOF.initial(ProofStatus.PENDING),
                                   created_at=naive(now)))


def pending_proofs(conn: Connection) -> list[dict[str, Any]]:
    """Every proof still to upload, oldest first: transfer id, marketplace, since when."""
    rows = conn.execute(select(P).where(P.c.status == ProofStatus.PENDING)
                        .order_by(P.c.created_at, P.c.transfer_id)).all()
    return [{"transfer_id": row.transfer_id, "marketplace": row.marketplace,
             "status": row.status, "created_at": utc_stamp(row.created_at)} for row in rows]


def finish_proof(conn: Connection, transfer_id: int, outcome: ProofStatus) -> None:
    """Mark a pending proof SENT or FAILED (the table refuses any other move)."""
    if not PROOF.move(conn, P.c.transfer_id == transfer_id, outcome):
        raise NotFound(f"No proof of transfer {transfer_id} is recorded")
