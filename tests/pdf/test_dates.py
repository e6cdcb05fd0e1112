"""Every producer's date format prints and parses back to the minute."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.pdf.dates import format_date, parse_datetime
from simulator.pdf.producers import PRODUCERS

FORMATS = sorted(
    {p.event_date_format for p in PRODUCERS.values()}
    | {p.order_date_format for p in PRODUCERS.values()}
)
_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@pytest.mark.parametrize("pattern", FORMATS)
@settings(max_examples=60, deadline=None)
@given(moment=_moments)
def test_format_then_parse(pattern: str, moment: datetime) -> None:
    printed = format_date(moment, pattern)
    time_text = (
        format_date(moment, "{h}:%M %p") if "%H" not in pattern and "{h}" not in pattern else None
    )
    parsed = parse_datetime(printed, time_text)
    assert parsed == moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sat, Jul 12, 2026 7:10 PM", datetime(2026, 7, 12, 19, 10)),
        ("Saturday, July 12, 2026 at 7:10 PM", datetime(2026, 7, 12, 19, 10)),
        ("12 July 2026, 19:10", datetime(2026, 7, 12, 19, 10)),
        ("07/12/2026 19:10:30", datetime(2026, 7, 12, 19, 10, 30)),
        ("25/12/2026 8:00 a.m.", datetime(2026, 12, 25, 8, 0)),  # day first when it must be
        ("2026-07-12", datetime(2026, 7, 12)),
        ("Doors 6:00 PM, Sept 3rd, 2026", datetime(2026, 9, 3, 18, 0)),
    ],
)
def test_shapes(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["no date here 7:10", "13/13/2026", "Row 12 Seat 4", ""])
def test_no_date_is_none(text: str) -> None:
    assert parse_datetime(text) is None


def test_format_is_english_whatever_the_locale() -> None:
    moment = datetime(2026, 7, 2, 9, 5)
    assert format_date(moment, "%A, %B {d}, %Y at {h}:%M %p") == "Thursday, July 2, 2026 at 9:05 AM"
