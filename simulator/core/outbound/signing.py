"""Signatures of outbound calls: HMAC-SHA256 over the timestamp and the body.

Every webhook and marketplace callback carries three headers:

    X-Ticketsim-Timestamp    Unix seconds of the simulated instant of the attempt
    X-Ticketsim-Signature    ``v1=`` + hex HMAC-SHA256(secret, "<timestamp>.<body>")
    Idempotency-Key          the delivery id: the same on every retry of one delivery

A receiver recomputes the HMAC with its secret over the raw body bytes and
compares in constant time (:func:`verify`); the timestamp guards replays.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["IDEMPOTENCY_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "sign", "verify"]

TIMESTAMP_HEADER = "X-Ticketsim-Timestamp"
SIGNATURE_HEADER = "X-Ticketsim-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
VERSION = "v1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value of ``body`` sent at ``timestamp`` (Unix seconds)."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def verify(secret: str, timestamp: str | int, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is this secret's signature of ``body`` at ``timestamp``."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature.strip())
