from typing import Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows, when
from tests.dummy_service.tables import pings

SECTIONS = ("pings",)


def generate(ctx: Any) -> dict[str, Any]:
    return {"pings": [{"name": f"p{ctx.rng.randint(0, 9)}", "due": "2030-01-01T00:00:00+00:00"}]}


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    return insert_rows(conn, document, {"pings": (pings, lambda d: [
        {"name": p["name"], "due": when(p["due"])} for p in d.get("pings", [])])})
