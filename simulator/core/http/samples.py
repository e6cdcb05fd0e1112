"""Response bodies made from a spec: documented examples, or values drawn from a schema.

Used by ``Prefer`` (``code=``, ``example=``, ``dynamic=true``) and by fault
rules that answer "the operation's documented error body". Without a random
generator the sample is *static* (examples, defaults, the first enum value,
the smallest value a constraint allows, every property), so it is the same
every time; with one it is *dynamic* (random but seeded, so repeatable).
"""

from __future__ import annotations

import json
import random
import re
import string
from datetime import UTC, datetime, timedelta
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

from simulator.core.http.operations import resolve

__all__ = ["MAX_DEPTH", "body_for", "example_names", "sample"]

MAX_DEPTH = 8
STATIC_INSTANT = datetime(2030, 1, 1, tzinfo=UTC)
JSON_TYPE = "application/json"


def sample(schema: Any, document: dict[str, Any], rng: random.Random | None = None,
           depth: int = 0) -> Any:
    """A value valid for ``schema`` (an OpenAPI 3.0 schema of ``document``)."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return None
    if rng is None:
        for key in ("example", "default"):
            if key in schema:
                return schema[key]
    if schema.get("enum"):
        return schema["enum"][0] if rng is None else rng.choice(schema["enum"])
    if "allOf" in schema:
        return _all_of(schema, document, rng, depth)
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            options = schema[key]
            return sample(options[0] if rng is None else rng.choice(options), document, rng,
                          depth + 1)
    if rng is not None and schema.get("nullable") and rng.random() < 0.2:
        return None
    kind = schema.get("type") or ("object" if "properties" in schema else "string")
    maker = _MAKERS.get(str(kind), _string)
    return maker(schema, document, rng, depth)


def _all_of(schema: dict[str, Any], document: dict[str, Any], rng: random.Random | None,
            depth: int) -> Any:
    merged: Any = None
    rest = {k: v for k, v in schema.items() if k != "allOf"}
    for part in [*schema["allOf"], rest]:
        value = sample(part, document, rng, depth + 1) if part else None
        if isinstance(merged, dict) and isinstance(value, dict):
            merged = {**merged, **value}
        elif value is not None and (merged is None or part is not rest):
            merged = value
    return merged


def _object(schema: dict[str, Any], document: dict[str, Any], rng: random.Random | None,
            depth: int) -> dict[str, Any]:
    required = set(schema.get("required", ()))
    result: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        optional = name not in required
        if optional and (depth >= MAX_DEPTH or (rng is not None and rng.random() < 0.3)):
            continue
        result[name] = sample(sub, document, rng, depth + 1)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and rng is not None and depth < MAX_DEPTH:
        for _ in range(rng.randint(0, 2)):
            result[_word(rng, 3, 8)] = sample(extra, document, rng, depth + 1)
    return result


def _array(schema: dict[str, Any], document: dict[str, Any], rng: random.Random | None,
           depth: int) -> list[Any]:
    low = int(schema.get("minItems", 0))
    high = int(schema.get("maxItems", low + 3))
    if depth >= MAX_DEPTH:
        count = low
    elif rng is None:
        count = min(max(low, 1), high)
    else:
        count = rng.randint(low, min(high, low + 3))
    items = [sample(schema.get("items", {}), document, rng, depth + 1) for _ in range(count)]
    if schema.get("uniqueItems"):
        unique: list[Any] = []
        for item in items:
            if item not in unique:
                unique.append(item)
        items = unique if len(unique) >= low else items
    return items


def _number(schema: dict[str, Any], _document: dict[str, Any], rng: random.Random | None,
            _depth: int) -> int | float:
    integer = schema.get("type") == "integer"
    step = 1 if integer else 0.5
    low = schema.get("minimum", 0 if schema.get("maximum", 1) >= 0 else schema["maximum"] - 100)
    if schema.get("exclusiveMinimum"):
        low += step
    high = schema.get("maximum", low + 1000)
    if schema.get("exclusiveMaximum"):
        high -= step
    if rng is None:
        value: int | float = low
    elif integer:
        value = rng.randint(int(low), int(max(low, high)))
    else:
        value = round(rng.uniform(low, max(low, high)), 2)
    if integer:
        return int(value)
    multiple = schema.get("multipleOf")
    return float(value) if not multiple else float(multiple * round(value / multiple))


def _boolean(_schema: dict[str, Any], _document: dict[str, Any], rng: random.Random | None,
             _depth: int) -> bool:
    return False if rng is None else rng.random() < 0.5


def _word(rng: random.Random | None, low: int, high: int) -> str:
    if rng is None:
        return "string"[:high].ljust(low, "x")
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, max(low, high))))


def _string(schema: dict[str, Any], _document: dict[str, Any], rng: random.Random | None,
            _depth: int) -> str:
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 24))
    fmt = schema.get("format")
    offset = timedelta(seconds=rng.randint(0, 10**8)) if rng is not None else timedelta(0)
    instant = STATIC_INSTANT + offset
    formatted = {
        "date-time": instant.isoformat().replace("+00:00", "Z"),
        "date": instant.date().isoformat(),
        "uuid": "00000000-0000-4000-8000-000000000000" if rng is None else
                f"{rng.getrandbits(128):032x}",
        "email": f"{_word(rng, 3, 8)}@example.com",
        "uri": f"https://example.com/{_word(rng, 3, 8)}",
        "url": f"https://example.com/{_word(rng, 3, 8)}",
        "binary": "",
        "byte": "",
    }
    if fmt == "uuid" and rng is not None:
        raw = formatted["uuid"]
        formatted["uuid"] = f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-8{raw[17:20]}-{raw[20:32]}"
    if fmt in formatted:
        return formatted[str(fmt)]
    if "pattern" in schema:  # the pattern, not a default length, bounds its repeats
        return _from_pattern(str(schema["pattern"]), rng or random.Random(0), low,
                             int(schema.get("maxLength", 256)))
    return _word(rng, max(low, 1 if high else 0) if rng is None else low, min(high, low + 12))


def _from_pattern(pattern: str, rng: random.Random, low: int, high: int) -> str:
    """A string matching ``pattern`` (simple regexes: classes, repeats, groups, branches)."""
    for _ in range(20):
        text = _emit(sre.parse(pattern), rng)
        if low <= len(text) <= high and re.search(pattern, text):
            return text
    return "x" * low


_CATEGORIES = {"CATEGORY_DIGIT": string.digits, "CATEGORY_WORD": string.ascii_letters + "_",
               "CATEGORY_SPACE": " "}


def _emit(parsed: Any, rng: random.Random) -> str:
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "ANY":
            out.append(rng.choice(string.ascii_letters))
        elif name == "IN":
            out.append(_from_class(arg, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, item = arg
            count = rng.randint(low, min(high, low + 3))
            out.extend(_emit(item, rng) for _ in range(count))
        elif name == "SUBPATTERN":
            out.append(_emit(arg[-1], rng))
        elif name == "BRANCH":
            out.append(_emit(rng.choice(arg[1]), rng))
        elif name == "CATEGORY":
            out.append(rng.choice(_CATEGORIES.get(str(arg), "x")))
    return "".join(out)


def _from_class(items: Any, rng: random.Random) -> str:
    choices: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            return rng.choice(string.ascii_letters)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 60) + 1))
        elif name == "CATEGORY":
            choices.extend(_CATEGORIES.get(str(arg), "x"))
    return rng.choice(choices or ["x"])


_MAKERS: dict[str, Any] = {"object": _object, "array": _array, "integer": _number,
                           "number": _number, "boolean": _boolean, "string": _string}


def example_names(response: dict[str, Any]) -> list[str]:
    """Names of the named examples a documented response carries."""
    return [name for media in response.get("content", {}).values()
            for name in media.get("examples", {})]


def body_for(response: dict[str, Any], document: dict[str, Any], *,
             example: str | None = None, rng: random.Random | None = None
             ) -> tuple[str | None, bytes]:
    """(content type, body) of a documented response: the named ``example``, else the
    first example, else a sample of the schema (dynamic when ``rng`` is given)."""
    content: dict[str, Any] = response.get("content", {})
    if not content:
        return None, b""
    media_type = JSON_TYPE if JSON_TYPE in content else next(iter(content))
    media = content[media_type]
    examples = {name: resolve(document, value).get("value")
                for name, value in media.get("examples", {}).items()}
    if example is not None and example in examples:
        value = examples[example]
    elif rng is None and examples:
        value = next(iter(examples.values()))
    elif rng is None and "example" in media:
        value = media["example"]
    else:
        value = sample(media.get("schema", {}), document, rng)
    if "json" in media_type:
        return media_type, json.dumps(value).encode()
    return media_type, value.encode() if isinstance(value, str) else b""
