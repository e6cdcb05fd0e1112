"""The ``venue`` / ``event`` filters: case-insensitive substrings, and how they are found.

What matches is one SQL expression on every engine and every path:
``lower(column) LIKE '%' || lower(value) || '%'`` with ``%``, ``_`` and the escape
character escaped (SQLAlchemy's ``icontains(autoescape=True)``), so ``%``, ``_`` and
quotes are plain characters. SQLite folds ASCII letters only; PostgreSQL folds as
its ``lower()`` does.

How the matches are found is separate. On SQLite a substring of 3 or more characters
is first looked up in the FTS5 trigram index (:data:`.derived.ticket_text`); the
index folds case more widely than ``lower()`` (Unicode folding), so it yields a
superset of the matches, and the expression above then decides. Shorter
substrings (a trigram index holds nothing shorter) fall back to testing every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

#: The shortest substring the trigram index can find.
INDEXED_LENGTH = 3


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
        return [table.c[name].icontains(value, autoescape=True)
                for name, value in self._parts()]

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
