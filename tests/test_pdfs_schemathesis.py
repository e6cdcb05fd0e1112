"""Schemathesis over ``openapi/pdfs.yaml``, in-process: every response as documented.

Fetches go to a fake file server that answers 404 for every URL (allowlist
``*``), so generated URLs never touch the network and every job ends fast.
The synchronous decoder documents 400 for a schema-valid URL it cannot use,
so ``positive_data_acceptance`` accepts 400 for ``decode_pdf``.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, settings

from simulator.app import create_app, load_spec
from tests.conftest import frozen_config
from tests.pdfs_helpers import HEADERS

APP = create_app(frozen_config(
    long_poll_seconds=0.5, fetch_allow=("*",),
    fetch_transport=httpx.MockTransport(lambda request: httpx.Response(404))))

CONFIG = schemathesis.Config.from_dict({
    "seed": 1,
    "headers": HEADERS,
    "generation": {"max-examples": 25, "database": "none"},
    "operations": [{
        "include-operation-id": ["decode_pdf"],
        "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404"]}},
    }],
})
schema = schemathesis.openapi.from_dict(load_spec("pdfs.yaml"), config=CONFIG)
schema.app = APP


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_pdfs_api_conforms(case: Any) -> None:
    case.call_and_validate()


def test_pdfs_api_links() -> None:
    """The documented links (POST → GET of the job) hold over a few stateful runs."""
    machine = schema.as_state_machine()
    machine.run(settings=settings(max_examples=10, stateful_step_count=4, deadline=None,
                                  suppress_health_check=list(HealthCheck)))
