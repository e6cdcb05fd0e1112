"""Query strings as JavaScript clients send arrays: ``a=1&a=2``, ``a[]=1``, ``a[0]=1``.

Connexion reads an array parameter (``style: form``) only from repeated keys
or a comma-separated value. The ``qs`` library that Node clients use (and
that Express-style APIs such as vivenu's parse with) writes arrays with
indices by default (``status[0]=CREATED&status[1]=EXPIRED``), and axios with
empty brackets (``status[]=CREATED``). Left to Connexion those keys are
unknown parameters and silently ignored, so a filter the client asked for
would not apply. :class:`QsArrays` folds them into the declared parameter
before Connexion parses and validates it, so they are checked like the
repeated form.
"""

from __future__ import annotations

import re
from typing import Any

from connexion.uri_parsing import OpenAPIURIParser

__all__ = ["QsArrays"]

_BRACKETED = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>\d*)\]$")


class QsArrays(OpenAPIURIParser):  # type: ignore[misc]
    """Connexion's OpenAPI 3 URI parser, also reading ``name[]`` and ``name[n]`` arrays."""

    def _form_array(self, name: str) -> bool:
        definition = self.param_defns.get(name)
        if definition is None or definition.get("style", "form") != "form":
            return False
        return bool(self.param_schemas.get(name, {}).get("type") == "array")

    def resolve_query(self, query_data: dict[str, list[Any]]) -> dict[str, Any]:
        folded: dict[str, list[Any]] = {}
        indexed: dict[str, list[tuple[int, int, Any]]] = {}
        for position, (key, values) in enumerate(query_data.items()):
            match = _BRACKETED.match(key)
            if match is None or not self._form_array(match["name"]):
                folded.setdefault(key, []).extend(values)
                continue
            index = int(match["index"]) if match["index"] else -1
            indexed.setdefault(match["name"], []).extend(
                (index, position, value) for value in values)
        for name, items in indexed.items():  # qs order: by index, then as sent
            folded.setdefault(name, []).extend(value for *_order, value in sorted(
                items, key=lambda item: (item[0] < 0, item[0], item[1])))
        return dict(super().resolve_query(folded))
