"""The simulator's file store: an uploaded file is served back, byte for byte.

Generated ids never name a stored file, so only a scenario shows that
``GET /_files/{file_id}`` can succeed (the verdict needs one documented 2xx
per exercised operation). The upload goes through the control plane, so the
file store is tested only against a simulator.
"""

from __future__ import annotations

import httpx
import pytest

pytestmark = [pytest.mark.service("files"), pytest.mark.sim_only]

CONTENT = b"%PDF-1.4\n% conformance suite\n%%EOF\n"


def test_uploaded_file_is_served_back(client: httpx.Client) -> None:
    stored = client.post("/_sim/files", params={"name": "conformance.pdf"}, content=CONTENT,
                         headers={"content-type": "application/pdf"})
    assert stored.status_code == 201, stored.text
    served = client.get(f"/_files/{stored.json()['file_id']}")
    assert served.status_code == 200, served.text
    assert served.content == CONTENT


def test_unknown_file_is_404(client: httpx.Client) -> None:
    response = client.get("/_files/conformance-no-such-file")
    assert response.status_code == 404, response.text
