"""API keys and what each may do.

Keys belong to a *broker* (a 1Ticket user) or to a *marketplace* (one, or
every marketplace when ``marketplace_id`` is NULL). Sales holds, releases and
invoices are marketplace calls ("token provided to the MP"); order status and
catalogue are broker calls ("token provided to the broker").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select

from simulator.core.errors import Forbidden
from simulator.services.platform.marketplaces import Marketplace
from simulator.services.platform.tables import api_keys


class Role(StrEnum):
    BROKER = "broker"
    MARKETPLACE = "marketplace"
    SELLER = "seller"


@dataclass(frozen=True, slots=True)
class Principal:
    key: str
    role: Role
    user_id: int | None
    marketplace_id: int | None

    def token_info(self) -> dict[str, Any]:
        """The dict Connexion's security layer keeps (``sub`` becomes the user)."""
        return {"sub": self.key, "role": str(self.role), "user_id": self.user_id,
                "marketplace_id": self.marketplace_id}

    @classmethod
    def from_token_info(cls, info: dict[str, Any]) -> Principal:
        return cls(info["sub"], Role(info["role"]), info["user_id"], info["marketplace_id"])


def lookup_key(conn: Connection, key: str) -> Principal:
    """The principal of ``key``; an unknown key is refused with 403."""
    row = conn.execute(select(api_keys).where(api_keys.c.key == key.strip())).first()
    if row is None:
        raise Forbidden("Forbidden. The API key is not valid")
    return Principal(row.key, Role(row.role), row.user_id, row.marketplace_id)


def require_marketplace(principal: Principal, marketplace: Marketplace) -> None:
    """Only a key of this marketplace (or of every marketplace) may act for it."""
    if principal.role is not Role.MARKETPLACE:
        raise Forbidden("Forbidden. This operation needs a marketplace API key")
    if principal.marketplace_id not in (None, marketplace.id):
        raise Forbidden(f"Forbidden. This API key is not valid for marketplace {marketplace.name}")


def require_broker(principal: Principal, user_id: int | str) -> None:
    """Only the broker's own key may act for its 1Ticket user."""
    if principal.role is not Role.BROKER:
        raise Forbidden("Forbidden. This operation needs a broker API key")
    if str(principal.user_id) != str(user_id).strip():
        raise Forbidden(f"Forbidden. This API key does not belong to user {user_id}")
