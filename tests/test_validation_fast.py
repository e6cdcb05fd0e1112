"""The compiled validator is never laxer than the Python one it stands in front of.

``fast_check`` answers "valid" on its own; anything else goes to the Python
validator, which decides and words the error. So for every schema of every
registered spec and many awkward values (each schema's examples, those
examples with one field replaced by a probe, and the probes themselves),
whatever the compiled check accepts must be accepted by Python too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator, resolve_refs
from jsonschema import Draft4Validator

from simulator.core.http.fastcheck import fast_check, openapi_to_jsonschema, python_validator
from simulator.core.specs import load_spec
from simulator.services import SERVICES

PROBES: list[Any] = [
    None, True, False, 0, 1, -1, 1.0, 1.5, 10**20, -(10**20), "", "a", " ", "0", "1.5",
    "2024-02-30", "2024-01-01", "2024-01-01T00:00:00Z", "not a date", "x" * 300, "ABC\n",
    "é" * 5, "00000000-0000-0000-0000-000000000000", "a@b", [], [1], ["a", "a"], [None],
    {}, {"a": 1}, [{}],
]
MODES = {"request": Draft4RequestValidator, "response": Draft4ResponseValidator,
         "parameter": Draft4Validator}


def _schemas(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {path}"
            for param in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if "schema" in param:
                    yield "parameter", f"{where} {param.get('name')}", param["schema"]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "schema" in media:
                    yield "request", f"{where} body", media["schema"]
            for status, response in operation.get("responses", {}).items():
                for media in response.get("content", {}).values():
                    if "schema" in media:
                        yield "response", f"{where} {status}", media["schema"]


def _examples(schema: Any) -> Iterator[Any]:
    if isinstance(schema, dict):
        if "example" in schema:
            yield schema["example"]
        for value in schema.values():
            yield from _examples(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _examples(value)


def _mutants(value: Any) -> Iterator[Any]:
    """``value`` with one member (at any depth) replaced by each probe, or removed."""
    if isinstance(value, dict):
        for key in value:
            for probe in PROBES:
                yield {**value, key: probe}
            yield {k: v for k, v in value.items() if k != key}
            for inner in _mutants(value[key]):
                yield {**value, key: inner}
    elif isinstance(value, list) and value:
        for probe in PROBES:
            yield [probe, *value[1:]]
        for inner in _mutants(value[0]):
            yield [inner, *value[1:]]


CASES = [(mount.spec, mode, where, schema) for service in SERVICES for mount in service.mounts
         for mode, where, schema in _schemas(resolve_refs(load_spec(mount.spec)))]


@pytest.mark.parametrize(("spec", "mode", "where", "schema"), CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_compiled_check_is_never_laxer(spec: str, mode: Any, where: str,
                                       schema: dict[str, Any]) -> None:
    check = fast_check(schema, mode)
    python = python_validator(schema, MODES[mode])
    examples = list(_examples(schema))
    values = [*PROBES, *examples, *(m for e in examples[:3] for m in _mutants(copy.deepcopy(e)))]
    laxer = [v for v in values if check(v) and not python.is_valid(v)]
    assert not laxer, f"{spec} {where}: compiled check accepts {laxer[:3]!r}"


def test_valid_examples_are_decided_by_the_compiled_check() -> None:
    """On the specs' own valid examples the compiled check answers alone (the fast path)."""
    decided = [check_ok for _spec, mode, _where, schema in CASES
               for example in list(_examples(schema))[:1]
               if python_validator(schema, MODES[mode]).is_valid(example)
               for check_ok in [fast_check(schema, mode)(example)]]
    assert decided and sum(decided) / len(decided) > 0.9


def test_nullable_reads_as_connexion_reads_it() -> None:
    schema = {"type": "object", "nullable": True, "properties": {
        "a": {"type": "string", "nullable": True, "enum": ["x"]},
        "b": {"type": "string"}}}
    converted = openapi_to_jsonschema(schema, "request")
    assert converted["type"] == ["object", "null"]
    assert converted["properties"]["a"]["enum"] == ["x", None]
    check = fast_check(schema, "request")
    assert check(None) and check({"a": None}) and not check({"b": None})
    assert fast_check(schema, "parameter")(None) is False


# --- the served specs: validated once, by the compiled check when it passes -------------

def _served_specs() -> dict[str, dict[str, Any]]:
    return {m.spec: load_spec(m.spec, with_security_hooks=True)
            for service in SERVICES for m in service.mounts}


def test_every_served_spec_passes_the_compiled_check_and_connexions_own() -> None:
    """The compiled verdict agrees with Connexion's on every served spec (the fast path
    docs/speed.md counts on), and Connexion's pure-Python validation passes them too."""
    from connexion.spec import OpenAPISpecification

    from simulator.core.http import specfast

    for name, spec in _served_specs().items():
        spec.setdefault("components", {})
        assert specfast.surely_valid(OpenAPISpecification, spec), name
        specfast._connexion_validate(OpenAPISpecification, spec)


def test_connexion_does_not_validate_a_served_spec_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from connexion.spec import OpenAPISpecification

    from simulator.core.http import specfast

    specfast.install()
    calls: list[object] = []
    monkeypatch.setattr(specfast, "_connexion_validate", lambda *a: calls.append(a))
    OpenAPISpecification.from_dict(load_spec("sales.yaml", with_security_hooks=True))
    assert calls == []
    changed = load_spec("sales.yaml", with_security_hooks=True)
    changed["info"]["title"] = "another document"
    OpenAPISpecification.from_dict(changed)
    assert len(calls) == 1


@pytest.mark.parametrize("change", ["bad default", "bad metaschema"])
def test_a_broken_spec_is_refused_with_connexions_error(change: str) -> None:
    from connexion.exceptions import InvalidSpecification
    from connexion.spec import OpenAPISpecification

    from simulator.core.http import specfast

    specfast.install()
    spec = load_spec("sales.yaml", with_security_hooks=True)
    if change == "bad default":
        spec["paths"]["/x"] = {"get": {"responses": {"200": {
            "description": "d", "content": {"application/json": {
                "schema": {"type": "integer", "default": "nope"}}}}}}}
    else:
        spec["info"]["version"] = 3
    with pytest.raises(InvalidSpecification) as refused:
        specfast.validate(spec)
    with pytest.raises(InvalidSpecification) as again:
        OpenAPISpecification.from_dict(spec)
    assert str(refused.value) == str(again.value)
