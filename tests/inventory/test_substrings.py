"""``venue`` / ``event`` substring filters: the same matches on every path, and the
derived data behind them (FTS5 trigram index, tallies) in step with the tickets."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, text
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.core.store import Store
from simulator.runtime import Simulator
from simulator.services.inventory.derived import tallies_kept, text_indexed
from simulator.services.inventory.substrings import Substrings
from simulator.services.inventory.tables import inventory_tickets
from tests.conftest import frozen_config
from tests.inventory.helpers import BASE, BEARER, transfer

#: Letters with and without case, LIKE's wildcards and escape, quotes, and non-ASCII
#: letters whose Unicode folding differs from SQLite's ASCII-only ``lower()``.
ALPHABET = "aAbBzZ %_/\\'\"-éÉßİ\u0131\u212a\u017fΣ\u03c3😀"
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
FIRST_ID = 9_000_000


def folded(value: str) -> str:
    """What the filters compare: ASCII letters folded (``lower()`` on SQLite and on a
    PostgreSQL whose ctype is C), every other character as it is."""
    return value.translate(ASCII_LOWER)


def all_tickets(client: TestClient) -> list[dict[str, Any]]:
    body = client.get(f"{BASE}/tickets", params={"page_size": 10_000}, headers=BEARER).json()
    tickets: list[dict[str, Any]] = body["tickets"]
    assert body["count"] == len(tickets)
    return tickets


def matching_ids(client: TestClient, **params: Any) -> tuple[int, list[int]]:
    response = client.get(f"{BASE}/tickets", params={"page_size": 10_000, **params},
                          headers=BEARER)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["count"], [ticket["id"] for ticket in body["tickets"]]


@contextmanager
def extra_tickets(simulator: Simulator, texts: list[tuple[str, str]]) -> Iterator[list[int]]:
    """User 8060's account 166889 holds tickets with these (event, venue) meanwhile."""
    ids = list(range(FIRST_ID, FIRST_ID + len(texts)))
    with simulator.store.transaction() as conn:
        conn.execute(inventory_tickets.insert(), [
            {"id": ticket_id, "user_id": 8060, "account_id": 166889, "primary_id": f"h{ticket_id}",
             "event": event, "venue": venue, "local_date": datetime(2027, 5, 1, 19, 5),
             "section": "1", "row": "A", "seat": str(n), "transferred": False, "expired": False}
            for n, (ticket_id, (event, venue)) in enumerate(zip(ids, texts, strict=True))])
    try:
        yield ids
    finally:
        with simulator.store.transaction() as conn:
            conn.execute(delete(inventory_tickets).where(inventory_tickets.c.id.in_(ids)))


words = st.text(ALPHABET, min_size=1, max_size=12)


@st.composite
def needle(draw: st.DrawFn, haystacks: list[str]) -> str:
    """A substring of one of the texts with case flipped here and there (non-ASCII
    letters too: those must then not match), or any short text (most match nothing)."""
    if draw(st.booleans()):
        return draw(st.text(ALPHABET, min_size=1, max_size=5))
    source = draw(st.sampled_from(haystacks))
    start = draw(st.integers(0, len(source) - 1))
    end = draw(st.integers(start + 1, len(source)))
    flips = draw(st.lists(st.booleans(), min_size=end - start, max_size=end - start))
    return "".join(c.swapcase() if flip else c
                   for c, flip in zip(source[start:end], flips, strict=True))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), texts=st.lists(st.tuples(words, words), min_size=1, max_size=6))
def test_substring_filters_match_a_plain_python_in(client: TestClient, simulator: Simulator,
                                                   data: st.DataObject,
                                                   texts: list[tuple[str, str]]) -> None:
    """Every path (the trigram index and the tallies, a date range's B-tree, an account's)
    returns exactly the tickets a Python ``in`` over the folded texts finds."""
    with extra_tickets(simulator, texts):
        tickets = all_tickets(client)
        field = data.draw(st.sampled_from(["event", "venue"]))
        wanted = data.draw(needle([t[field] for t in tickets if t["account_id"] == 166889]))
        expected = [t["id"] for t in tickets if folded(wanted) in folded(t[field])]
        assert matching_ids(client, **{field: wanted}) == (len(expected), expected)
        assert matching_ids(client, **{field: wanted, "date_from": "1900-01-01"}) == (
            len(expected), expected)
        mine = [t["id"] for t in tickets if t["id"] in expected and t["account_id"] == 166889]
        assert matching_ids(client, **{field: wanted, "account_id": "166889"}) == (
            len(mine), mine)


@pytest.mark.parametrize(("stored", "wanted"), [
    ("xÉAB", "éab"), ("xÉAB", "ÉaB"), ("\u212aab", "kab"), ("\u017fss", "sss"), ("İab", "iab"),
    ("ΣΑΣ", "\u03c3\u03b1\u03c2"), ("50% off", "0% O"), ("a_b_c", "A_B"), ("o'neil \"x\"", "L \"X"),
])
def test_the_index_folds_more_than_the_filter_and_the_filter_decides(
        client: TestClient, simulator: Simulator, stored: str, wanted: str) -> None:
    """The trigram index folds Unicode case (É/é, Kelvin sign/k, long s/s); the filter
    folds ASCII only, as before the index, and it has the last word."""
    with extra_tickets(simulator, [(stored, stored)]) as (ticket_id,):
        expected = [ticket_id] if folded(wanted) in folded(stored) else []
        assert matching_ids(client, event=wanted) == (len(expected), expected)
        assert matching_ids(client, venue=wanted, account_id="166889") == (
            len(expected), expected)


@pytest.mark.parametrize(("event", "query"), [
    (None, None), ("ab", None), ("a\x00bc", None), ("abc", 'event : "abc"'),
    ('say "hi"', 'event : "say ""hi"""'),
])
def test_only_substrings_of_three_characters_or_more_use_the_index(
        event: str | None, query: str | None) -> None:
    assert Substrings(event=event).match_query() == query


def test_both_substrings_are_looked_up_together() -> None:
    assert Substrings(venue="Park", event="at").match_query() == 'venue : "Park"'
    assert (Substrings(venue="Park", event="Cubs").match_query()
            == 'venue : "Park" AND event : "Cubs"')


def in_step(conn: Connection) -> None:
    """The FTS5 index holds exactly the tickets' texts, the tallies their counts."""
    if text_indexed(conn):
        # with rank 1 the check compares the index with the content table
        conn.execute(text("INSERT INTO inventory_tickets_text (inventory_tickets_text, rank) "
                          "VALUES ('integrity-check', 1)"))
    if tallies_kept(conn):
        key = "user_id, account_id, expired, event, venue"
        kept = conn.execute(text(f"SELECT {key}, n FROM inventory_ticket_tallies "
                                 f"ORDER BY {key}")).all()
        counted = conn.execute(text(f"SELECT {key}, count(*) FROM inventory_tickets "
                                    f"GROUP BY {key} ORDER BY {key}")).all()
        assert kept == counted
        texts = "request_id, ticket_id, transfer_id, user_id, event, venue"
        derived = conn.execute(text(f"SELECT {texts} FROM inventory_transfer_texts "
                                    "ORDER BY request_id, ticket_id")).all()
        joined = conn.execute(text(
            "SELECT tt.request_id, tt.ticket_id, r.transfer_id, t.user_id, t.event, t.venue "
            "FROM transfer_tickets tt JOIN transfer_requests r ON r.id = tt.request_id "
            "JOIN inventory_tickets t ON t.id = tt.ticket_id ORDER BY 1, 2")).all()
        assert derived == joined


def test_reset_crawls_and_transfers_keep_the_derived_data_in_step(
        client: TestClient, simulator: Simulator, advance: Any) -> None:
    def check() -> None:
        with simulator.store.read() as conn:
            in_step(conn)

    check()
    assert matching_ids(client, event="Spring Fling")[0] == 0
    client.delete("/_sim/primary-accounts/166889/tickets", params={"primary_id": "663338312"})
    assert client.post("/_sim/primary-accounts/166889/tickets", json={
        "primary_id": "888", "event": "Spring Fling 100%", "venue": "Café Stadium",
        "local_date": "2027-04-01T19:10:00", "section": "1", "row": "A", "seat": "9"},
    ).status_code == 201
    client.post(f"{BASE}/crawl/refresh", json={"user_id": 8060}, headers=BEARER)
    transfer(client, [{"barcode": "999000111223", "local_date": "2027-05-01T19:05:00",
                       "venue": "Oracle Park", "event": "Cubs at Giants"}])
    advance(timedelta(minutes=2))
    check()
    count, found = matching_ids(client, event="fling 100%")
    assert count == 1 and matching_ids(client, venue="CAFÉ")[0] == 0  # É is not folded
    assert matching_ids(client, venue="Café stad") == (1, found)
    assert matching_ids(client, event="cubs at giants", expired="false")[0] >= 1
    assert client.post("/_sim/reset").status_code == 200
    check()
    assert matching_ids(client, event="fling")[0] == 0


def transfer_ids(client: TestClient, **params: Any) -> tuple[int, list[int]]:
    body = client.get(f"{BASE}/transfers", params={"page_size": 1000, **params},
                      headers=BEARER).json()
    return body["count"], [found["id"] for found in body["transfers"]]


@pytest.mark.parametrize("params", [
    {"event": "GIANTS"}, {"venue": "stadium"}, {"event": "%"}, {"event": "at", "venue": "o"},
    {"event": "giants", "order_id": "test1234"}, {"venue": "nowhere"},
])
def test_transfers_filter_on_their_tickets_substrings(client: TestClient,
                                                      params: dict[str, str]) -> None:
    """GET /transfers' ``event`` / ``venue`` give the same transfers through the kept
    transfer texts as through the tickets themselves (a no-op event date forces that
    path), and each one has a ticket that matches."""
    transfer(client, [{"barcode": "999000111223", "local_date": "2027-05-01T19:05:00",
                       "venue": "Oracle Park", "event": "Cubs at Giants"}])
    count, ids = transfer_ids(client, **params)
    assert (count, ids) == transfer_ids(client, **params, event_date_from="1900-01-01")
    assert count == len(ids) and ids == sorted(ids)
    body = client.get(f"{BASE}/transfers", params={"page_size": 1000, **params},
                      headers=BEARER).json()
    for found in body["transfers"]:
        tickets = [t for r in found["requests"] for t in r["tickets"]]
        assert any(all(folded(value) in folded(t[name]) for name, value in params.items()
                       if name in ("event", "venue")) for t in tickets), (params, found)


def test_an_older_database_file_gets_the_derived_data_filled_on_opening(tmp_path: Any) -> None:
    """A file written before the tallies, transfer texts and trigram index (it kept
    per-account counts by triggers) is brought up to date when opened."""
    db = str(tmp_path / "old.db")
    create_app(frozen_config(db=db)).simulator.close()  # schema and default fixtures
    with sqlite3.connect(db) as raw:
        for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name IN ('inventory_tickets', 'transfer_tickets')"
                                   ).fetchall():
            raw.execute(f"DROP TRIGGER {name}")
        raw.executescript("""
            DROP TABLE inventory_ticket_tallies; DROP TABLE inventory_transfer_texts;
            DROP TABLE inventory_tickets_text;
            CREATE TABLE inventory_ticket_counts (user_id INTEGER, account_id INTEGER,
                expired BOOLEAN, n INTEGER, PRIMARY KEY (user_id, account_id, expired));
            CREATE TRIGGER inventory_tickets_counted_in AFTER INSERT ON inventory_tickets
                BEGIN UPDATE inventory_ticket_counts SET n = n + 1; END;
            DROP INDEX ix_inv_tickets_user_account_text;
            CREATE INDEX ix_inv_tickets_user_account
                ON inventory_tickets (user_id, account_id, local_date);
            ANALYZE;
        """)
    store = Store(db)
    try:
        with store.transaction() as conn:
            in_step(conn)
            assert conn.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('inventory_ticket_counts', "
                "'inventory_tickets_counted_in', 'ix_inv_tickets_user_account')")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE idx = "
                                     "'ix_inv_tickets_user_account_text'")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM inventory_transfer_texts")).scalar()
            conn.execute(inventory_tickets.insert().values(
                id=FIRST_ID, user_id=8060, account_id=166889, primary_id="new",
                event="Xyz Cup", venue="Hall", local_date=datetime(2027, 1, 1), section="1",
                row="A", seat="1", transferred=False, expired=False))
            in_step(conn)
    finally:
        store.close()
