"""HTTP glue for ``openapi/control-inventory.yaml``: what a primary account holds.

Control plane for test authors (``/_sim/primary-accounts``): add or remove
tickets at the primary seller's side. Clients see the change only after a
crawl (POST /crawl/refresh) of the account has run.
"""

from __future__ import annotations

from typing import Any

from simulator.core.http.context import sim
from simulator.services.inventory import crawl

Body = dict[str, Any]
Result = tuple[Body, int]


async def list_account_holdings(account_id: int) -> Result:
    return sim().query(crawl.list_holdings, account_id), 200


async def add_account_holding(account_id: int, body: Body) -> Result:
    return sim().run(crawl.add_holding, account_id, body), 201


async def remove_account_holding(account_id: int, primary_id: str) -> Result:
    return sim().run(crawl.remove_holding, account_id, primary_id), 200
