"""A client written against vivenu's documentation, run against a served simulator.

Only the base URL differs from what it would use against vivenu; the app is
served by uvicorn on a loopback port, so concurrent requests really race.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.ticket_transfers.conftest import KNOWN, SELLER


class VivenuTransfers:
    """The documented calls, nothing simulator-specific."""

    def __init__(self, base_url: str, api_key: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=10)

    def create(self, tickets: list[dict[str, str]], email: str) -> dict[str, Any]:
        response = self.http.post("/api/ticket-transfers",
                                  json={"tickets": tickets, "recipient": {"email": email}})
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def accept(self, transfer: dict[str, Any], prename: str, lastname: str) -> httpx.Response:
        return self.http.post(f"/api/ticket-transfers/{transfer['_id']}/accept", json={
            "secret": transfer["secret"], "prename": prename, "lastname": lastname})

    def reject(self, transfer: dict[str, Any]) -> httpx.Response:
        return self.http.post(f"/api/ticket-transfers/{transfer['_id']}/reject",
                              json={"secret": transfer["secret"]})

    def get(self, transfer_id: str) -> dict[str, Any]:
        response = self.http.get(f"/api/ticket-transfers/{transfer_id}")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result


def test_create_accept_read_with_only_the_base_url_changed(served: str) -> None:
    ticket = KNOWN.free()[0]
    customer = VivenuTransfers(served)
    seller = VivenuTransfers(served, SELLER["Authorization"].removeprefix("Bearer "))
    transfer = customer.create([{"id": ticket["_id"], "secret": ticket["secret"]}],
                               "friend@example.com")
    accepted = customer.accept(transfer, "Grace", "Hopper")
    assert accepted.status_code == 200 and accepted.json()["status"] == "TRANSFERRED"
    read = seller.get(transfer["_id"])
    assert read["status"] == "TRANSFERRED"
    assert read["outcome"]["tickets"][0]["originTicketId"] == ticket["_id"]
    assert [h["type"] for h in read["history"]] == ["created", "transferred"]


def test_concurrent_accepts_and_rejects_over_http(served: str) -> None:
    customer = VivenuTransfers(served)
    tickets = KNOWN.free(count=3)
    transfers = [customer.create([{"id": t["_id"], "secret": t["secret"]}], "r@example.com")
                 for t in tickets]

    def race(job: tuple[int, dict[str, Any]]) -> int:
        index, transfer = job
        client = VivenuTransfers(served)
        return (client.accept(transfer, "A", "B") if index % 2 else
                client.reject(transfer)).status_code

    jobs = [(n, transfer) for transfer in transfers for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(race, jobs))
    for k in range(len(transfers)):
        mine = statuses[k * 8:(k + 1) * 8]
        assert mine.count(200) == 1 and mine.count(400) == 7, mine
