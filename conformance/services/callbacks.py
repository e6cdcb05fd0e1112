"""Conformance tables of the post-sale control plane (``openapi/control-*.yaml`` of callbacks).

``marketplace-callbacks.yaml`` is a contract the simulator *calls*; it is
checked by ``ticketsim conformance --callbacks-url`` (conformance/callbacks.py),
never fuzzed as a served API.
"""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.grounding import Grounder, with_values

#: The default fixtures' first ticket-transfer seller (sim-seller-key).
DEFAULT_SELLER = "5bcec10189b2840f826b2adf"
LOOPBACK = "http://127.0.0.1:9099/conformance"


def _registration(field: str, path: dict[str, object]) -> Grounder:
    def ground(case, data):  # type: ignore[no-untyped-def]
        if not isinstance(case.body, dict):
            return None
        return st.just(with_values(case, path=path, body={field: LOOPBACK, "secret": "s"},
                                   drop=("paths",)))
    return ground


GROUNDERS: dict[str, Grounder] = {
    "put_marketplace_callbacks": _registration("base_url", {"name": "Stubhub"}),
    "put_broker_webhook": _registration("url", {"user_id": 8060}),
    "put_seller_webhook": _registration("url", {"seller_id": DEFAULT_SELLER}),
}

_URL = "400 when base_url / url is not an absolute http(s) URL, or a path template is bad"
REFUSES_VALID_INPUT: dict[str, str] = {
    "put_marketplace_callbacks": _URL,
    "put_broker_webhook": _URL,
    "put_seller_webhook": _URL,
}

CHECK_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("positive_data_acceptance", "wait_delivery"):
        "408 is the documented answer of a valid wait when nothing matching succeeded in time",
}
