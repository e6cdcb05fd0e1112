"""Behaviour of Primary Transfers (inventory1ticket) that a schema cannot express.

A transfer walks PENDING → VERIFYING → VERIFIED → EMAILED on the clock and a
recall takes it to RECALLED; the documented magic recipients force FAILED
(verification or email), PARTIAL and FAILED_RECALL; unmappable tickets give
FAILED_MAPPING at once; a crawl makes a control-plane change of an account's
holdings visible; another user's things are unknown; missing and unknown
tokens give 401/403 on every operation. Every response is also checked
against the contract by the client fixture, so these statuses count in the
coverage table.

Tests use the documentation's example entities (user 8060's account 166889
with tickets 1111 and 1112, the crawl example's accounts 1234 and 5678),
which the simulator's default fixtures carry; they are ``writes`` (they
start transfers). ``sim_only`` tests move the clock or change an account's
holdings through ``/_sim``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conformance import session as run
from conformance.target import Target

pytestmark = [pytest.mark.service("inventory"), pytest.mark.writes]

BASE = "/inventory1ticket/public/v1"
HOLDINGS = "/_sim/primary-accounts/166889/tickets"
WHITE_SOX = 1112  # account 166889 (Tickets.com), primary id 663338313
#: The fixtures' other broker (sim-broker-key-<user_id>) for tenant isolation.
OTHER_USER_KEY = "sim-broker-key-9101"
OPERATIONS = [("GET", "/tickets", None), ("POST", "/map", {"tickets": [{"id": 1111}]}),
              ("POST", "/transfer", {"recipient_email": "a@x.test", "first_name": "A",
                                     "last_name": "B", "tickets": [{"id": WHITE_SOX}]}),
              ("GET", "/transfers", None), ("POST", "/recall", {"transfer_id": 17}),
              ("POST", "/crawl/refresh", {"account_ids": [1234]})]


class Inventory:
    """The inventory API as the scenarios call it, as the broker (user 8060)."""

    def __init__(self, client: httpx.Client, key: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"}

    def transfer(self, tickets: list[dict[str, Any]], email: str = "buyer@x.test") -> int:
        response = self.client.post(f"{BASE}/transfer", headers=self.headers, json={
            "recipient_email": email, "first_name": "Ann", "last_name": "Lee",
            "tickets": tickets, "force": True})
        assert response.status_code == 200, response.text
        return int(response.json()["transfer_id"])

    def get(self, transfer_id: int) -> dict[str, Any]:
        response = self.client.get(f"{BASE}/transfers", params={"id": transfer_id},
                                   headers=self.headers)
        assert response.status_code == 200, response.text
        [found] = response.json()["transfers"]
        return dict(found)

    def statuses(self, transfer_id: int) -> tuple[str, list[str]]:
        """The transfer's status and its requests' statuses."""
        found = self.get(transfer_id)
        return found["status"], [r["status"] for r in found["requests"]]

    def recall(self, transfer_id: int) -> httpx.Response:
        return self.client.post(f"{BASE}/recall", json={"transfer_id": transfer_id},
                                headers=self.headers)

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        response = self.client.get(f"{BASE}/tickets", params={"id": str(ticket_id)},
                                   headers=self.headers)
        assert response.status_code == 200, response.text
        [found] = response.json()["tickets"]
        return dict(found)

    def ticket_of_account(self, account_id: int) -> int:
        response = self.client.get(f"{BASE}/tickets", headers=self.headers, params={
            "account_id": str(account_id), "expired": "false", "page_size": 1})
        assert response.status_code == 200 and response.json()["tickets"], response.text
        return int(response.json()["tickets"][0]["id"])


@pytest.fixture
def inventory(client: httpx.Client, target: Target) -> Inventory:
    if target.broker_key is None:
        pytest.skip("needs --broker-key (a 1Ticket user's token)")
    return Inventory(client, target.broker_key)


def advance(client: httpx.Client, seconds: float) -> None:
    response = client.post("/_sim/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


# --- transfer and recall on the clock -------------------------------------------------------


@pytest.mark.sim_only
def test_transfer_then_recall_walk_every_status_on_the_clock(
        client: httpx.Client, inventory: Inventory) -> None:
    transfer_id = inventory.transfer([{"id": WHITE_SOX}])
    seen = [inventory.statuses(transfer_id)]
    for seconds in (2, 10, 30):  # verify start, verify, email: the documented defaults
        advance(client, seconds)
        seen.append(inventory.statuses(transfer_id))
    assert seen == [("PENDING", ["PENDING"]), ("PENDING", ["VERIFYING"]),
                    ("PENDING", ["VERIFIED"]), ("EMAILED", ["EMAILED"])]
    assert inventory.get(transfer_id)["status_code"] == 10
    assert inventory.ticket(WHITE_SOX)["transferred"] is True
    assert inventory.recall(transfer_id).json() == {"transfer_id": transfer_id}
    assert inventory.statuses(transfer_id) == ("RECALLING", ["RECALLING"])
    again = inventory.recall(transfer_id)
    assert again.status_code == 409 and "RECALLING" in again.json()["message"]
    advance(client, 20)
    assert inventory.statuses(transfer_id) == ("RECALLED", ["RECALLED"])
    assert inventory.get(transfer_id)["status_code"] == 11
    assert inventory.ticket(WHITE_SOX)["transferred"] is False


@pytest.mark.sim_only
@pytest.mark.parametrize(("email", "requests"), [
    ("fail-verify@x.test", ["FAILED_VERIFY"]), ("fail-email@x.test", ["FAILED"])])
def test_magic_recipients_fail_the_transfer(client: httpx.Client, inventory: Inventory,
                                            email: str, requests: list[str]) -> None:
    transfer_id = inventory.transfer([{"id": WHITE_SOX}], email=email)
    advance(client, 120)
    assert inventory.statuses(transfer_id) == ("FAILED", requests)
    assert inventory.get(transfer_id)["requests"][0]["error_message"]
    assert inventory.ticket(WHITE_SOX)["transferred"] is False
    refused = inventory.recall(transfer_id)
    assert refused.status_code == 409 and "FAILED" in refused.json()["message"]


@pytest.mark.sim_only
def test_partial_transfer_recalls_its_emailed_request(client: httpx.Client,
                                                      inventory: Inventory) -> None:
    other = inventory.ticket_of_account(1234)
    transfer_id = inventory.transfer([{"id": WHITE_SOX}, {"id": other}],
                                     email="partial@x.test")
    advance(client, 120)
    assert inventory.statuses(transfer_id) == ("PARTIAL", ["EMAILED", "FAILED"])
    assert inventory.get(transfer_id)["status_code"] == 22
    assert inventory.recall(transfer_id).status_code == 200
    assert inventory.statuses(transfer_id) == ("RECALLING", ["RECALLING", "FAILED"])
    advance(client, 20)
    assert inventory.statuses(transfer_id) == ("RECALLED", ["RECALLED", "FAILED"])
    assert inventory.ticket(WHITE_SOX)["transferred"] is False


@pytest.mark.sim_only
def test_failed_recall_keeps_the_tickets_transferred(client: httpx.Client,
                                                     inventory: Inventory) -> None:
    transfer_id = inventory.transfer([{"id": WHITE_SOX}], email="fail-recall@x.test")
    advance(client, 120)
    assert inventory.recall(transfer_id).status_code == 200
    advance(client, 20)
    assert inventory.statuses(transfer_id) == ("FAILED_RECALL", ["FAILED_RECALL"])
    assert inventory.get(transfer_id)["status_code"] == 21
    assert inventory.ticket(WHITE_SOX)["transferred"] is True


def test_unmappable_tickets_fail_mapping_at_once(inventory: Inventory) -> None:
    transfer_id = inventory.transfer([{"event": "Nobody at Nowhere", "section": "1"}])
    found = inventory.get(transfer_id)
    assert (found["status"], found["status_code"], found["requests"]) == (
        "FAILED_MAPPING", 30, [])
    assert found["mapping_error"].startswith("No Results Found")
    refused = inventory.recall(transfer_id)
    assert refused.status_code == 409 and "FAILED_MAPPING" in refused.json()["message"]


# --- crawl ----------------------------------------------------------------------------------


@pytest.mark.sim_only
def test_only_a_crawl_shows_a_change_of_the_account(client: httpx.Client,
                                                    inventory: Inventory) -> None:
    assert client.delete(HOLDINGS, params={"primary_id": "663338313"}).status_code == 200
    holding = {"primary_id": "880001", "event": "Giants at Dodgers", "venue": "Dodger Stadium",
               "local_date": "2019-04-01T19:10:00", "section": "1", "row": "A", "seat": "9"}
    added = client.post(HOLDINGS, json=holding)
    assert added.status_code == 201, added.text
    assert inventory.ticket(WHITE_SOX)["expired"] is False
    started = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [166889, 5678]},
                          headers=inventory.headers)
    assert started.status_code == 200, started.text
    jobs = started.json()
    assert jobs["166889"]["err_msg"] == "" and len(jobs["166889"]["job_id"]) > 0
    assert jobs["5678"] == {"job_id": "", "err_msg": "No credentials found."}
    advance(client, 60)
    assert inventory.ticket(WHITE_SOX)["expired"] is True
    new = client.get(f"{BASE}/tickets", params={"primary_id": "880001"},
                     headers=inventory.headers).json()
    assert new["count"] == 1 and new["tickets"][0]["account_id"] == 166889
    assert client.post(HOLDINGS, json=holding).status_code == 409  # held already


@pytest.mark.sim_only
def test_control_plane_refuses_other_methods(client: httpx.Client,
                                             conformance: run.Session) -> None:
    """PUT and PATCH on the holdings path are 405 listing GET, POST and DELETE.

    The 405 each operation of that path documents means "this path answers other
    methods with 405"; the coverage table files a response by its own method, so
    the answer is recorded against all three operations of the path.
    """
    at_path = [operation for service in conformance.services for operation in service.operations
               if service.base_path == "/_sim/primary-accounts"
               and operation.path == "/{account_id}/tickets"]
    assert {operation.method for operation in at_path} == {"GET", "POST", "DELETE"}
    for method in ("PUT", "PATCH"):
        refused = client.request(method, HOLDINGS, json={})
        assert refused.status_code == 405, refused.text
        assert set(refused.headers["allow"].replace(" ", "").split(",")) == {
            "GET", "POST", "DELETE"}
        for operation in at_path:
            conformance.observations.record(operation, 405, f"{method} {refused.url}")


# --- keys and tenants -----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_missing_token_is_401_and_unknown_token_403(client: httpx.Client, method: str,
                                                    path: str, body: Any) -> None:
    missing = client.request(method, BASE + path, json=body)
    assert missing.status_code == 401, missing.text
    for headers in ({"Authorization": "Bearer no-such-token"}, {"x-api-key": "no-such-token"}):
        unknown = client.request(method, BASE + path, json=body, headers=headers)
        assert unknown.status_code == 403, unknown.text
        assert isinstance(unknown.json()["message"], str)


@pytest.mark.sim_only
def test_another_user_cannot_see_or_touch_user_8060s_things(client: httpx.Client,
                                                            inventory: Inventory) -> None:
    other = {"Authorization": f"Bearer {OTHER_USER_KEY}"}
    tickets = client.get(f"{BASE}/tickets", params={"id": "1111, 1112"}, headers=other)
    assert tickets.json() == {"count": 0, "tickets": []}
    assert client.get(f"{BASE}/transfers", params={"id": 17}, headers=other).json() == {
        "count": 0, "transfers": []}
    mapped = client.post(f"{BASE}/map", json={"tickets": [{"id": 1111}]}, headers=other)
    assert mapped.status_code == 400
    assert client.post(f"{BASE}/recall", json={"transfer_id": 17},
                       headers=other).status_code == 404
    crawl = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [166889]},
                        headers=other).json()
    assert crawl == {"166889": {"job_id": "", "err_msg": "Account not found."}}
    assert client.post(f"{BASE}/crawl/refresh", json={"user_id": 8060},
                       headers=other).status_code == 404
    stolen = client.post(f"{BASE}/transfer", headers=other, json={
        "recipient_email": "a@x.test", "first_name": "A", "last_name": "B",
        "tickets": [{"id": WHITE_SOX}]})
    assert stolen.status_code == 200
    assert inventory.client.get(f"{BASE}/transfers", params={"id": stolen.json()[
        "transfer_id"]}, headers=other).json()["transfers"][0]["status"] == "FAILED_MAPPING"
    assert inventory.get(17)["status"] == "EMAILED"  # untouched
