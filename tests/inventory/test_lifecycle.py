"""Transfers, requests, recalls and crawls moving on the frozen simulated clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.runtime import Simulator
from simulator.services.inventory.states import (
    REQUEST,
    TRANSFER,
    Status,
    recall_status,
    sent_status,
)
from simulator.services.inventory.tables import transfer_requests
from tests.inventory.helpers import BASE, BEARER, get_transfer, ticket, transfer

S = Status
SECONDS = timedelta(seconds=1)


@pytest.mark.parametrize(("requests", "expected"), [
    ([S.EMAILED], S.EMAILED), ([S.EMAILED, S.EMAILED], S.EMAILED),
    ([S.FAILED], S.FAILED), ([S.FAILED_VERIFY, S.FAILED], S.FAILED),
    ([S.EMAILED, S.FAILED], S.PARTIAL), ([S.FAILED_VERIFY, S.EMAILED], S.PARTIAL),
    ([S.EMAILED, S.VERIFIED], None), ([S.PENDING], None), ([], None),
])
def test_sent_status_is_derived_from_the_requests(requests: list[Status],
                                                   expected: Status | None) -> None:
    assert sent_status(requests) == expected


@pytest.mark.parametrize(("requests", "expected"), [
    ([S.RECALLED], S.RECALLED), ([S.RECALLED, S.FAILED], S.RECALLED),
    ([S.FAILED_RECALL, S.RECALLED], S.FAILED_RECALL), ([S.RECALLING, S.RECALLED], None),
])
def test_recall_status_is_derived_from_the_requests(requests: list[Status],
                                                     expected: Status | None) -> None:
    assert recall_status(requests) == expected


def test_tables_refuse_moves_outside_them() -> None:
    assert not TRANSFER.allows(S.PENDING, S.RECALLING)
    assert not TRANSFER.allows(S.FAILED_MAPPING, S.PENDING)
    assert not REQUEST.allows(S.PENDING, S.EMAILED)
    assert not REQUEST.allows(S.FAILED_VERIFY, S.VERIFIED)
    assert REQUEST.allows(S.EMAILED, S.RECALLING)


def test_guarded_update_refuses_a_skipped_step(simulator: Simulator) -> None:
    from simulator.core.lifecycle import TransitionRefused

    with simulator.store.transaction() as conn, pytest.raises(TransitionRefused):
        REQUEST.move(conn, transfer_requests.c.id == 14, S.EMAILED)  # fixture: RECALLED


def test_request_walks_every_step_on_the_clock(client: TestClient, advance: Any) -> None:
    transfer_id = transfer(client, [{"id": 1112}])
    seen = [get_transfer(client, transfer_id)["requests"][0]["status"]]
    for seconds in (2, 10, 30):  # the documented default durations
        advance(seconds * SECONDS - timedelta(milliseconds=1))
        assert get_transfer(client, transfer_id)["requests"][0]["status"] == seen[-1]
        advance(timedelta(milliseconds=1))
        seen.append(get_transfer(client, transfer_id)["requests"][0]["status"])
    assert seen == ["PENDING", "VERIFYING", "VERIFIED", "EMAILED"]
    done = get_transfer(client, transfer_id)
    assert (done["status"], done["status_code"]) == ("EMAILED", 10)
    request = done["requests"][0]
    assert len(request["transfer_job_id"]) == 32 and request["fulfillment_id"]
    assert request["response"] == {"transaction_id": request["fulfillment_id"],
                                   "tickets": ["663338313"]}
    assert ticket(client, 1112)["transferred"] is True


def test_tradedesk_request_carries_its_token(client: TestClient, advance: Any) -> None:
    ids = [t["id"] for t in client.get(f"{BASE}/tickets", params={"account_id": "1234",
                                                                   "expired": "false"},
                                        headers=BEARER).json()["tickets"]]
    transfer_id = transfer(client, [{"id": ids[0]}], force=True)
    request = get_transfer(client, transfer_id)["requests"][0]
    assert request["transfer_type"] == "tradedesk" and len(request["tradedesk_token"]) == 32


@pytest.mark.parametrize(("email", "request_status", "message"), [
    ("fail-verify@x.test", "FAILED_VERIFY", "not available"),
    ("fail-email@x.test", "FAILED", "Service error: Can not confirm transfer"),
])
def test_magic_recipients_fail_a_transfer(client: TestClient, advance: Any, email: str,
                                          request_status: str, message: str) -> None:
    transfer_id = transfer(client, [{"id": 1112}], email=email)
    advance(timedelta(minutes=2))
    done = get_transfer(client, transfer_id)
    assert (done["status"], done["status_code"]) == ("FAILED", 20)
    assert done["requests"][0]["status"] == request_status
    assert message in done["requests"][0]["error_message"]
    assert ticket(client, 1112)["transferred"] is False


def _two_accounts(client: TestClient) -> list[dict[str, int]]:
    other = client.get(f"{BASE}/tickets", params={"account_id": "1234", "expired": "false"},
                       headers=BEARER).json()["tickets"][-1]["id"]
    return [{"id": 1112}, {"id": other}]


def test_partial_transfer_and_its_recall(client: TestClient, advance: Any) -> None:
    transfer_id = transfer(client, _two_accounts(client), email="partial@x.test", force=True)
    advance(timedelta(minutes=2))
    done = get_transfer(client, transfer_id)
    assert (done["status"], done["status_code"]) == ("PARTIAL", 22)
    assert [r["status"] for r in done["requests"]] == ["EMAILED", "FAILED"]
    assert client.post(f"{BASE}/recall", json={"transfer_id": transfer_id},
                       headers=BEARER).status_code == 200
    recalling = get_transfer(client, transfer_id)
    assert recalling["status"] == "RECALLING"
    assert [r["status"] for r in recalling["requests"]] == ["RECALLING", "FAILED"]
    advance(timedelta(seconds=20))
    recalled = get_transfer(client, transfer_id)
    assert (recalled["status"], recalled["status_code"]) == ("RECALLED", 11)
    assert [r["status"] for r in recalled["requests"]] == ["RECALLED", "FAILED"]
    assert ticket(client, 1112)["transferred"] is False


def test_failed_recall(client: TestClient, advance: Any) -> None:
    transfer_id = transfer(client, [{"id": 1112}], email="fail-recall@x.test")
    advance(timedelta(minutes=2))
    client.post(f"{BASE}/recall", json={"transfer_id": transfer_id}, headers=BEARER)
    advance(timedelta(minutes=1))
    done = get_transfer(client, transfer_id)
    assert (done["status"], done["status_code"]) == ("FAILED_RECALL", 21)
    assert done["requests"][0]["status"] == "FAILED_RECALL"
    assert ticket(client, 1112)["transferred"] is True


def test_only_emailed_or_partial_transfers_can_be_recalled(client: TestClient) -> None:
    transfer_id = transfer(client, [{"id": 1112}])
    refused = client.post(f"{BASE}/recall", json={"transfer_id": transfer_id}, headers=BEARER)
    assert refused.status_code == 409 and "PENDING" in refused.json()["message"]
    recalled = client.post(f"{BASE}/recall", json={"transfer_id": 18}, headers=BEARER)
    assert recalled.status_code == 409 and "RECALLED" in recalled.json()["message"]


def test_unmappable_transfer_fails_mapping(client: TestClient) -> None:
    transfer_id = transfer(client, [{"event": "Nobody at Nowhere", "section": "1"}])
    done = get_transfer(client, transfer_id)
    assert (done["status"], done["status_code"], done["requests"]) == ("FAILED_MAPPING", 30, [])
    assert done["mapping_error"].startswith("No Results Found")
    again = get_transfer(client, transfer(client, [{"id": 1111}]))
    assert again["status"] == "FAILED_MAPPING" and "1111" in again["mapping_error"]


def test_barcode_transfer_of_an_unknown_ticketmaster_ticket(client: TestClient,
                                                            advance: Any) -> None:
    wanted = {"barcode": "999000111222", "local_date": "2027-05-01T19:05:00",
              "venue": "Oracle Park", "event": "Cubs at Giants"}
    transfer_id = transfer(client, [wanted])
    advance(timedelta(minutes=2))
    done = get_transfer(client, transfer_id)
    assert done["status"] == "EMAILED"
    assert done["requests"][0]["account_type"] == "Ticketmaster"


def test_upload_proof_is_recorded_once_emailed(client: TestClient, advance: Any,
                                               simulator: Simulator) -> None:
    from simulator.services.inventory.proofs import pending_proofs

    transfer_id = transfer(client, [{"id": 1112}], marketplace="StubHub", upload_proof=True)
    assert simulator.query(pending_proofs) == []
    advance(timedelta(minutes=2))
    # the post-sale engine (callbacks) takes the proof at once: a fulfill call with the id
    assert simulator.query(pending_proofs) == []
    [fulfill] = client.get("/_sim/deliveries", params={"kind": "fulfill"}).json()["deliveries"]
    assert (fulfill["body"]["transfer_id"], fulfill["marketplace"]) == (
        str(transfer_id), "Stubhub")


def test_crawl_brings_the_inventory_in_line_with_the_account(client: TestClient,
                                                              advance: Any) -> None:
    assert client.delete("/_sim/primary-accounts/166889/tickets",
                         params={"primary_id": "663338312"}).status_code == 200
    added = client.post("/_sim/primary-accounts/166889/tickets", json={
        "primary_id": "777", "event": "Giants at Dodgers", "venue": "Dodger Stadium",
        "local_date": "2019-04-01T19:10:00", "section": "1", "row": "A", "seat": "9"})
    assert added.status_code == 201
    assert ticket(client, 1111)["expired"] is False  # nothing visible before a crawl
    job = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [166889]},
                      headers=BEARER).json()["166889"]
    assert job["err_msg"] == ""
    again = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [166889]},
                        headers=BEARER).json()["166889"]
    assert again["job_id"] == job["job_id"]  # a running crawl is not started twice
    advance(timedelta(seconds=59))
    assert ticket(client, 1111)["expired"] is False
    advance(SECONDS)
    assert ticket(client, 1111)["expired"] is True
    new = client.get(f"{BASE}/tickets", params={"primary_id": "777"}, headers=BEARER).json()
    assert new["count"] == 1 and new["tickets"][0]["event"] == "Giants at Dodgers"


def test_crawl_by_user_id_wins_over_account_ids(client: TestClient) -> None:
    body = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [1], "user_id": 8060},
                       headers=BEARER).json()
    assert "1" not in body and {"166889", "1234", "5678"} <= set(body)


def test_tickets_of_a_transfer_in_progress_are_refused_even_with_force(
        client: TestClient, advance: Any) -> None:
    first = transfer(client, [{"id": 1112}])
    mapped = client.post(f"{BASE}/map", json={"tickets": [{"id": 1112}], "force": True},
                         headers=BEARER)
    assert mapped.status_code == 400 and f"1112 (transfer {first})" in mapped.json()["message"]
    second = get_transfer(client, transfer(client, [{"id": 1112}], force=True))
    assert second["status"] == "FAILED_MAPPING" and f"transfer {first}" in second["mapping_error"]
    advance(timedelta(minutes=1))
    assert get_transfer(client, first)["status"] == "EMAILED"
    third = get_transfer(client, transfer(client, [{"id": 1112}], force=True))
    assert third["status"] == "PENDING"  # emailed: no longer in progress, force re-sends it


def test_kept_counts_agree_with_counted_rows(client: TestClient, advance: Any) -> None:
    """Counts by account and ``expired`` come from trigger-kept totals: they must equal
    the rows counted (a date filter forces counting) after crawls, inserts and resets."""
    def agree() -> None:
        for params in ({}, {"account_id": "166889"}, {"expired": "true"},
                       {"account_id": "166889, 1234", "expired": "false"}):
            kept = client.get(f"{BASE}/tickets", params=params, headers=BEARER).json()
            counted = client.get(f"{BASE}/tickets", params={**params, "date_from": "1900-01-01"},
                                 headers=BEARER).json()
            assert kept["count"] == counted["count"], params

    agree()
    client.delete("/_sim/primary-accounts/166889/tickets", params={"primary_id": "663338312"})
    client.post(f"{BASE}/crawl/refresh", json={"user_id": 8060}, headers=BEARER)
    transfer(client, [{"barcode": "999000111223", "local_date": "2027-05-01T19:05:00",
                       "venue": "Oracle Park", "event": "Cubs at Giants"}])
    advance(timedelta(minutes=2))
    assert ticket(client, 1111)["expired"] is True
    agree()
    assert client.post("/_sim/reset").status_code == 200
    agree()
