"""Errors of the ticket-transfer service (subclasses of :mod:`simulator.core.errors`).

vivenu's documentation lists 400/401/404 for the customer operations, so a
refused state change is a 400 (not the core's 409) and a wrong secret is a
401: the secret is the customer's credential.
"""

from __future__ import annotations

from simulator.core.errors import BadRequest, Unauthorized


class TransferFinished(BadRequest):
    """The transfer's state does not allow the change (the message names the state)."""


class WrongSecret(Unauthorized):
    """A ticket or transfer exists, but the secret given for it is not its secret."""
