"""Ticket fields from positioned text, by labels, for any producer's layout.

The decoder sees a page as text *segments*: runs of text on one line with a
bounding box (PDFium's text rectangles). Ticket layouts put a value next to
a label in one of three ways, and all three are read here without knowing
the producer:

* in the same run: ``Section: 101``, ``Order #: 38-12345/NYC``, or several
  seat labels in one line ``SEC 101 ROW 12 SEAT 5``;
* a separate run to the right on the same line (a two-column table);
* a separate run just below (a caption over a value, a column header).

Labels are matched as whole runs against the wordings of :data:`LABELS`
(``SEC``/``Section``/``SECTION``, ``Gate``/``Portal``/``Enter via``...).
A value found under a separate label or after a colon beats one found
after a bare word (``Row Row Your Boat`` is not a row). Nothing is
guessed: a field without a label stays ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["LABELS", "Extraction", "Segment", "extract_fields", "label_of"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text on one line, with its box in page points (y up)."""

    text: str
    left: float
    bottom: float
    right: float
    top: float

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


#: Label wordings per field, as regular expressions matched case-insensitively
#: against a whole label. Order matters: more specific fields first.
LABELS: dict[str, str] = {
    "order_date": r"(?:order(?:ed)?|purchase|sale)\s*date"
    r"|date\s*(?:ordered|purchased|of\s*purchase)"
    r"|purchased(?:\s*on)?|ordered(?:\s*on)?|order\s*placed|sold\s*on",
    "order_id": r"order(?:\s*(?:#|no\.?|number|id|ref(?:erence)?))?"
    r"|confirmation(?:\s*(?:#|no\.?|number|code))?|conf\.?\s*#",
    "buyer_id": r"(?:buyer|customer|patron|account|acct\.?|member|fan|user)\s*(?:id|#|no\.?|number)"
    r"|account|acct\.?|member",
    "buyer_type": r"(?:buyer|ticket|price|patron|fan|customer)\s*type|price\s*(?:level|code|class)",
    "buyer_name": r"name|(?:buyer|customer|purchaser|patron|guest|ticket\s*holder|account\s*holder)"
    r"(?:\s*name)?|purchased\s*by|issued\s*to|sold\s*to|bill\s*to",
    "event_date": r"(?:event\s*|show\s*|game\s*)?date(?:\s*(?:/|&|and)\s*time)?"
    r"|when|date\s*of\s*event",
    "event_time": r"(?:event\s*|show\s*|game\s*|start\s*)?time|starts?(?:\s*at)?",
    "event_name": r"event(?:\s*name)?|performance|game|show",
    "venue_name": r"venue(?:\s*name)?|location|where|facility",
    "section": r"sec(?:t|tion)?\.?",
    "row": r"row",
    "seat": r"seats?|seat\(s\)",
    "portal": r"gate|portal|entry(?:\s*gate)?|entrance|enter(?:\s*(?:via|at|through))?|use\s*gate",
}
_SHORT = ("section", "row", "seat", "portal")
_LABEL = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in LABELS.items()), re.IGNORECASE
)
_SHORT_LABEL = "|".join(f"(?:{LABELS[name]})" for name in _SHORT)
_INLINE = {
    name: re.compile(
        rf"(?P<label>{pattern})(?P<sep>\s*:\s*|\s+|(?<=[#.]))(?P<rest>\S.*)", re.IGNORECASE
    )
    for name, pattern in LABELS.items()
}
_NEXT_SHORT = re.compile(rf"\s+(?:{_SHORT_LABEL})(?:\s*:\s*|\s+)\S", re.IGNORECASE)
_NEXT_SEAT = re.compile(
    rf"\s+(?:{LABELS['section']}|{LABELS['row']}|{LABELS['seat']})(?:\s*:\s*|\s+)\S",
    re.IGNORECASE,
)
_PORTAL_WORD = re.compile(r"gate|portal", re.IGNORECASE)

# How sure a reading is: a separate label or a colon, or only a bare word.
_SURE, _BARE = 2, 1


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def label_of(text: str) -> str | None:
    """The field whose label ``text`` is as a whole (``"Section:"`` → section)."""
    m = _LABEL.fullmatch(_clean(text).rstrip(":").strip())
    return m.lastgroup if m else None


@dataclass(slots=True)
class Extraction:
    """Raw field texts found on a page, and the segments they used."""

    values: dict[str, str] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)


@dataclass(slots=True)
class _Candidates:
    """The best reading so far of each field: (rank, segment index, text)."""

    best: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    def offer(self, name: str, rank: int, order: int, text: str) -> None:
        text = _clean(text).strip(":#- ")
        if not text:
            return
        current = self.best.get(name)
        if current is None or (rank, -order) > (current[0], -current[1]):
            self.best[name] = (rank, order, text)


def _inline(text: str, order: int, found: _Candidates) -> bool:
    """Read ``label: value`` pairs inside one run; whether any was read."""
    text = _clean(text)
    matches = [(name, m) for name, regex in _INLINE.items() if (m := regex.fullmatch(text))]
    if not matches:
        return False
    # the longest label wins: "Purchased by: Ana" is a name, not a purchase date
    name, m = max(matches, key=lambda item: len(item[1]["label"]))
    # "Order #38", "Order No. 38" are as sure as a colon; "Row 12" is a bare word
    bare = m["sep"] != "" and not m["sep"].strip() and not m["label"].endswith(("#", "."))
    rest = m["rest"]
    if bare and name not in _SHORT:
        return False
    if name in _SHORT:
        # "SEC 101 ROW 12 SEAT 5": the value ends where the next seat label starts
        splitter = _NEXT_SEAT if name == "portal" else _NEXT_SHORT
        nxt = splitter.search(rest)
        value, remainder = (rest[: nxt.start()], rest[nxt.start() :]) if nxt else (rest, "")
        if bare and not _seat_like(value):
            return False
        if name == "portal":
            value = _portal(m["label"], _clean(value))
        found.offer(name, _BARE if bare else _SURE, order, value)
        if remainder:
            _inline(remainder, order, found)
        return True
    found.offer(name, _SURE, order, rest)
    return True


def _seat_like(value: str) -> bool:
    """Whether a value after a bare word looks like a seat location (``FLR A``)."""
    tokens = value.split()
    return 0 < len(tokens) <= 3 and all(
        len(t) <= 5 or any(ch.isdigit() for ch in t) for t in tokens
    )


def _same_line(a: Segment, b: Segment) -> bool:
    return abs(a.middle - b.middle) <= 0.35 * max(a.height, b.height, 1.0)


def _overlaps(a: Segment, b: Segment) -> bool:
    return a.left <= b.right and b.left <= a.right


def _neighbour(index: int, segments: Sequence[Segment], labels: Sequence[str | None]) -> int | None:
    """The segment holding the value of label ``index``: right of it, else below."""
    label = segments[index]
    reach = max(10 * label.height, 160.0)  # two-column tables leave wide gaps
    right = [
        i
        for i, s in enumerate(segments)
        if i != index
        and _same_line(s, label)
        and s.left >= label.right - 1
        and s.left - label.right <= reach
    ]
    if right:
        nearest = min(right, key=lambda i: segments[i].left)
        if labels[nearest] is None:
            return nearest
    below = [
        i
        for i, s in enumerate(segments)
        if i != index
        and s.top <= label.bottom + 1
        and label.bottom - s.top <= 1.2 * max(label.height, s.height) + 4
        and (_overlaps(s, label) or abs(s.left - label.left) <= 4)
    ]
    if not below:
        return None
    nearest = min(
        below, key=lambda i: (label.bottom - segments[i].top, abs(segments[i].left - label.left))
    )
    return nearest if labels[nearest] is None else None


def _portal(label: str, value: str) -> str:
    """``GATE`` over ``A`` reads as ``Gate A``, as the documented example has it."""
    word = _PORTAL_WORD.fullmatch(_clean(label).rstrip(":# "))
    if word and not _PORTAL_WORD.search(value):
        return f"{word.group(0).capitalize()} {value}"
    return value


def extract_fields(segments: Sequence[Segment]) -> Extraction:
    """Field texts (``section``, ``order_date``...) found by labels on a page.

    ``segments`` are in reading order. Dates are returned as printed, and
    ``event_time`` separately when the page prints the time under its own
    label; :mod:`simulator.pdf.decode` turns them into documented values.
    """
    labels = [label_of(s.text) for s in segments]
    found = _Candidates()
    result = Extraction()
    claimed: set[int] = set()
    for i, segment in enumerate(segments):
        name = labels[i]
        if name is not None:
            result.used.add(i)
            j = _neighbour(i, segments, labels)
            if j is not None and j not in claimed:
                claimed.add(j)
                result.used.add(j)
                value = segments[j].text
                if name == "portal":
                    value = _portal(segment.text, _clean(value))
                found.offer(name, _SURE, i, value)
    for i, segment in enumerate(segments):
        if labels[i] is None and i not in claimed:
            _inline(segment.text, i, found)
    for name, (_, index, text) in found.best.items():
        result.values[name] = text
        result.used.add(index)  # the run that gave a value is no disclosure
    return result
