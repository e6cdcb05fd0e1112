"""Parsing of the documented query filters shared by GET /tickets and GET /transfers.

``id`` and ``account_id`` take one value or a comma list ("399315, 377806");
dates take a date ("2019-02-24") or a date-time ("2019-01-04T11:00:00"). A
date-only upper bound includes that whole day. Values that cannot be read
are refused with a 400 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from simulator.core.errors import BadRequest

#: Larger ids cannot exist (SQLite integers are 64-bit): they simply match nothing.
MAX_ID = 2**63 - 1
#: A ``page`` beyond this would overflow the database's OFFSET.
MAX_OFFSET = 2**62


def id_list(name: str, value: str | None) -> list[int] | None:
    """``"1111"`` or ``"399315, 377806"`` as ints; None when the filter is absent."""
    if value is None:
        return None
    parts = [part.strip() for part in value.split(",")]
    if not parts or any(not part.isascii() or not part.isdigit() for part in parts):
        raise BadRequest(f"{name} must be an ID or a comma-separated list of IDs, "
                         f"got '{value}'")
    return [number for number in (int(part) for part in parts) if number <= MAX_ID]


def _parse_moment(name: str, value: str) -> tuple[datetime, bool]:
    """The instant and whether only a date was given."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time()), True
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name} must be a date (2019-02-24) or a date-time "
                         f"(2019-01-04T11:00:00), got '{value}'") from None
    return moment.replace(tzinfo=None), False


def lower_bound(name: str, value: str | None) -> datetime | None:
    """A ``*_from`` filter: from this instant (a date: from its midnight) on."""
    return None if value is None else _parse_moment(name, value)[0]


def upper_bound(name: str, value: str | None) -> datetime | None:
    """A ``*_to`` filter as an exclusive end: a date includes its whole day."""
    if value is None:
        return None
    moment, date_only = _parse_moment(name, value)
    return moment + timedelta(days=1) if date_only else moment + timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Page:
    """``page_size`` and ``page`` (from 0) as documented; defaults 1000 and 0."""

    size: int = 1000
    number: int = 0

    @classmethod
    def of(cls, page_size: int | None, page: int | None) -> Page:
        size = 1000 if page_size is None else page_size
        number = 0 if page is None else page
        if size < 1:
            raise BadRequest("page_size must be at least 1")
        if number < 0:
            raise BadRequest("page must be 0 or more")
        if size * number > MAX_OFFSET:
            raise BadRequest("page is too large")
        return cls(size, number)

    def apply(self, query: Select[Any]) -> Select[Any]:
        return query.limit(self.size).offset(self.size * self.number)


def count_of(conn: Any, key: ColumnElement[Any], conditions: list[ColumnElement[bool]]) -> int:
    """How many rows match ``conditions`` (the documented ``count``)."""
    return int(conn.execute(select(func.count(key)).where(*conditions)).scalar() or 0)


def local_stamp(moment: datetime) -> str:
    """A local event time as documented: ``2019-03-23T13:05:00``."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def utc_stamp(moment: datetime) -> str:
    """A UTC instant as documented: ``2019-02-20T09:58:43.078739``."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")
