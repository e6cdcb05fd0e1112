from typing import Any

from simulator.core.http.context import sim
from tests.dummy_service.domain import list_pings as pings_of


async def list_pings() -> tuple[dict[str, Any], int]:
    simulator = sim()
    return {"pings": simulator.query(pings_of),
            "greeting": simulator.settings["dummy"].greeting}, 200
