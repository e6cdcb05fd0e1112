"""Instants as the simulator stores and shows them: the conversions, written once.

Tables store naive UTC datetimes (SQLite keeps no time zone, and PostgreSQL
columns are declared without one), the domain works with aware UTC
datetimes, and the APIs show ISO 8601 with a ``Z``.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["aware", "naive", "zulu"]


def aware(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (a naive one is UTC, as stored)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def naive(moment: datetime) -> datetime:
    """``moment`` as the naive UTC datetime the tables store."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def zulu(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z`` (``2030-01-23T23:00:00.123456Z``); None stays None."""
    return None if moment is None else aware(moment).isoformat().replace("+00:00", "Z")
