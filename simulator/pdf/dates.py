"""Dates as tickets print them, and back to the documented ISO form.

Producers print dates their own way ("Sat, Jul 12, 2026 7:10 PM",
"07/12/2026 19:10", "Saturday 12 July 2026", "2026-07-12 19:10"). The
renderer formats with :func:`format_date` patterns; the decoder parses any
of these shapes with :func:`parse_datetime`, which knows no producer.

Parsing is python-dateutil's fuzzy parser, after a check that the text
holds a date at all (dateutil would make one up from ``Row 12``) and with
the words tickets put between the parts (``at``, ``·``, ``ET``) removed.
Numeric dates are read month-first (US tickets), unless the first number
cannot be a month. Two-digit years are 20xx. A date without a time gets
00:00:00; seconds are 00 unless printed.
"""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser

__all__ = ["format_date", "parse_datetime", "parse_time"]

_DEFAULT = datetime(2000, 1, 1)
_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: a date is there: a numeric date, or a month name with a day or a year
_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d)"
    rf"|\b{_MONTH_WORD}\s*\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?[\s-]*{_MONTH_WORD}",
    re.IGNORECASE,
)
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_TIME = re.compile(
    r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\.?)?|(?<!\d)\d{1,2}\s*[ap]\.?m\.?(?!\w)",
    re.IGNORECASE,
)
#: words and marks between the date parts on tickets ("at", "·", "@", time zones)
_NOISE = re.compile(
    r"[\u00b7|@\u2022\u2013\u2014]|\b(?:at|doors|ET|CT|MT|PT|[ECMP][SD]T)\b", re.IGNORECASE
)
_MERIDIEM = re.compile(r"\b([ap])\.\s?m\.?", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")

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


def _has_time(text: str) -> bool:
    return _TIME.search(text) is not None


def _cleaned(text: str) -> str:
    """``text`` with the words and marks dateutil trips on turned into spaces."""
    text = _MERIDIEM.sub(r"\1m", _NOISE.sub(" ", text))
    return " ".join(_ORDINAL.sub("", text).split())


def _parse(text: str) -> datetime | None:
    if _DATE.search(text) is None:  # dateutil would invent a date from "Row 12"
        return None
    try:
        value = parser.parse(_cleaned(text), default=_DEFAULT, fuzzy=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    if _FOUR_DIGIT_YEAR.search(text) is None:  # "7/12/26": two-digit years are 20xx
        value = value.replace(year=2000 + value.year % 100)
    return value


def parse_time(text: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of the first time of day in ``text``."""
    m = _TIME.search(text)
    if m is None:
        return None
    value = _parse_clock(m.group(0))
    return None if value is None else (value.hour, value.minute, value.second)


def _parse_clock(text: str) -> datetime | None:
    try:
        return parser.parse(_cleaned(text), default=_DEFAULT, fuzzy=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None


def parse_datetime(text: str, time_text: str | None = None) -> datetime | None:
    """The date in ``text`` with the time in it (or else in ``time_text``).

    ``None`` when ``text`` holds no date.
    """
    value = _parse(text)
    if value is None:
        return None
    if not _has_time(text) and time_text is not None:
        clock = parse_time(time_text)
        if clock is not None:
            value = value.replace(hour=clock[0], minute=clock[1], second=clock[2])
    return value
