"""The ``venue`` / ``event`` filters: case-insensitive substrings, and how they are found.

What matches is one SQL expression on every engine and every path:
``lower(column) LIKE '%value%'`` with the value's ASCII letters folded and ``%``,
``_`` and the escape character escaped, so they and quotes are plain characters.
Case folds for ASCII letters only, as SQLite's ``lower()`` does: on PostgreSQL
``lower()`` is given the "C" collation, or it would fold by the database's locale
and answer differently from SQLite.

How the matches are found is separate. On SQLite a substring of 3 or more characters
is first looked up in the FTS5 trigram index (:data:`.derived.ticket_text`); the
index folds case more widely than ``lower()`` (Unicode folding), so it yields a
superset of the matches, and the expression above then decides. Shorter
substrings (a trigram index holds nothing shorter) fall back to testing every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

#: The shortest substring the trigram index can find.
INDEXED_LENGTH = 3
ESCAPE = "/"
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class ascii_lower(FunctionElement[str]):
    """``lower()`` folding ASCII letters only, on every engine."""

    type = String()
    name = "ascii_lower"
    inherit_cache = True


@compiles(ascii_lower)
def _lower(element: ascii_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(ascii_lower, "postgresql")
def _lower_c(element: ascii_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f'lower(({compiler.process(element.clauses, **kw)}) COLLATE "C")'


def contains(column: Any, value: str) -> ColumnElement[bool]:
    """``column`` holds ``value``, ASCII letters in either case."""
    escaped = "".join(ESCAPE + c if c in (ESCAPE, "%", "_") else c
                      for c in value.translate(ASCII_LOWER))
    return ascii_lower(column).like(f"%{escaped}%", escape=ESCAPE)


@dataclass(frozen=True, slots=True)
class Substrings:
    """The ``venue`` and ``event`` filters of one query (None: not filtered)."""

    venue: str | None = None
    event: str | None = None

    @property
    def given(self) -> bool:
        return self.venue is not None or self.event is not None

    def _parts(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, value) for name, value in (("venue", self.venue),
                                                       ("event", self.event))
                     if value is not None)

    def conditions(self, table: Any) -> list[ColumnElement[bool]]:
        """The filters on ``table``'s ``venue`` and ``event`` columns: what matches."""
        return [contains(table.c[name], value) for name, value in self._parts()]

    def match_query(self) -> str | None:
        """An FTS5 query finding (a superset of) the matching tickets, or None when no
        substring is long enough for the trigram index.

        Each substring is one quoted phrase restricted to its column (inside quotes
        FTS5 reads every character literally, ``"`` doubled); a NUL would end the
        query early, so a substring holding one is left to the scan.
        """
        phrases = [f'{name} : "{value.replace(chr(34), chr(34) * 2)}"'
                   for name, value in self._parts()
                   if len(value) >= INDEXED_LENGTH and "\x00" not in value]
        return " AND ".join(phrases) or None
