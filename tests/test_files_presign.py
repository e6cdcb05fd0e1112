"""The file store: uploads, presigned result URLs (expiry on the simulated clock), restarts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.services.files import domain as files
from tests.conftest import frozen_config
from tests.pdfs_helpers import HEADERS, finished, mint, upload

Advance = Callable[[timedelta], None]


def _split(client: TestClient, count: int = 2) -> list[str]:
    minted = mint(client, count=count, seed=8)
    job_id = client.post("/pdfs/v1/splitter/", json={"url": minted["url"]},
                         headers=HEADERS).json()["job_id"]
    body = finished(client, "splitter", job_id)
    assert body["status"] == "SUCCEEDED", body
    urls: list[str] = body["pdf_urls"]
    return urls


def _with(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {**dict(parse_qsl(parts.query)), **changes}
    return parts._replace(query=urlencode({k: v for k, v in query.items() if v})).geturl()


def test_a_presigned_url_serves_the_page(client: TestClient) -> None:
    url = _split(client)[0]
    query = dict(parse_qsl(urlsplit(url).query))
    assert set(query) == {files.DATE, files.EXPIRES, files.SIGNATURE}
    assert query[files.EXPIRES] == "3600"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="page_1.pdf"' in response.headers["content-disposition"]


def test_a_presigned_url_expires_after_one_simulated_hour(client: TestClient,
                                                          advance: Advance) -> None:
    url = _split(client)[0]
    advance(timedelta(minutes=59, seconds=59))
    assert client.get(url).status_code == 200
    advance(timedelta(seconds=1))
    expired = client.get(url)
    assert expired.status_code == 403
    assert expired.json() == {"message": files.EXPIRED}
    refused = client.post("/pdfs/v1/decoder/", json={"url": url}, headers=HEADERS)
    assert refused.status_code == 400
    assert "HTTP 403: Request has expired" in refused.json()["message"]


def test_a_fresh_get_of_the_job_presigns_again(client: TestClient, advance: Advance) -> None:
    minted = mint(client, count=1, seed=3)
    merged = client.post("/pdfs/v1/merger/", json={"urls": [minted["url"]]},
                         headers=HEADERS).json()
    advance(timedelta(hours=2))
    assert client.get(merged["url"]).status_code == 403
    again = client.get(f"/pdfs/v1/merger/{merged['job_id']}", headers=HEADERS).json()
    assert client.get(again["pdf_urls"]).status_code == 200


@pytest.mark.parametrize("change", [
    {files.SIGNATURE: "0" * 64},
    {files.EXPIRES: "7200"},
    {files.DATE: "20991231T000000Z"},
    {files.SIGNATURE: ""},
])
def test_a_tampered_url_is_refused(client: TestClient, change: dict[str, str]) -> None:
    url = _split(client)[0]
    response = client.get(_with(url, **change))
    assert response.status_code == 403
    assert response.json()["message"] in (files.MISMATCH, files.MALFORMED)


def test_another_files_signature_does_not_fit(client: TestClient) -> None:
    first, second = _split(client)
    other_id = urlsplit(second).path.rsplit("/", 1)[1]
    forged = first.replace(urlsplit(first).path.rsplit("/", 1)[1], other_id)
    assert client.get(forged).status_code == 403


def test_a_result_file_needs_its_signature(client: TestClient) -> None:
    url = _split(client)[0]
    bare = url.split("?", 1)[0]
    response = client.get(bare)
    assert response.status_code == 403
    assert response.json() == {"message": files.PRIVATE}


def test_unknown_files_are_404(client: TestClient) -> None:
    for file_id in ("0" * 32, "not-an-id"):
        response = client.get(f"/_files/{file_id}")
        assert response.status_code == 404
        assert file_id in response.json()["message"]


def test_uploads_never_expire(client: TestClient, advance: Advance) -> None:
    url = upload(client, b"%PDF-1.4\n%%EOF\n", name="mine.pdf")
    advance(timedelta(days=30))
    response = client.get(url)
    assert response.status_code == 200 and response.content == b"%PDF-1.4\n%%EOF\n"


def test_upload_as_a_form_and_bad_uploads(client: TestClient) -> None:
    form = client.post("/_sim/files",
                       files={"file": ("form.pdf", b"%PDF-1.4 x", "application/pdf")})
    assert form.status_code == 201, form.text
    assert form.json()["name"] == "form.pdf" and form.json()["size"] == 10
    assert client.get(form.json()["url"]).content == b"%PDF-1.4 x"
    as_json = client.post("/_sim/files", json={"file": "x"})
    assert as_json.status_code == 415


@pytest.mark.parametrize(("body", "words"), [
    ({"count": 0}, "count"),
    ({"producer": "Nobody"}, "producer must be one of"),
    ({"symbology": "BARCODE"}, "symbology must be one of"),
    ({"tickets": [{"seat": 7}]}, "tickets[0].seat must be of type string (got 7)"),
    ({"tickets": [{"event_date": "tomorrow"}]}, "date-time"),
    ({"tickets": [{"barcodes": [{"data": "abc", "type": "EAN_13"}]}]}, "EAN_13"),
    ({"tickets": [{"colour": "red"}]}, "unknown field"),
])
def test_mint_refuses_bad_fields(client: TestClient, body: dict[str, object], words: str
                                 ) -> None:
    response = client.post("/_sim/pdfs", json=body)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"]


def test_presigned_urls_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.sqlite3")
    with TestClient(create_app(frozen_config(db=db))) as client:
        url = _split(client, count=1)[0]
    with TestClient(create_app(frozen_config(db=db))) as client:
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_an_empty_upload_is_stored_as_an_empty_file(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/_sim/files?name=", content=b"",
                           headers={"content-type": "application/octet-stream"})
    assert response.status_code == 201, response.text
    assert response.json()["size"] == 0
