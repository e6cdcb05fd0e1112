"""Load a service's OpenAPI document as served: the file plus the shared components.

Error bodies and the standard error responses are written once in
``openapi/_shared.yaml`` and merged into every spec at load (a spec's own
component of the same name wins, for a wording of its own). Specs name no
Python code: the security callbacks are injected here by scheme type. The
conformance suite loads specs through this module too (it imports only YAML).

A spec loaded for serving is checked against the OpenAPI metaschema once per
process, here (:mod:`simulator.core.http.specfast`), not again by Connexion
for every app built from it.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from simulator.core.resources import data_file

__all__ = ["HTTP_METHODS", "SPEC_DIR", "load_spec", "spec_path"]

#: The keys of an OpenAPI path item that are operations.
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SHARED = "_shared.yaml"
#: ``openapi/`` of the source tree, or its copy in an installed wheel.
SPEC_DIR = data_file("openapi", SHARED).parent
API_KEY_INFO = "simulator.core.http.security.api_key_info"
#: An apiKey scheme in the ``Authorization`` header is a raw key (MPDeleter's): terse 403.
RAW_KEY_INFO = "simulator.core.http.security.raw_key_info"
BEARER_INFO = "simulator.core.http.security.bearer_info"
#: A bearer scheme marked ``x-unknown-key-status: 401``: an unknown key is 401, not 403.
BEARER_401_INFO = "simulator.core.http.security.bearer_info_unknown_unauthorized"


def spec_path(name: str) -> Path:
    return SPEC_DIR / name


#: libyaml's parser when PyYAML was built with it: ten times faster, which is most of
#: ``ticketsim serve``'s start-up (docs/speed.md).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _parsed(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(spec_path(name).read_text(encoding="utf-8"),
                                       Loader=_LOADER)
    return loaded


def _merged(name: str, with_security_hooks: bool) -> dict[str, Any]:
    document = copy.deepcopy(_parsed(name))
    shared = _parsed(SHARED).get("components", {})
    components = document.setdefault("components", {})
    for section, entries in shared.items():
        own = components.setdefault(section, {})
        for key, value in entries.items():
            own.setdefault(key, copy.deepcopy(value))
    if with_security_hooks:
        for scheme in components.get("securitySchemes", {}).values():
            if scheme.get("type") == "apiKey":
                raw = str(scheme.get("name")).lower() == "authorization"
                scheme["x-apikeyInfoFunc"] = RAW_KEY_INFO if raw else API_KEY_INFO
            elif scheme.get("type") == "http" and str(scheme.get("scheme")).lower() == "bearer":
                unknown_is_401 = scheme.get("x-unknown-key-status") == 401
                scheme["x-bearerInfoFunc"] = BEARER_401_INFO if unknown_is_401 else BEARER_INFO
    return document


@cache
def _served(name: str) -> dict[str, Any]:
    """The spec as served, validated once (never mutated: callers get copies)."""
    from simulator.core.http import specfast  # Connexion's rules: only when serving

    document = _merged(name, with_security_hooks=True)
    specfast.validate(document)
    return document


def load_spec(name: str, *, with_security_hooks: bool = False) -> dict[str, Any]:
    """The spec ``name`` of ``openapi/`` with the shared components merged in.

    ``with_security_hooks`` adds Connexion's ``x-apikeyInfoFunc`` /
    ``x-bearerInfoFunc`` to each security scheme (for serving, not for
    reading); such a spec has passed Connexion's validation (once per process).
    """
    if with_security_hooks:
        return copy.deepcopy(_served(name))
    return _merged(name, with_security_hooks=False)
