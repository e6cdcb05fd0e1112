"""The contract itself: every spec in ``openapi/`` is valid and complete.

Valid OpenAPI 3.0; every operation has a snake_case ``operationId`` (unique
in its spec), documents the error statuses it can return and declares its
security; links name real operations, parameters and body fields.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from conformance.specs import HTTP_METHODS, Operation, operations_of, spec_files
from conformance.specs import resolve as _resolve
from simulator.core.specs import load_spec

#: Specs whose operations need no credentials, by design.
UNSECURED_BY_DESIGN: dict[str, str] = {
    "control.yaml": "the simulator's control plane, for test authors; never deployed",
}
OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

SPECS = spec_files()


def _load(path: Path) -> dict[str, Any]:
    return load_spec(path.name)


def _operations(path: Path) -> tuple[Operation, ...]:
    return operations_of(path.stem, "", _load(path))


def _properties(document: dict[str, Any], schema: Any) -> set[str]:
    """Property names a (possibly composed) object schema allows."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, ()):
            names |= _properties(document, part)
    return names


def _ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


@pytest.mark.parametrize("path", SPECS, ids=_ids(SPECS))
def test_spec_is_valid_openapi(path: Path) -> None:
    document = _load(path)
    assert str(document.get("openapi", "")).startswith("3.0."), "Connexion needs OpenAPI 3.0.x"
    validate(document)


@pytest.mark.parametrize("path", SPECS, ids=_ids(SPECS))
def test_every_operation_has_a_unique_snake_case_operation_id(path: Path) -> None:
    ids = [operation.operation_id for operation in _operations(path)]
    missing = [op.label for op in _operations(path) if not op.operation_id]
    assert not missing, f"operations without operationId: {missing}"
    assert len(ids) == len(set(ids)), f"duplicate operationIds: {ids}"
    assert all(OPERATION_ID.match(i) for i in ids), f"not snake_case: {ids}"


def _missing_errors(operation: Operation) -> list[str]:
    secured = any(operation.security)
    wanted = {"400": "a malformed request is always possible",
              "405": "any path answers other methods with 405"}
    if secured:
        wanted["401"] = "it needs credentials"
        wanted["403"] = "credentials can be refused"
    if "{" in operation.path:
        wanted["404"] = "its path names a resource"
    if operation.has_body:
        wanted["415"] = "it takes a body"
    return [f"{operation.label} ({operation.operation_id}): {code}, {why}"
            for code, why in wanted.items() if code not in operation.statuses]


@pytest.mark.parametrize("path", SPECS, ids=_ids(SPECS))
def test_every_operation_documents_its_error_responses(path: Path) -> None:
    missing = [line for op in _operations(path) for line in _missing_errors(op)]
    assert not missing, "undocumented error responses:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("path", SPECS, ids=_ids(SPECS))
def test_error_responses_have_json_bodies(path: Path) -> None:
    document = _load(path)
    bad = []
    for template, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            for code, response in item.get(method, {}).get("responses", {}).items():
                response = _resolve(document, response)
                if str(code)[0] in "45" and "application/json" not in response.get("content", {}):
                    bad.append(f"{method.upper()} {template} {code}")
    assert not bad, f"error responses without an application/json body: {bad}"


@pytest.mark.parametrize("path", SPECS, ids=_ids(SPECS))
def test_every_operation_declares_its_security(path: Path) -> None:
    document = _load(path)
    schemes = document.get("components", {}).get("securitySchemes", {})
    if path.name in UNSECURED_BY_DESIGN:
        assert not document.get("security") and not schemes, (
            f"{path.name} is unsecured by design ({UNSECURED_BY_DESIGN[path.name]})")
        return
    problems = []
    for operation in _operations(path):
        declared = document["paths"][operation.path][operation.method.lower()]
        if not any(operation.security):
            if "security" not in declared:  # explicitly public operations say `security: []`
                problems.append(f"{operation.label}: no security and no explicit `security: []`")
            continue
        for requirement in operation.security:
            unknown = set(requirement) - set(schemes)
            if unknown:
                problems.append(f"{operation.label}: unknown security schemes {sorted(unknown)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", SPECS, ids=_ids(SPECS))
def test_links_name_real_operations_parameters_and_fields(path: Path) -> None:
    document = _load(path)
    by_id = {}
    for template, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                by_id[item[method].get("operationId")] = (template, method)
    problems = []
    for item in document.get("paths", {}).values():
        for method in HTTP_METHODS:
            for response in item.get(method, {}).get("responses", {}).values():
                for name, link in _resolve(document, response).get("links", {}).items():
                    problems += _link_problems(document, by_id, name, link)
    assert not problems, "\n".join(problems)


def _link_problems(document: dict[str, Any], by_id: dict[str, tuple[str, str]], name: str,
                   link: dict[str, Any]) -> list[str]:
    target = by_id.get(link.get("operationId"))
    if target is None:
        return [f"link {name}: no operation {link.get('operationId')!r}"]
    template, method = target
    item = document["paths"][template]
    parameters = {_resolve(document, p)["name"]
                  for p in [*item.get("parameters", ()), *item[method].get("parameters", ())]}
    problems = [f"link {name}: {link['operationId']} has no parameter {p!r}"
                for p in link.get("parameters", {}) if p.split(".")[-1] not in parameters]
    body = link.get("requestBody")
    if isinstance(body, dict):
        content = _resolve(document, item[method].get("requestBody", {})).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        allowed = _properties(document, schema)
        problems += [f"link {name}: {link['operationId']}'s body has no field {field!r}"
                     for field in body if field not in allowed]
    return problems
