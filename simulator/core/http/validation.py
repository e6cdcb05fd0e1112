"""Request validation with the project's wording: one short sentence per problem.

Connexion's stock validators answer with jsonschema's full dump ("Failed
validating 'type' in schema: {...}", or 6.7 KB of repeated URLs for a list
that is too long), and Python's JSON parser lets ``NaN`` and ``Infinity``
through. These subclasses, installed through Connexion's ``validator_map``,
keep its behaviour but name the field and what was expected, and refuse
non-finite numbers, which JSON does not have.
"""

from __future__ import annotations

import json
import math
from typing import Any

from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator, ValidationError

from simulator.core.http.bodies import not_json, parse_json
from simulator.core.http.fastcheck import fast_check, python_validator

__all__ = ["VALIDATORS", "describe", "parsed_body"]

SHOWN = 40  # characters of an offending value quoted back
#: Scope extension holding (raw body, parsed body) of the JSON body just validated.
PARSED_BODY = "ticketsim.parsed_json_body"
_UTF8 = frozenset({"utf-8", "utf8"})


def parsed_body(scope: Any, raw: bytes) -> tuple[bool, Any]:
    """``(True, value)`` when request validation parsed exactly ``raw`` as UTF-8 JSON
    into ``value``, so it need not be parsed again; ``(False, None)`` otherwise."""
    kept = scope.get("extensions", {}).get(PARSED_BODY)
    if kept is not None and kept[0] == raw:
        return True, kept[1]
    return False, None


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


def _plural(count: Any, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def describe(error: ValidationError, where: str) -> str:
    """One sentence naming the field (``where`` + the error's path) and what was expected."""
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    field = f"{where}{path}".lstrip(".") or "The value"
    rule, expected, got = error.validator, error.validator_value, error.instance
    if rule == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a field"
        return f"{field}: '{missing}' is required" if path or where else f"'{missing}' is required"
    messages = {
        "type": lambda: f"{field} must be of type {expected} (got {_shown(got)})",
        "enum": lambda: f"{field} must be one of {', '.join(map(str, expected))} "
                        f"(got {_shown(got)})",
        "maxItems": lambda: f"{field} may have at most {_plural(expected, 'item')} "
                            f"(got {len(got)})",
        "minItems": lambda: f"{field} needs at least {_plural(expected, 'item')}",
        "maxProperties": lambda: f"{field} may have at most {_plural(expected, 'key')} "
                                 f"(got {len(got)})",
        "maxLength": lambda: f"{field} may be at most {_plural(expected, 'character')} long",
        "minLength": lambda: f"{field} must be at least {_plural(expected, 'character')} long",
        "maximum": lambda: f"{field} must be at most {expected} (got {_shown(got)})",
        "minimum": lambda: f"{field} must be at least {expected} (got {_shown(got)})",
        "pattern": lambda: f"{field} must match {expected} (got {_shown(got)})",
        "format": lambda: f"{field} must be a valid {expected} (got {_shown(got)})",
        "uniqueItems": lambda: f"{field} must not repeat items",
        "additionalProperties": lambda: f"{field}: {error.message}",
    }
    build = messages.get(str(rule))
    if build is not None:
        return build()
    first = error.message.split("\n", 1)[0]
    return f"{field}: {first if len(first) <= 120 else first[:117] + '...'}"


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


class SimJSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """JSON bodies: strict numbers, short messages, one compiled validator per schema."""

    @property
    def _validator(self) -> Any:
        return python_validator(self._schema, Draft4RequestValidator)

    async def _parse(self, stream: Any, scope: Any) -> Any:
        raw = b"".join([message async for message in stream])
        text = raw.decode(self._encoding)
        if not text:
            return None
        try:
            body = parse_json(text, parse_constant=_refuse_constant)
        except ValueError as exc:
            raise BadRequestProblem(detail=not_json(exc)) from None
        if self._encoding.lower() in _UTF8:  # what json.loads(raw) reads too
            scope.setdefault("extensions", {})[PARSED_BODY] = (raw, body)
        return body

    def _validate(self, body: Any) -> dict[Any, Any] | None:
        if not self._nullable and body is None:
            raise BadRequestProblem(detail="The request body must not be empty")
        if fast_check(self._schema, "request")(body):
            return None
        error = next(iter(sorted(self._validator.iter_errors(body),
                                 key=lambda e: (len(e.absolute_path), str(e.validator)))), None)
        if error is not None:
            raise BadRequestProblem(detail=describe(error, "body" if not error.path else ""))
        return None


class SimParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Path, query and header parameters: short messages, no NaN/Infinity numbers."""

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        name = f"{parameter_type} parameter '{param.get('name', param_name)}'"
        if value is None:
            if param.get("required"):
                return f"Missing {name}"
            return None
        schema = param.get("schema", param)
        if isinstance(value, float) and not math.isfinite(value):
            return f"{name} must be a finite number (got {value})"
        if fast_check(schema, "parameter")(value):
            return None
        try:
            python_validator(schema, Draft4Validator).validate(value)
        except ValidationError as error:
            return describe(error, name).replace(f"{name}.", f"{name} ")
        return None


class SimJSONResponseValidator(JSONResponseBodyValidator):  # type: ignore[misc]
    """JSON responses: Connexion's checks and wording, decided by the compiled validator."""

    @property
    def validator(self) -> Any:
        return python_validator(self._schema, Draft4ResponseValidator)

    def _validate(self, body: Any) -> None:
        if fast_check(self._schema, "response")(body):
            return
        super()._validate(body)


VALIDATORS: dict[str, Any] = {
    **VALIDATOR_MAP,
    "parameter": SimParameterValidator,
    "body": type(VALIDATOR_MAP["body"])({
        **dict(VALIDATOR_MAP["body"].items()), "*/*json": SimJSONBodyValidator}),
    "response": type(VALIDATOR_MAP["response"])({
        **dict(VALIDATOR_MAP["response"].items()), "*/*json": SimJSONResponseValidator}),
}
