"""Dates as tickets print them, and back to the documented ISO form.

Producers print dates their own way ("Sat, Jul 12, 2026 7:10 PM",
"07/12/2026 19:10", "Saturday 12 July 2026", "2026-07-12 19:10"). The
renderer formats with :func:`format_date` patterns; the decoder parses any
of these shapes with :func:`parse_datetime`, which knows no producer.

Numeric dates are read month-first (US tickets), unless the first number
cannot be a month. Two-digit years are 20xx. A date without a time gets
00:00:00; seconds are 00 unless printed.
"""

from __future__ import annotations

import re
from datetime import datetime

__all__ = ["format_date", "parse_datetime", "parse_time"]

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    # 2026-07-12
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    # Jul 12, 2026 / July 12 2026
    re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})", re.IGNORECASE),
    # 12 July 2026 / 12-Jul-2026
    re.compile(r"(?<!\d)(?P<d>\d{1,2})[\s-]+" + _MONTH + r"[\s,-]+(?P<y>\d{4})", re.IGNORECASE),
    # 07/12/2026 / 7/12/26 / 07.12.2026
    re.compile(r"(?<!\d)(?P<m>\d{1,2})[/.](?P<d>\d{1,2})[/.](?P<y>\d{4}|\d{2})(?!\d)"),
)
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?(?![\d])",
    re.IGNORECASE,
)


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: datetime, pattern: str) -> str:
    """``strftime`` in English whatever the locale, plus unpadded fields.

    ``{h}`` is the hour 1-12, ``{d}`` the day and ``{m}`` the month, all
    without zero padding; ``%p`` is always ``AM``/``PM``.
    """
    day, month = _DAY_NAMES[value.weekday()], _MONTH_NAMES[value.month - 1]
    names = {
        "%A": day,
        "%a": day[:3],
        "%B": month,
        "%b": month[:3],
        "%p": "PM" if value.hour >= 12 else "AM",
        "{h}": str(value.hour % 12 or 12),
        "{d}": str(value.day),
        "{m}": str(value.month),
    }
    for token, name in names.items():
        pattern = pattern.replace(token, name)
    return value.strftime(pattern)


def _date(text: str) -> tuple[tuple[int, int, int], int] | None:
    """((year, month, day), end offset) of the first date in ``text``."""
    best: tuple[int, tuple[int, int, int], int] | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m is None or (best is not None and m.start() >= best[0]):
            continue
        parts = m.groupdict()
        year = int(parts["y"])
        year += 2000 if year < 100 else 0
        month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
        day = int(parts["d"])
        if not parts.get("mon") and month > 12 >= day:  # 25/12/2026: day first
            month, day = day, month
        try:
            datetime(year, month, day)
        except ValueError:
            continue
        best = (m.start(), (year, month, day), m.end())
    return None if best is None else (best[1], best[2])


def parse_time(text: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of the first time of day in ``text``."""
    for m in _TIME.finditer(text):
        hour, minute = int(m["h"]), int(m["min"])
        second = int(m["s"]) if m["s"] else 0
        ampm = (m["ampm"] or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if hour < 24 and minute < 60 and second < 60:
            return hour, minute, second
    return None


def parse_datetime(text: str, time_text: str | None = None) -> datetime | None:
    """The first date in ``text`` with the time after it (or in ``time_text``).

    ``None`` when ``text`` holds no date.
    """
    found = _date(text)
    if found is None:
        return None
    (year, month, day), end = found
    clock = parse_time(text[end:]) or parse_time(text)
    if clock is None and time_text is not None:
        clock = parse_time(time_text)
    hour, minute, second = clock or (0, 0, 0)
    return datetime(year, month, day, hour, minute, second)
