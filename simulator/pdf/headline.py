"""Fields a ticket prints without a label, found by size and position.

Many tickets print the event name as a headline, the venue on the line
under it and the event date on a line of its own, with no label at all.
After the labelled fields are read, the phrases left over are examined:

* event name: the largest phrase on the page, when it is clearly larger
  than the page's usual type and is not a brand, a label, a date or
  boilerplate ("THIS IS YOUR TICKET");
* venue: one of the lines just under the event name, when it reads like a
  venue (a venue word such as Arena, Stadium, Theatre, Park; or a trailing
  ``City, ST``). A trailing ``, City, ST`` or `` - City, ST`` is not part
  of the venue name and is left out;
* event date: the first phrase that is essentially a date, with a time
  printed apart beside or under it (the order date always comes with a
  label on real tickets).

Labelled values always win over these (see :mod:`simulator.pdf.fields`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from simulator.pdf.dates import parse_datetime, parse_time
from simulator.pdf.producers import detect_producer
from simulator.pdf.text import Segment
from simulator.pdf.vocab import LABEL_AT, label_of

__all__ = ["split_city", "unlabelled_fields"]

_HEADLINE_RATIO = 1.25  # times the page's median line height
_VENUE_REACH = 3.5  # headline heights below the headline
_BOILERPLATE = re.compile(
    r"\b(?:tickets?|admit|admission|e-?ticket|mobile|print|scan|barcode|official|receipt|"
    r"present|thank|valid|www\.|https?:|\.com)\b|@",
    re.IGNORECASE,
)
_VENUE_WORDS = re.compile(
    r"\b(?:arena|stadium|park|field|cent(?:er|re)|theat(?:er|re)|hall|gardens?|"
    r"amphitheat(?:er|re)|auditorium|bowl|ballroom|club|pavilion|coliseum|colosseum|dome|"
    r"forum|fillmore|anthem|palladium|playhouse|opera|house|lounge|casino|speedway|ballpark|"
    r"grounds|bandshell|yards|plaza|square|fairgrounds|racetrack|ampitheater|venue|church|"
    r"cathedral|museum|winery|brewery|pier|terrace)\b",
    re.IGNORECASE,
)
_CITY_STATE = re.compile(
    r"^(?P<venue>.+?)(?:\s*,\s*|\s+[-\u2013\u2014\u00b7|\u2022]\s+)"
    r"(?P<city>[A-Za-z][A-Za-z .'-]*),\s*(?P<state>[A-Z]{2})(?:\s+\d{5})?$"
)
_MAX_DATE_WORDS = 9


def split_city(text: str) -> tuple[str, bool]:
    """(venue name, whether a ``City, ST`` tail was removed) of a venue line."""
    m = _CITY_STATE.match(text)
    return (m["venue"].strip(), True) if m else (text, False)


def _is_date(text: str) -> bool:
    return len(text.split()) <= _MAX_DATE_WORDS and parse_datetime(text) is not None


def _headline_like(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return (
        letters >= 2
        and label_of(text) is None
        and LABEL_AT.match(text) is None
        and detect_producer([text]) is None
        and _BOILERPLATE.search(text) is None
        and not _is_date(text)
    )


def _headline(segments: Sequence[Segment], free: list[int]) -> int | None:
    candidates = [i for i in free if _headline_like(segments[i].text)]
    if not candidates:
        return None
    heights = sorted(s.height for s in segments)
    median = heights[len(heights) // 2]
    best = max(candidates, key=lambda i: (round(segments[i].height, 1), segments[i].top))
    return best if segments[best].height >= _HEADLINE_RATIO * median else None


def _venue(segments: Sequence[Segment], free: list[int], anchor: Segment) -> tuple[int, str] | None:
    below = sorted(
        (
            i
            for i in free
            if segments[i].top <= anchor.bottom + 0.3 * anchor.height
            and anchor.bottom - segments[i].top <= _VENUE_REACH * anchor.height
        ),
        key=lambda i: -segments[i].top,
    )
    for i in below[:3]:
        text = segments[i].text
        name, had_city = split_city(text)
        if (had_city or _VENUE_WORDS.search(text)) and label_of(text) is None:
            return i, name
    return None


def unlabelled_fields(
    segments: Sequence[Segment],
    used: Collection[int],
    labelled: Mapping[str, object],
) -> dict[str, tuple[int, str]]:
    """Event name, venue and event date read by layout: ``{field: (segment, text)}``.

    Only fields missing from ``labelled`` are looked for, among the
    segments not in ``used``.
    """
    free = [i for i in range(len(segments)) if i not in used]
    found: dict[str, tuple[int, str]] = {}
    anchor: int | None = None
    if "event_name" not in labelled:
        anchor = _headline(segments, free)
        if anchor is not None:
            found["event_name"] = (anchor, segments[anchor].text)
            free.remove(anchor)
    if "venue_name" not in labelled and anchor is not None:
        venue = _venue(segments, free, segments[anchor])
        if venue is not None:
            found["venue_name"] = venue
            free.remove(venue[0])
    if "event_date" not in labelled:
        date = next((i for i in free if _is_date(segments[i].text)), None)
        if date is not None:
            found["event_date"] = (date, _with_time(segments, free, date))
    return found


def _with_time(segments: Sequence[Segment], free: list[int], date: int) -> str:
    """The date phrase, followed by a time printed apart just after it (``8:00 PM``)."""
    text = segments[date].text
    if parse_time(text) is not None:
        return text
    box = segments[date]
    for i in free:
        s = segments[i]
        beside = abs(s.middle - box.middle) <= 0.35 * box.height and s.left >= box.right
        under = 0 <= box.bottom - s.top <= 1.5 * box.height and abs(s.left - box.left) <= 4
        if (beside or under) and _is_time(s.text):
            return f"{text} {s.text}"
    return text


def _is_time(text: str) -> bool:
    return len(text.split()) <= 3 and parse_time(text) is not None and parse_datetime(text) is None
