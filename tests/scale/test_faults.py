"""Fault rules are one set per simulator, however many processes serve it.

Real ``serve --workers 2`` processes (over a SQLite file, and over PostgreSQL
under ``make test-postgres``): the kernel spreads new connections over the
workers, and each test reads from ``/proc`` which worker holds each
connection, so it knows that both answered. Then two in-process
:class:`Simulator` objects over one store (``pair``) for what needs a look
inside: outbound rules, snapshots, exact counting under threads, and requests
matching no rule never touching the store.

Each test fails when its guarantee is broken: a rule kept per process applies
only on the worker it was posted to, counts ``count`` per worker, lists one
worker's hits, and survives a DELETE or reset made on another worker.
"""

from __future__ import annotations

import http.client
import json
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest

from simulator.core.http.faults import Direction, draw, outbound_fault
from simulator.core.http.matching import Facts
from simulator.core.http.steering import steering_of
from simulator.core.store import STEERING_KEY, fault_rules
from simulator.runtime import Simulator
from simulator.services.control import snapshot
from simulator.supervisor import balances_connections
from tests.conftest import MARKETPLACE_HEADERS
from tests.scale.cluster import (
    Process,
    children,
    free_seats,
    serve_workers,
    socket_inodes,
    tcp_sockets,
)

TEST_DB = os.environ.get("TICKETSIM_TEST_DB", ":memory:")
CONNECTIONS = 24  # fresh connections per test: both workers get some (kernel hash)
CREATE_HOLD = {"operationId": "create_hold"}


# --- real workers --------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def workers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Process]:
    """``serve --workers 2`` over a SQLite file or (under make test-postgres) PostgreSQL."""
    if not balances_connections():
        pytest.skip("SO_REUSEPORT balances connections on Linux only")
    if request.param == "postgresql":
        if not TEST_DB.startswith("postgresql"):
            pytest.skip("PostgreSQL runs under make test-postgres")
        db = TEST_DB
    else:
        db = str(tmp_path_factory.mktemp("faults") / "shared.sqlite3")
    server = serve_workers(db, 2)
    try:
        yield server
    finally:
        server.kill()


class Connection:
    """One kept-alive HTTP/1.1 connection to the server, and the worker that accepted it."""

    def __init__(self, server: Process) -> None:
        address = urlsplit(server.url)
        self.http = http.client.HTTPConnection(address.hostname or "", address.port, timeout=60)
        self.call("GET", "/_sim/clock")  # accepted: the worker's socket now exists
        self.worker = _worker_of(server, int(address.port or 0),
                                 self.http.sock.getsockname()[1])

    def call(self, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        sent = {**(headers or {}), **({"Content-Type": "application/json"} if data else {})}
        self.http.request(method, path, body=data, headers=sent)
        response = self.http.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw

    def hold(self, seat: dict[str, Any], order_id: str) -> int:
        status, _ = self.call("POST", "/sales/v1/Stubhub", headers=MARKETPLACE_HEADERS,
                              body={**seat, "order_id": order_id, "hold_length": 20})
        return status

    def warm(self) -> None:
        """A product request no rule matches: the worker has read the rules (none) since,
        so one posted later applies here only if the worker learns of it."""
        status, _ = self.call("POST", "/sales/v1/Stubhub", {}, MARKETPLACE_HEADERS)
        assert status == 400

    def close(self) -> None:
        self.http.close()


def _worker_of(server: Process, port: int, client_port: int) -> int:
    """The worker process holding the server side of the connection from ``client_port``."""
    inodes = {inode for state, remote, inode in tcp_sockets(port)
              if state == "established" and remote == client_port}
    holders = [pid for pid in children(server.popen.pid) if socket_inodes(pid) & inodes]
    assert len(holders) == 1, (inodes, holders)
    return holders[0]


@pytest.fixture
def connections(workers: Process) -> Iterator[list[Connection]]:
    """Fresh connections to the reset server, spread by the kernel over both workers."""
    opened = [Connection(workers) for _ in range(CONNECTIONS)]
    try:
        status, _ = opened[0].call("POST", "/_sim/reset")
        assert status == 200
        assert len({c.worker for c in opened}) == 2, "the kernel gave one worker everything"
        for connection in opened:
            connection.warm()
        yield opened
    finally:
        for connection in opened:
            connection.close()


def _one_per_worker(connections: list[Connection]) -> tuple[Connection, Connection]:
    by_worker = {c.worker: c for c in connections}
    first, second = sorted(by_worker)
    return by_worker[first], by_worker[second]


def _add(connection: Connection, rule: dict[str, Any]) -> str:
    status, body = connection.call("POST", "/_sim/faults", rule)
    assert status == 201, body
    return str(body["id"])


def test_a_rule_posted_once_applies_on_every_worker(connections: list[Connection]) -> None:
    _add(connections[0], {"match": CREATE_HOLD, "action": {"status": 503}})
    seats = free_seats(len(connections))
    answered = Counter((c.worker, c.hold(seat, f"any-{i}"))
                       for i, (c, seat) in enumerate(zip(connections, seats, strict=True)))
    assert {status for _, status in answered} == {503}, answered
    assert len({worker for worker, _ in answered}) == 2


def test_count_applies_exactly_n_times_across_workers_and_every_worker_lists_the_totals(
        connections: list[Connection]) -> None:
    rule_id = _add(connections[0], {"match": CREATE_HOLD, "action": {"status": 503},
                                    "count": 5})
    seats = free_seats(len(connections))
    with ThreadPoolExecutor(len(connections)) as pool:  # all at once, on both workers
        statuses = list(pool.map(lambda job: job[0].hold(job[1], f"count-{job[2]}"),
                                 [(c, seat, i) for i, (c, seat)
                                  in enumerate(zip(connections, seats, strict=True))]))
    assert Counter(statuses) == {503: 5, 200: len(connections) - 5}
    for connection in _one_per_worker(connections):
        status, rule = connection.call("GET", f"/_sim/faults/{rule_id}")
        assert status == 200
        assert (rule["hits"], rule["considered"], rule["remaining"], rule["active"]) == (
            5, 5, 0, False), (connection.worker, rule)
        status, listed = connection.call("GET", "/_sim/faults")
        assert [(r["id"], r["hits"]) for r in listed["faults"]] == [(rule_id, 5)]


def test_a_delete_or_reset_on_one_worker_stops_the_rule_on_the_other_at_once(
        connections: list[Connection]) -> None:
    here, there = _one_per_worker(connections)
    seats = free_seats(4)
    rule_id = _add(here, {"match": CREATE_HOLD, "action": {"status": 503}})
    assert there.hold(seats[0], "del-1") == 503
    assert here.call("DELETE", f"/_sim/faults/{rule_id}")[0] == 200
    assert there.hold(seats[1], "del-2") == 200
    assert there.call("GET", "/_sim/faults")[1] == {"faults": []}

    _add(there, {"match": CREATE_HOLD, "action": {"status": 503}})
    assert here.hold(seats[2], "reset-1") == 503
    assert there.call("POST", "/_sim/reset")[0] == 200
    assert here.hold(seats[2], "reset-2") == 200
    assert here.call("GET", "/_sim/faults")[1] == {"faults": []}


def test_seeded_draws_are_the_same_whichever_worker_makes_them(
        connections: list[Connection]) -> None:
    """The k-th look of a rule draws from (seed, k): requests alternating between the
    workers hit exactly where one process would."""
    _add(connections[0], {"match": CREATE_HOLD, "action": {"status": 503},
                          "probability": 0.5, "seed": 7})
    here, there = _one_per_worker(connections)
    seats = free_seats(16)
    faulted = [(here if k % 2 else there).hold(seat, f"seeded-{k}") == 503
               for k, seat in enumerate(seats, start=1)]
    expected = [draw(7, k).random() < 0.5 for k in range(1, 17)]
    assert faulted == expected
    assert True in expected and False in expected


# --- two simulators over one store ---------------------------------------------------


def _facts(operation_id: str = "create_hold") -> Facts:
    return Facts("POST", "/sales/v1/Stubhub", "sales", operation_id)


def _pick(simulator: Simulator, facts: Facts | None = None) -> str | None:
    """What a request reaching ``simulator`` gets: synced first, as its journal does."""
    simulator.sync()
    hit = steering_of(simulator).faults.pick(facts or _facts())
    return hit.rule.rule_id if hit else None


def test_ids_are_never_drawn_twice_and_a_change_is_seen_at_the_next_request(
        pair: tuple[Simulator, ...]) -> None:
    first, second = pair
    books = [steering_of(s).faults for s in pair]
    books[0].clear()
    assert _pick(first) is None and _pick(second) is None  # both have read the rules
    ids = [books[(i + 1) % 2].add({"match": CREATE_HOLD, "action": {"status": 500}}).rule_id
           for i in range(4)]
    assert ids == ["f1", "f2", "f3", "f4"]
    assert _pick(first) == "f4" and _pick(second) == "f4"  # newest first
    books[0].delete("f4")
    assert _pick(second) == "f3"
    books[1].clear()
    assert _pick(first) is None
    assert books[0].add({"action": {"status": 500}}).rule_id == "f1"


def test_count_is_exact_across_processes_under_concurrent_requests(
        pair: tuple[Simulator, ...]) -> None:
    steering_of(pair[0]).faults.clear()
    rule = steering_of(pair[0]).faults.add({"match": CREATE_HOLD, "action": {"status": 500},
                                            "count": 7})
    with ThreadPoolExecutor(8) as pool:
        picked = list(pool.map(lambda i: _pick(pair[i % 2]), range(40)))
    assert picked.count(rule.rule_id) == 7 and picked.count(None) == 33
    listed = steering_of(pair[1]).faults.get(rule.rule_id)
    assert (listed.hits, listed.considered) == (7, 7)


def test_requests_never_fail_while_another_process_adds_and_clears_rules(
        pair: tuple[Simulator, ...]) -> None:
    """Looks lock rule rows newest first, and so does a clear: on PostgreSQL a clear
    racing looks must not deadlock a request into an error."""
    second = pair[1]
    books = [steering_of(s).faults for s in pair]

    def churn() -> None:
        for _ in range(15):
            for _ in range(3):
                books[0].add({"match": CREATE_HOLD, "action": {"status": 500},
                              "probability": 0.3})
            books[0].clear()

    with ThreadPoolExecutor(5) as pool:
        changes = pool.submit(churn)
        looks = [pool.submit(lambda i=i: [_pick(pair[i % 2]) for _ in range(60)])
                 for i in range(4)]
        changes.result()
        for look in looks:
            look.result()  # raises what a request would have answered with a 500
    assert _pick(second) is None and books[1].rules() == []


def test_outbound_rules_apply_in_every_process(pair: tuple[Simulator, ...]) -> None:
    first, second = pair
    steering_of(first).faults.clear()
    steering_of(first).faults.add({"direction": "outbound", "count": 1,
                                   "match": {"url": "http://hooks.test/*"},
                                   "action": {"status": 503}})
    hit = outbound_fault(second, "POST", "http://hooks.test/hook")
    assert hit is not None and hit.rule.direction is Direction.OUTBOUND
    assert outbound_fault(first, "POST", "http://hooks.test/hook") is None  # used up
    assert steering_of(first).faults.get("f1").hits == 1


def test_snapshots_neither_carry_nor_replace_the_rules(pair: tuple[Simulator, ...]) -> None:
    first, second = pair
    steering_of(first).faults.clear()
    steering_of(first).faults.add({"match": CREATE_HOLD, "action": {"status": 500}})
    tables = first.query(snapshot.export_tables)
    assert fault_rules.name not in tables
    assert STEERING_KEY not in {row["key"] for row in tables["meta"]}
    second.replace_state(lambda conn: snapshot.import_tables(conn, tables))
    assert _pick(first) == "f1" and _pick(second) == "f1"
    assert steering_of(second).faults.add({"action": {"status": 500}}).rule_id == "f2"


def test_a_fixtures_load_in_one_process_forgets_the_rules_in_every_process(
        pair: tuple[Simulator, ...]) -> None:
    first, second = pair
    steering_of(first).faults.add({"match": CREATE_HOLD, "action": {"status": 500}})
    assert _pick(second) is not None
    first.load_fixtures(None)
    assert _pick(second) is None and _pick(first) is None
    assert steering_of(second).faults.rules() == []


def test_requests_matching_no_rule_never_touch_the_store(
        pair: tuple[Simulator, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a process has read the rules, a request that no rule matches (or any request
    when there is no rule) costs memory reads only: no transaction, no read."""
    first, second = pair
    steering_of(first).faults.clear()
    assert _pick(second) is None  # reads the (empty) rules once
    second.sync()

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the store was used")

    monkeypatch.setattr(second.store, "read", refused)
    monkeypatch.setattr(second.store, "transaction", refused)
    assert steering_of(second).faults.pick(_facts()) is None
    monkeypatch.undo()
    steering_of(first).faults.add({"match": {"operationId": "create_invoice"},
                                   "action": {"status": 500}})
    assert _pick(second, _facts("create_invoice")) == steering_of(first).faults.rules()[0].rule_id
    monkeypatch.setattr(second.store, "read", refused)
    monkeypatch.setattr(second.store, "transaction", refused)
    assert steering_of(second).faults.pick(_facts("create_hold")) is None
