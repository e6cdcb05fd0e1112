"""Every Python request example of the 1Ticket documentation, run as written.

The snippets are cut out of the documentation mechanically
(``tests/data/1ticket_api_docs.txt`` is a verbatim copy of the contract,
``shared/seeds/000_a480f189c016922b.txt``): from each ``import requests`` to
the statement that sends the request, parsed with :mod:`ast`. Each snippet
runs with a stand-in ``requests`` module that sends its request to the
simulator on the default fixtures (Starlette's TestClient, frozen clock).

Only true placeholders are replaced, through the one table
:data:`PLACEHOLDERS`: API keys, ``{marketplace_name}``, ``{job_id}``,
descriptive query values such as ``'1Ticket User ID'``, and "and so on"
list elements (``...``, ``'etc'``). Literal values ("POS Listing ID",
"Marketplace OrderID", "SeatNumber", "Broker indentifier", user "1234",
order "98765") are entities of the default fixtures. The examples run in the
order a user would run them (hold → invoice → order status; hold → release;
decoder → its job), and each answer is checked against the fields of the
documentation's output example where it gives one.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

DOCS = Path(__file__).parent / "data" / "1ticket_api_docs.txt"
LINES = DOCS.read_text(encoding="utf-8").splitlines()

#: The documentation's hosts; requests go to the simulator at the same paths.
HOSTS = ("https://apis.dti1ticketapps.com", "https://apis.dti1ticket.com")

#: The shsyncx v1 example pastes JSON into Python (``true``, ``null``): as
#: written it raises NameError before sending anything. These names are the
#: only reading of it.
JSON_LITERALS = {"true": True, "false": False, "null": None}


class _Drop:
    """A list element that means "and so on": left out of the request."""

    def __repr__(self) -> str:
        return "DROP"


DROP = _Drop()


@dataclass(frozen=True, slots=True)
class Previous:
    """The value of ``field`` in the answer to the example run just before."""

    field: str


BROKER_8060 = "sim-broker-key"  # user 8060: inventory examples (README "keys")
BROKER_1234 = "sim-broker-key-1234"  # user 1234: the sales examples' broker
BROKER_9147 = "sim-broker-key-9147"  # user 9147: the shsyncx examples' user
MARKETPLACE = "sim-marketplace-key"  # holds, releases, invoices
PDF_KEY = BROKER_8060  # any valid key may call the PDF service
MARKET = "Stubhub"  # "{marketplace_name}": the catalogue example's "stubhub"

Substitution = tuple[object, object]  # (placeholder, what stands in for it)
_PDF_JOB = (("YOUR_API_KEY", PDF_KEY), ("{job_id}", Previous("job_id")))
_SALE = (("{marketplace_name}", MARKET), ("{your_token}", MARKETPLACE))
_INVENTORY = (("YOUR_AUTHORIZATION_TOKEN", BROKER_8060), ("YOUR_API_KEY", BROKER_8060),
              (..., DROP))

#: Per example (method and documented path): its true placeholders. A string
#: placeholder is replaced wherever it occurs in the URL, a header, a query
#: value or a body string; a list placeholder replaces that whole list; a
#: replacement DROP leaves the element out; Previous takes the value from the
#: answer to the example run just before.
PLACEHOLDERS: dict[str, tuple[Substitution, ...]] = {
    "POST /pdfs/v1/decoder/": (("YOUR_API_KEY", PDF_KEY),),
    "GET /pdfs/v1/decoder/{job_id}/": _PDF_JOB,
    "POST /pdfs/v1/splitter/": (("YOUR_API_KEY", PDF_KEY),),
    "GET /pdfs/v1/splitter/{job_id}/": _PDF_JOB,
    "POST /pdfs/v1/merger/": (("YOUR_API_KEY", PDF_KEY), ("etc", DROP)),
    "GET /pdfs/v1/merger/{job_id}/": _PDF_JOB,
    "DELETE /mpdeleter/v2": (
        ("YOUR_API_KEY", BROKER_1234), ("YOUR 1TICKET USERID", "1234"),
        # the marketplaces of the documented output, in its order
        (("list", "of", "marketplaces", "to", "delete", "from"),
         ["TicketMonster", "Skybox", "SeatSmart", "FanXchange", "Gametime", "SeatGeek",
          "Vivid"])),
    "POST /shsyncx/v1/item": (("YOUR_API_KEY", BROKER_9147),),
    "POST /shsyncx/v2/item": (("YOUR_API_KEY", BROKER_9147),),
    "POST /sales/v1/{marketplace_name}": _SALE,
    "DELETE /sales/v1/{marketplace_name}": _SALE,
    "POST /sales/v1/{marketplace_name}/invoice": _SALE,
    "GET /sales/v1/{marketplace_name}/order": (
        ("{marketplace_name}", MARKET), ("{your_token}", BROKER_1234),
        ("{1ticket_user_id}", "1234"), ("{order_id}", Previous("order_id"))),
    "GET /sales/v1/catalogue": (("{your_token}", BROKER_1234),),
    "GET /inventory1ticket/public/v1/tickets": _INVENTORY,
    "POST /inventory1ticket/public/v1/map": _INVENTORY,
    "POST /inventory1ticket/public/v1/transfer": _INVENTORY,
    "GET /inventory1ticket/public/v1/transfers": _INVENTORY,
    "POST /inventory1ticket/public/v1/recall": _INVENTORY,
    "POST /inventory1ticket/public/v1/crawl/refresh": _INVENTORY,
    "GET /marketplaceapis/transfer/v1": (
        ("YOUR_API_KEY", BROKER_1234), ("1Ticket Marketplace ID", "1"),
        ("1Ticket User ID", "1234"), ("Marketplace Order ID", "98765")),
}


# --- the documentation, cut mechanically -------------------------------------------


@dataclass(frozen=True, slots=True)
class Snippet:
    """One Python example: the line of its ``import requests`` and its code."""

    line: int
    code: str


def _sends(statement: ast.stmt) -> bool:
    """Whether ``statement`` calls ``requests.<something>(...)``."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and isinstance(node.func.value, ast.Name) and node.func.value.id == "requests"
               for node in ast.walk(statement))


def _snippet(start: int) -> Snippet:
    """The shortest run of lines from ``start`` that parses and ends with the request."""
    for end in range(start + 1, len(LINES) + 1):
        code = "\n".join(LINES[start:end])
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        if _sends(tree.body[-1]):
            return Snippet(start + 1, code)
    raise AssertionError(f"{DOCS.name}:{start + 1}: no request after 'import requests'")


SNIPPETS = [_snippet(n) for n, line in enumerate(LINES) if line.strip() == "import requests"]


def documented_outputs(snippet: Snippet) -> list[Any]:
    """The JSON output examples that follow ``snippet`` in its section.

    Each is the first JSON object after a line announcing an output ("Output:",
    "... returns JSON ...", "Successful Response"), before the next example;
    their ``// comments`` are dropped.
    """
    following = [s.line for s in SNIPPETS if s.line > snippet.line]
    stop = following[0] - 1 if following else len(LINES)
    found, announced = [], False
    for n in range(snippet.line, stop):
        text = LINES[n].strip()
        if re.search(r"\boutput\b.*:$|returns JSON|^Successful Response$", text, re.IGNORECASE):
            announced = True
        elif announced and text == "{":
            found.append(json.loads(_object_text(n)))
            announced = False
    return found


def _object_text(start: int) -> str:
    """The text of the JSON object opening at line ``start``, comments dropped."""
    depth, kept = 0, []
    for line in LINES[start:]:
        line = re.sub(r"\s+//\s.*$", "", line)  # "https://" has no space before "//"
        kept.append(line)
        depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
        if depth == 0:
            return "\n".join(kept)
    raise AssertionError(f"{DOCS.name}:{start + 1}: unbalanced JSON")


def _curl_body(snippet: Snippet) -> str:
    """The ``-d '...'`` body of the curl example beside ``snippet`` (the one after it)."""
    start = next(n for n in range(snippet.line, len(LINES)) if LINES[n].startswith("-d '"))
    text = "\n".join(LINES[start:start + 60])
    match = re.match(r"-d '(.*?)'\n", text, re.DOTALL)
    assert match, f"{DOCS.name}:{start + 1}: no closing quote"
    return match.group(1)


# --- the stand-in requests module -------------------------------------------------------


class _Recorded(Exception):
    """Raised by the dry run: the method and URL of a snippet's request."""


def _key(method: str, url: str) -> str:
    return f"{method.upper()} {urlsplit(url).path}"


def _run(snippet: Snippet, send: Callable[..., Any]) -> Any:
    """Execute ``snippet`` with ``requests`` standing for ``send``; its ``response``."""
    stand_in = types.ModuleType("requests")
    stand_in.request = send  # type: ignore[attr-defined]
    for verb in ("GET", "POST", "DELETE"):
        setattr(stand_in, verb.lower(), lambda url, *, _verb=verb, **kw: send(_verb, url, **kw))
    saved = sys.modules.get("requests")
    sys.modules["requests"] = stand_in
    try:
        namespace: dict[str, Any] = {**JSON_LITERALS, "print": lambda *_a, **_k: None}
        exec(compile(snippet.code, f"{DOCS.name}:{snippet.line}", "exec"), namespace)
    finally:
        if saved is None:
            del sys.modules["requests"]
        else:
            sys.modules["requests"] = saved
    return namespace["response"]


def _dry_key(snippet: Snippet) -> str:
    def record(method: str, url: str, **_kw: Any) -> None:
        raise _Recorded(_key(method, url))

    try:
        _run(snippet, record)
    except _Recorded as sent:
        return str(sent)
    raise AssertionError(f"{DOCS.name}:{snippet.line}: the snippet sends no request")


BY_KEY = {_dry_key(snippet): snippet for snippet in SNIPPETS}


class Examples:
    """Runs the documentation's examples, one after another, against ``client``."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.previous: httpx.Response | None = None

    def run(self, key: str, *, options: dict[str, Any] | None = None, output: int = 0
            ) -> httpx.Response:
        """Run the example ``key`` and check its answer against its ``output``-th output example.

        ``options`` adds documented optional body fields (the decoder's ``async``).
        """
        snippet = BY_KEY[key]
        response: httpx.Response = _run(snippet, lambda method, url, **kw: self._send(
            method, url, PLACEHOLDERS[key], options or {}, **kw))
        assert response.status_code // 100 == 2, (key, response.status_code, response.text)
        documented = documented_outputs(snippet)
        if documented:
            assert_shape(response.json(), documented[output], key)
        self.previous = response
        return response

    def _send(self, method: str, url: str, table: tuple[Substitution, ...],
              options: dict[str, Any], *, params: dict[str, Any] | None = None,
              data: Any = None, json: Any = None, headers: dict[str, str] | None = None,
              ) -> httpx.Response:
        """What ``requests`` would send, placeholders filled, to the simulator."""
        fill = self._filler(table)
        url, params, headers, json = fill(url), fill(params), fill(headers or {}), fill(json)
        content: bytes | None = None
        if isinstance(data, str) and data:
            content = self._filled_text(data, fill).encode()
        if json is not None:
            content = _dumps({**json, **options} if options else json)
            if not any(name.lower() == "content-type" for name in headers):
                headers = {**headers, "Content-Type": "application/json"}
        path = next(url.removeprefix(host) for host in HOSTS if url.startswith(host))
        response: httpx.Response = self.client.request(method, path, params=params,
                                                       content=content, headers=headers)
        return response

    @staticmethod
    def _filled_text(data: str, fill: Callable[[Any], Any]) -> str:
        """A text body (``data=json.dumps(...)``) with its placeholders filled."""
        try:
            parsed = json.loads(data)
        except ValueError:
            return data  # not JSON: sent as written
        filled = fill(parsed)
        return data if filled == parsed else _dumps(filled).decode()

    def _filler(self, table: tuple[Substitution, ...]) -> Callable[[Any], Any]:
        def resolve(value: object) -> Any:
            if isinstance(value, Previous):
                assert self.previous is not None, "no example ran before this one"
                return self.previous.json()[value.field]
            return value

        def fill(value: Any) -> Any:
            for placeholder, stand_in in table:
                if value is placeholder or (isinstance(placeholder, tuple)
                                            and isinstance(value, list)
                                            and tuple(value) == placeholder):
                    return resolve(stand_in)
                if isinstance(placeholder, str) and value == placeholder:
                    return resolve(stand_in)
            if isinstance(value, str):
                for placeholder, stand_in in table:
                    if isinstance(placeholder, str) and placeholder in value:
                        value = value.replace(placeholder, str(resolve(stand_in)))
                return value
            if isinstance(value, list):
                return [item for item in map(fill, value) if item is not DROP]
            if isinstance(value, dict):
                return {name: fill(item) for name, item in value.items()}
            return value

        return fill


def _dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=False).encode()  # as requests serialises json=


def assert_shape(actual: Any, documented: Any, where: str) -> None:
    """``actual`` has every field of ``documented``, with values of the same JSON type.

    Lists of objects are compared item by item when they are as long as the
    documented one, else every item against the documented first item.
    """
    if documented is None:
        return
    if isinstance(documented, dict):
        assert isinstance(actual, dict), (where, actual)
        missing = set(documented) - set(actual)
        assert not missing, (where, sorted(missing))
        for name, value in documented.items():
            assert_shape(actual[name], value, f"{where}.{name}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), (where, actual)
        if documented and isinstance(documented[0], dict):
            pairs = (zip(actual, documented, strict=True) if len(actual) == len(documented)
                     else ((item, documented[0]) for item in actual))
            for n, (item, model) in enumerate(pairs):
                assert_shape(item, model, f"{where}[{n}]")
    else:
        kinds = (bool, (int, float), str)
        kind = next(k for k in kinds if isinstance(documented, k))
        assert isinstance(actual, kind) and (kind is bool) == isinstance(actual, bool), (
            where, actual, documented)


@pytest.fixture
def examples(client: TestClient) -> Iterator[Examples]:
    yield Examples(client)


# --- the extraction itself ------------------------------------------------------------------


def test_every_python_example_is_cut_out_and_has_its_placeholders_declared() -> None:
    assert len(SNIPPETS) == 21
    assert len(BY_KEY) == 21  # one example per operation
    assert set(BY_KEY) == set(PLACEHOLDERS)
    outputs = {key: len(documented_outputs(snippet)) for key, snippet in BY_KEY.items()}
    assert sum(1 for count in outputs.values() if count) == 14  # sales, shsyncx: none
    assert outputs["POST /pdfs/v1/decoder/"] == 2  # normal, and with the "async" option


# --- PDFs --------------------------------------------------------------------------------

DATES = ("order_date", "event_date")  # documented as "YYYY-MM-DDTHH:MM:SS"


def test_pdf_examples_decode_split_and_merge(examples: Examples, client: TestClient) -> None:
    decoded = examples.run("POST /pdfs/v1/decoder/").json()["tickets"]
    documented = documented_outputs(BY_KEY["POST /pdfs/v1/decoder/"])[0]["tickets"][0]
    assert [t["seat"] for t in decoded] == ["1", "2"]
    assert {k: v for k, v in decoded[0].items() if k not in (*DATES, "barcodes")} == {
        k: v for k, v in documented.items() if k not in (*DATES, "barcodes")}
    assert decoded[0]["barcodes"][0]["data"] == documented["barcodes"][0]["data"]

    started = examples.run("POST /pdfs/v1/decoder/", options={"async": True}, output=1).json()
    job = examples.run("GET /pdfs/v1/decoder/{job_id}/").json()
    assert (job["job_id"], job["status"], job["tickets"]) == (
        started["job_id"], "SUCCEEDED", decoded)

    examples.run("POST /pdfs/v1/splitter/")
    pages = examples.run("GET /pdfs/v1/splitter/{job_id}/").json()
    assert pages["status"] == "SUCCEEDED" and len(pages["pdf_urls"]) == 2

    merged = examples.run("POST /pdfs/v1/merger/").json()
    assert merged["status"] == "SUCCEEDED", merged
    again = examples.run("GET /pdfs/v1/merger/{job_id}/").json()
    assert again["job_id"] == merged["job_id"] and isinstance(again["pdf_urls"], str)
    file = client.get(urlsplit(merged["url"])._replace(scheme="", netloc="").geturl())
    assert file.status_code == 200 and file.content.startswith(b"%PDF")


# --- broadcast inventory ------------------------------------------------------------------


def test_mpdeleter_example_gets_the_documented_output(examples: Examples) -> None:
    response = examples.run("DELETE /mpdeleter/v2")
    assert response.json() == documented_outputs(BY_KEY["DELETE /mpdeleter/v2"])[0]


def test_shsyncx_examples_update_the_stubhub_listing(examples: Examples) -> None:
    v1 = examples.run("POST /shsyncx/v1/item").json()
    assert (v1["ticket_id"], v1["action"]) == ("23140895", "updated")
    v2 = examples.run("POST /shsyncx/v2/item").json()
    assert (v2["ticket_id"], v2["action"]) == ("23140895", "unchanged")  # v1 set 133.0


def test_recipient_data_example_returns_the_buyer(examples: Examples) -> None:
    buyer = examples.run("GET /marketplaceapis/transfer/v1").json()
    assert (buyer["order_number"], buyer["vendor"]) == ("98765", MARKET)


# --- sales -------------------------------------------------------------------------------

EXAMPLE_SEAT = [{"row": "ROW", "seat": "SeatNumber"}]  # named twice: that seat, once


def test_sales_hold_then_invoice_then_order_status(examples: Examples) -> None:
    held = examples.run("POST /sales/v1/{marketplace_name}").json()
    assert (held["status"], held["listing_id"], held["tickets"]) == (
        "HELD", "POS Listing ID", EXAMPLE_SEAT)
    invoice = examples.run("POST /sales/v1/{marketplace_name}/invoice").json()
    assert (invoice["order_id"], invoice["user_id"], invoice["tickets"]) == (
        "Marketplace OrderID", 1234, EXAMPLE_SEAT)
    assert invoice["payout"] == {"price": 35.5, "currency": "USD"}
    order = examples.run("GET /sales/v1/{marketplace_name}/order").json()
    assert (order["order_id"], order["order_status"], order["seats"]) == (
        "Marketplace OrderID", "Pending", ["SeatNumber"])
    assert order["invoice_id"] == invoice["invoice_id"]


def test_sales_release_frees_its_own_hold(examples: Examples) -> None:
    examples.run("POST /sales/v1/{marketplace_name}")
    released = examples.run("DELETE /sales/v1/{marketplace_name}").json()
    assert (released["status"], released["tickets"]) == ("RELEASED", EXAMPLE_SEAT)
    assert examples.run("POST /sales/v1/{marketplace_name}").json()["status"] == "HELD"


def test_sales_catalogue_example_catalogues_the_fixture_order(examples: Examples) -> None:
    job = examples.run("GET /sales/v1/catalogue").json()
    assert (job["order_id"], job["invoice_id"], job["marketplace"], job["seats"]) == (
        "98765", "11111", MARKET, ["1", "2", "3", "4"])


# --- primary transfers ---------------------------------------------------------------------


def test_inventory_examples_in_a_users_order(examples: Examples, advance: Any) -> None:
    tickets = examples.run("GET /inventory1ticket/public/v1/tickets").json()
    assert [t["id"] for t in tickets["tickets"]] == [1111]
    mapped = examples.run("POST /inventory1ticket/public/v1/map").json()
    assert mapped["requests"][0]["tickets"][0]["seat"] == "17"
    transfer = examples.run("POST /inventory1ticket/public/v1/transfer").json()
    assert transfer == {"transfer_id": 19}
    listed = examples.run("GET /inventory1ticket/public/v1/transfers").json()
    assert [t["id"] for t in listed["transfers"]] == [18]
    advance(timedelta(minutes=5))  # transfer 19 has been emailed: it may be recalled
    assert examples.run("POST /inventory1ticket/public/v1/recall").json() == transfer
    crawl = examples.run("POST /inventory1ticket/public/v1/crawl/refresh").json()
    assert crawl["5678"] == {"job_id": "", "err_msg": "No credentials found."}


# --- curl ----------------------------------------------------------------------------------


def test_curl_examples_send_pseudo_json_and_get_the_documented_400(client: TestClient) -> None:
    """The curl bodies have trailing commas (and, for mpdeleter, single quotes):
    as curl sends them (``-d``: form content type, read as JSON), a 400."""
    body = _curl_body(BY_KEY["POST /pdfs/v1/decoder/"])
    assert body.rstrip().endswith('.pdf",\n}')
    response = client.post("/pdfs/v1/decoder/", content=body.encode(), headers={
        "x-api-key": PDF_KEY, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body is not valid JSON")
    hold = _curl_body(BY_KEY["POST /sales/v1/{marketplace_name}"])
    refused = client.post(f"/sales/v1/{MARKET}", content=hold.encode(), headers={
        "x-api-key": MARKETPLACE, "Content-Type": "application/json"})
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("The request body is not valid JSON")


def test_only_the_exact_documented_pdf_urls_are_answered_locally(client: TestClient) -> None:
    for url in ("https://www.example.com/path/to/your/other_file.pdf",
                "https://www.example.com/path/to/your/ticket_file.pdf?x=1",
                "http://www.example.com/path/to/your/ticket_file.pdf"):
        response = client.post("/pdfs/v1/decoder/", json={"url": url},
                               headers={"x-api-key": PDF_KEY})
        assert response.status_code == 400, (url, response.text)
        assert "not on the fetch allowlist" in response.json()["message"]
