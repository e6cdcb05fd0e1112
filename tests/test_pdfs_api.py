"""PDF Management over HTTP: decoder, splitter, merger, as documented, and their bad inputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.core.http.bodies import NOT_JSON
from tests.pdfs_helpers import (
    BAD_INPUTS,
    FILES_HOST,
    HEADERS,
    FakeFileServer,
    finished,
    make_app,
    mint,
    upload,
)

# One app for the module: these tests do not depend on a clean state, and an
# app takes ~0.3 s to build.


@pytest.fixture(scope="module")
def server() -> FakeFileServer:
    return FakeFileServer()


@pytest.fixture(scope="module")
def client(server: FakeFileServer) -> Iterator[TestClient]:
    with TestClient(make_app(server)) as test_client:
        yield test_client


def _decode(client: TestClient, url: str, **extra: Any) -> Any:
    return client.post("/pdfs/v1/decoder/", json={"url": url, **extra}, headers=HEADERS)


# --- decoder ---------------------------------------------------------------------------


def test_decoder_sync_reads_back_the_minted_tickets(client: TestClient) -> None:
    minted = mint(client, count=3, seed=11)
    response = _decode(client, minted["url"])
    assert response.status_code == 200, response.text
    assert response.json() == {"tickets": minted["tickets"]}
    assert [t["page_number"] for t in minted["tickets"]] == [1, 2, 3]
    assert all(t["barcodes"] for t in minted["tickets"])


def test_decoder_given_fields_and_barcodes_come_back(client: TestClient) -> None:
    given = {"producer": "Ticketmaster", "section": "112", "row": "K", "seat": "7",
             "event_name": "Generic Event Spectacular", "disclosures": ["lim.vu"],
             "barcodes": [{"data": "ABC123ABC123", "type": "QR_CODE"}]}
    minted = mint(client, tickets=[given], seed=3)
    ticket = _decode(client, minted["url"]).json()["tickets"][0]
    assert {k: ticket[k] for k in ("producer", "section", "row", "seat", "event_name")} == {
        k: given[k] for k in ("producer", "section", "row", "seat", "event_name")}
    assert ticket["disclosures"] == [{"id": 27, "string": "lim.vu", "normalized": "Limited View"}]
    assert ticket["barcodes"] == [{"data": "ABC123ABC123", "type": "QR_CODE"}]


def test_decoder_async_returns_a_job_then_the_tickets(client: TestClient) -> None:
    minted = mint(client, count=2, seed=5, producer="AXS")
    response = _decode(client, minted["url"], **{"async": True})
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"job_id"}
    job = finished(client, "decoder", response.json()["job_id"])
    assert job == {"job_id": response.json()["job_id"], "status": "SUCCEEDED",
                   "tickets": minted["tickets"], "error": ""}


def test_decoder_fetches_from_an_allowed_host(client: TestClient, server: FakeFileServer
                                              ) -> None:
    minted = mint(client, count=1, seed=2)
    pdf = client.get(minted["url"]).content
    url = server.serve("/tickets/one.pdf", pdf)
    assert _decode(client, url).json() == {"tickets": minted["tickets"]}
    redirected = _decode(client, f"http://{FILES_HOST}/redirect-to/tickets/one.pdf")
    assert redirected.json() == {"tickets": minted["tickets"]}


# --- splitter and merger -----------------------------------------------------------------


def test_split_then_merge_gives_back_the_same_tickets(client: TestClient) -> None:
    minted = mint(client, count=3, seed=21)
    started = client.post("/pdfs/v1/splitter/", json={"url": minted["url"]}, headers=HEADERS)
    assert started.status_code == 200 and set(started.json()) == {"job_id"}
    split = finished(client, "splitter", started.json()["job_id"])
    assert split["status"] == "SUCCEEDED", split
    assert len(split["pdf_urls"]) == 3
    for page, url in enumerate(split["pdf_urls"]):
        alone = _decode(client, url).json()["tickets"]
        assert alone == [{**minted["tickets"][page], "page_number": 1}]

    merged = client.post("/pdfs/v1/merger/", json={"urls": split["pdf_urls"]}, headers=HEADERS)
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert set(body) == {"job_id", "status", "url", "error"}
    assert body["status"] == "SUCCEEDED" and body["error"] == ""
    assert _decode(client, body["url"]).json() == {"tickets": minted["tickets"]}

    again = client.get(f"/pdfs/v1/merger/{body['job_id']}/", headers=HEADERS).json()
    assert set(again) == {"job_id", "status", "pdf_urls", "error"}
    assert isinstance(again["pdf_urls"], str)  # documented quirk: one URL, named pdf_urls
    assert _decode(client, again["pdf_urls"]).json() == {"tickets": minted["tickets"]}


def test_merger_accepts_the_same_file_twice(client: TestClient) -> None:
    minted = mint(client, count=1, seed=4)
    merged = client.post("/pdfs/v1/merger/", json={"urls": [minted["url"]] * 2},
                         headers=HEADERS).json()
    tickets = _decode(client, merged["url"]).json()["tickets"]
    assert [t["page_number"] for t in tickets] == [1, 2]
    assert tickets[1] == {**minted["tickets"][0], "page_number": 2}


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_sync_decoder_is_a_400(client: TestClient, case: str) -> None:
    url, words = BAD_INPUTS[case]
    response = _decode(client, url)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"]


@pytest.mark.parametrize("kind", ["decoder", "splitter", "merger"])
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_job_ends_failed_with_the_reason(client: TestClient, case: str, kind: str
                                                   ) -> None:
    url, words = BAD_INPUTS[case]
    if kind == "decoder":
        started = _decode(client, url, **{"async": True})
    elif kind == "splitter":
        started = client.post("/pdfs/v1/splitter/", json={"url": url}, headers=HEADERS)
    else:
        started = client.post("/pdfs/v1/merger/", json={"urls": [url]}, headers=HEADERS)
    assert started.status_code == 200, started.text
    job = finished(client, kind, started.json()["job_id"])
    assert job["status"] == "FAILED"
    assert words in job["error"]
    if kind == "merger":  # the reason says which input
        assert job["error"].startswith(("urls[0]: ", "PDF 1 of 1 ")) and job["pdf_urls"] == ""


def test_merger_names_the_bad_url(client: TestClient) -> None:
    good = mint(client, count=1, seed=1)["url"]
    bad = f"http://{FILES_HOST}/not-a-pdf.pdf"
    body = client.post("/pdfs/v1/merger/", json={"urls": [good, bad]}, headers=HEADERS).json()
    assert body["status"] == "FAILED" and body["url"] == ""
    assert body["error"].startswith("urls[1]: ") and "not a PDF" in body["error"]


def test_own_file_inputs_not_a_pdf_or_unknown(client: TestClient) -> None:
    text = upload(client, b"just some text, not a PDF", name="notes.txt")
    assert "not a PDF" in _decode(client, text).json()["message"]
    missing = text.rsplit("/", 1)[0] + "/" + "0" * 32
    response = _decode(client, missing)
    assert response.status_code == 400
    assert "HTTP 404" in response.json()["message"]


@pytest.mark.parametrize(("body", "words"), [
    ({}, "'url' is required"),
    ({"url": 42}, "url must be of type string (got 42)"),
    ({"url": ""}, "url"),
    ({"url": "ftp://files.test/x.pdf"}, "url must match"),
    ({"url": "file:///etc/passwd"}, "url must match"),
    ({"url": "http://files.test/x.pdf", "async": "yes"}, "async must be of type boolean"),
    ([1, 2], "body must be of type object"),
])
def test_malformed_decoder_requests_are_400(client: TestClient, body: Any, words: str) -> None:
    response = client.post("/pdfs/v1/decoder/", json=body, headers=HEADERS)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"]


@pytest.mark.parametrize(("path", "body"), [
    ("/pdfs/v1/splitter/", {}),
    ("/pdfs/v1/splitter/", {"url": ["http://files.test/x.pdf"]}),
    ("/pdfs/v1/merger/", {"urls": []}),
    ("/pdfs/v1/merger/", {"urls": "http://files.test/x.pdf"}),
    ("/pdfs/v1/merger/", {"urls": ["gopher://files.test/x.pdf"]}),
    ("/pdfs/v1/merger/", {"urls": ["http://files.test/x.pdf"] * 101}),
])
def test_malformed_splitter_and_merger_requests_are_400(client: TestClient, path: str,
                                                        body: Any) -> None:
    response = client.post(path, json=body, headers=HEADERS)
    assert response.status_code == 400, response.text
    assert response.json()["message"]


def test_not_json_body_is_400_or_415(client: TestClient) -> None:
    broken = client.post("/pdfs/v1/decoder/", content=b"{not json",
                         headers={**HEADERS, "Content-Type": "application/json"})
    assert broken.status_code == 400
    form = client.post("/pdfs/v1/splitter/", content=b"url=x",
                       headers={**HEADERS, "Content-Type": "text/plain"})
    assert form.status_code == 400
    assert form.json()["message"].startswith(NOT_JSON)
    xml = client.post("/pdfs/v1/splitter/", content=b"<url>x</url>",
                      headers={**HEADERS, "Content-Type": "application/xml"})
    assert xml.status_code == 415
    assert set(xml.json()) == {"message"}


def test_auth_unknown_job_and_method(client: TestClient) -> None:
    assert client.post("/pdfs/v1/splitter/", json={"url": "http://files.test/a.pdf"}
                       ).status_code == 401
    forbidden = client.get("/pdfs/v1/splitter/abc/", headers={"x-api-key": "nope"})
    assert forbidden.status_code == 403 and forbidden.json()["message"]
    marketplace = client.get("/pdfs/v1/merger/abc/", headers={"x-api-key": "sim-marketplace-key"})
    assert marketplace.status_code == 404
    for kind in ("decoder", "splitter", "merger"):
        missing = client.get(f"/pdfs/v1/{kind}/no-such-job/", headers=HEADERS)
        assert missing.status_code == 404
        assert "no-such-job" in missing.json()["message"]
    delete = client.delete("/pdfs/v1/merger/", headers=HEADERS)
    assert delete.status_code == 405 and delete.headers["Allow"] == "POST"


def test_a_job_id_belongs_to_its_kind(client: TestClient) -> None:
    started = client.post("/pdfs/v1/splitter/", json={"url": mint(client, seed=9)["url"]},
                          headers=HEADERS).json()
    assert client.get(f"/pdfs/v1/merger/{started['job_id']}", headers=HEADERS).status_code == 404
    assert finished(client, "splitter", started["job_id"])["status"] == "SUCCEEDED"
