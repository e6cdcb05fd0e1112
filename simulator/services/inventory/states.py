"""The documented statuses and the declared lifecycles of transfers, requests and crawls.

Transfer (``inventory_transfers.status``)::

    (new) → PENDING | FAILED_MAPPING
    PENDING → EMAILED | FAILED | PARTIAL          (derived from its requests)
    EMAILED | PARTIAL → RECALLING                  (POST /recall)
    RECALLING → RECALLED | FAILED_RECALL           (derived from its requests)

Request (``transfer_requests.status``, one per primary account)::

    (new) → PENDING → VERIFYING → VERIFIED | FAILED_VERIFY
    VERIFIED → EMAILED | FAILED
    EMAILED → RECALLING → RECALLED | FAILED_RECALL  (the recall edges)

Crawl job: ``RUNNING → DONE``. Proof upload: ``PENDING → SENT | FAILED``.
Every move goes through :meth:`~simulator.core.lifecycle.Lifecycle.move`, so
a transition outside these tables is refused by the guarded update.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from simulator.core.lifecycle import Lifecycle
from simulator.services.inventory.tables import (
    crawl_jobs,
    inventory_transfers,
    proof_uploads,
    transfer_requests,
)


class Status(StrEnum):
    """Every documented transfer and request status."""

    PENDING = "PENDING"
    RECALLING = "RECALLING"
    VERIFYING = "VERIFYING"
    EMAILED = "EMAILED"
    RECALLED = "RECALLED"
    VERIFIED = "VERIFIED"
    FAILED = "FAILED"
    FAILED_RECALL = "FAILED_RECALL"
    PARTIAL = "PARTIAL"
    FAILED_MAPPING = "FAILED_MAPPING"
    FAILED_VERIFY = "FAILED_VERIFY"


#: The documented ``status_code`` of each status (Transfer and Request Statuses tables).
STATUS_CODES: dict[Status, int] = {
    Status.PENDING: 1, Status.RECALLING: 2, Status.VERIFYING: 3, Status.EMAILED: 10,
    Status.RECALLED: 11, Status.VERIFIED: 12, Status.FAILED: 20, Status.FAILED_RECALL: 21,
    Status.PARTIAL: 22, Status.FAILED_MAPPING: 30, Status.FAILED_VERIFY: 36,
}

S = Status
TRANSFER = Lifecycle(inventory_transfers, inventory_transfers.c.status, {
    None: {S.PENDING, S.FAILED_MAPPING},
    S.PENDING: {S.EMAILED, S.FAILED, S.PARTIAL},
    S.EMAILED: {S.RECALLING},
    S.PARTIAL: {S.RECALLING},
    S.RECALLING: {S.RECALLED, S.FAILED_RECALL},
}, noun="transfer")

REQUEST = Lifecycle(transfer_requests, transfer_requests.c.status, {
    None: {S.PENDING},
    S.PENDING: {S.VERIFYING},
    S.VERIFYING: {S.VERIFIED, S.FAILED_VERIFY},
    S.VERIFIED: {S.EMAILED, S.FAILED},
    S.EMAILED: {S.RECALLING},
    S.RECALLING: {S.RECALLED, S.FAILED_RECALL},
}, noun="request")

#: A request's transfer outcome once it has one (success, or one of the two failures).
SENT_OK = frozenset({S.EMAILED})
SEND_FAILED = frozenset({S.FAILED, S.FAILED_VERIFY})
#: A request still moving its tickets (out, or back by a recall): they are busy.
IN_FLIGHT = frozenset({S.PENDING, S.VERIFYING, S.VERIFIED, S.RECALLING})


class CrawlStatus(StrEnum):
    RUNNING = "RUNNING"
    DONE = "DONE"


CRAWL = Lifecycle(crawl_jobs, crawl_jobs.c.status, {
    None: {CrawlStatus.RUNNING},
    CrawlStatus.RUNNING: {CrawlStatus.DONE},
}, noun="crawl job")


class ProofStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


PROOF = Lifecycle(proof_uploads, proof_uploads.c.status, {
    None: {ProofStatus.PENDING},
    ProofStatus.PENDING: {ProofStatus.SENT, ProofStatus.FAILED},
}, noun="proof upload")


def sent_status(requests: Iterable[Status]) -> Status | None:
    """The transfer's status once every request has an outcome, else None.

    EMAILED when all were emailed, FAILED when none was, PARTIAL ("one or
    more of the requests succeeded and one or more failed") otherwise.
    """
    statuses = list(requests)
    if not statuses or any(s not in SENT_OK | SEND_FAILED for s in statuses):
        return None
    emailed = sum(1 for s in statuses if s in SENT_OK)
    if emailed == len(statuses):
        return S.EMAILED
    return S.FAILED if emailed == 0 else S.PARTIAL


def recall_status(requests: Iterable[Status]) -> Status | None:
    """The transfer's status after a recall once no request is RECALLING, else None.

    RECALLED when every recalled request was; FAILED_RECALL when any recall
    failed. Requests that had failed to transfer are not recalled and do
    not count (a PARTIAL transfer recalls its emailed requests only).
    """
    statuses = list(requests)
    if any(s == S.RECALLING for s in statuses):
        return None
    recalled = [s for s in statuses if s in (S.RECALLED, S.FAILED_RECALL)]
    if not recalled:
        return None
    return S.FAILED_RECALL if S.FAILED_RECALL in recalled else S.RECALLED
