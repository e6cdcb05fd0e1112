"""Ticket fields from positioned phrases, by labels and by layout.

The decoder sees a page as phrases with boxes (:mod:`simulator.pdf.text`).
A value is found, without knowing the producer:

* next to a label phrase: to its right on the same line (a two-column
  table) or just below it (a caption over a value, stacked columns);
* after a label inside one phrase: ``Section: 101``, ``Order # 38``,
  ``Purchased by Jane Roe``, several in a row ``SEC 112 ROW F SEAT 7``;
* without a label (:mod:`simulator.pdf.headline`): the event name as the
  page's headline, the venue as the line under it, the event date as a
  date line of its own.

A value stops at the next label in its phrase (a colon label, a strong
label, a seat label before a seat-like value) or at a wide gap (where the
phrase ends), never simply at the end of the line. Labels are the
wordings of :data:`simulator.pdf.vocab.LABELS`. A value under a separate
label or after a colon beats one after a bare word (``Row Row Your Boat``
is not a row), which beats one found by layout alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from simulator.pdf.headline import unlabelled_fields
from simulator.pdf.text import Segment
from simulator.pdf.vocab import LABEL_AT, LABELS, SEAT_FIELDS, field_of, is_strong, label_of

__all__ = ["LABELS", "Extraction", "Segment", "extract_fields", "label_of"]

_PORTAL_WORD = re.compile(r"gate|portal|door", re.IGNORECASE)
_ID_FIELDS = ("order_id", "buyer_id")
_PARTICLES = {"de", "da", "del", "della", "der", "van", "von", "la", "le", "du", "bin", "al", "y"}
_DATE_FIELDS = ("order_date", "event_date", "event_time")
_DATEISH = re.compile(
    r"\d|\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)

# How sure a reading is: a separate label or a colon, a bare word, the layout.
_SURE, _BARE, _LAYOUT = 3, 2, 1


def _clean(text: str) -> str:
    return " ".join(text.split())


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


def _seat_like(value: str) -> bool:
    """Whether a value after a bare word looks like a seat location (``FLR A``)."""
    tokens = value.split()
    return 0 < len(tokens) <= 3 and all(
        len(t) <= 5 or any(ch.isdigit() for ch in t) for t in tokens
    )


def _starts_value(wording: str, after: str, current: str | None) -> bool:
    """Whether a label ``wording`` followed by ``after`` starts a value.

    ``current`` is the field whose value the label would interrupt; at the
    start of a phrase (``None``) any label may, and :func:`_bare_ok` judges
    the value.
    """
    rest = after.lstrip()
    if not rest:
        return False
    if current is None or rest.startswith(":"):
        return True
    name = field_of(wording)
    if is_strong(wording):
        return name != current
    if name in SEAT_FIELDS and current in SEAT_FIELDS and name != current and current != "portal":
        return _seat_like(rest.split()[0])  # "SEAT 7 GATE 4"; not "Enter via Gate B"
    return False


def _next_label(text: str, current: str) -> int | None:
    """Where in the value ``text`` of ``current`` the next field's label starts."""
    for m in LABEL_AT.finditer(text):
        if m.start() > 0 and _starts_value(m["label"], text[m.end() :], current):
            return m.start()
    return None


def _portal(label: str, value: str) -> str:
    """``GATE`` over ``A`` reads as ``Gate A``, as the documented example has it.

    A value of several words (``North Entrance``, ``Gate B``) is kept as printed.
    """
    word = _PORTAL_WORD.fullmatch(_clean(label).rstrip(":# "))
    if word and len(value.split()) == 1:
        return f"{word.group(0).capitalize()} {value}"
    return value


def _name_like(value: str) -> bool:
    """Whether ``value`` reads as a person's name (``Jane Roe``), not a sentence."""
    words = value.split()
    return 0 < len(words) <= 5 and all(
        w[0].isupper() or not w[0].isalpha() or w.lower() in _PARTICLES for w in words
    )


def _bare_ok(name: str, wording: str, value: str) -> bool:
    """Whether a value after a label with no colon is believable.

    A strong label (``Purchased by``) needs a value of the field's shape
    (legal lines say "Ticket holder assumes all risks"); a weak one is only
    believed for seats, ids and dates.
    """
    if name in SEAT_FIELDS:
        strong_portal = name == "portal" and is_strong(wording) and len(value.split()) <= 4
        return strong_portal or _seat_like(value)
    if name in _ID_FIELDS:
        return len(value.split()) <= 2 and any(ch.isdigit() for ch in value)
    if name in _DATE_FIELDS:
        return bool(_DATEISH.match(value))
    if name == "buyer_name":
        return is_strong(wording) and _name_like(value)
    return is_strong(wording) and len(value.split()) <= 8


def _take(
    name: str, label: str, text: str, rank: int, order: int, found: _Candidates, *, bare: bool
) -> bool:
    """Offer ``text`` (cut at the next label) as ``name``; read what follows the cut.

    ``bare``: no colon (or ``#``) separates the label from the value.
    """
    cut = _next_label(text, name)
    value, remainder = (text[:cut], text[cut:]) if cut is not None else (text, "")
    value = _clean(value)
    if bare and not _bare_ok(name, label, value):
        return False
    if name == "portal":
        value = _portal(label, value)
    found.offer(name, rank, order, value)
    if remainder:
        _inline(remainder, order, found)
    return True


def _inline(text: str, order: int, found: _Candidates) -> bool:
    """Read ``label value`` pairs inside one phrase; whether any was read."""
    text = _clean(text)
    m = LABEL_AT.match(text)
    if m is not None and _starts_value(m["label"], text[m.end() :], None):
        rest = text[m.end() :].lstrip()
        bare = not (rest.startswith(":") or m["label"].endswith(("#", ".")))
        rank = _BARE if bare and not is_strong(m["label"]) else _SURE
        name = field_of(m["label"])
        if _take(name, m["label"], rest.lstrip(": "), rank, order, found, bare=bare):
            return True
    if ":" not in text[1:]:
        return False
    # a phrase that starts with text of its own may still end with a pair
    for later in LABEL_AT.finditer(text):
        if later.start() > 0 and text[later.end() :].lstrip().startswith(":"):
            return _inline(text[later.start() :], order, found)
    return False


@dataclass(frozen=True, slots=True)
class _Box:
    """A segment's geometry, computed once per page."""

    left: float
    right: float
    bottom: float
    top: float
    middle: float
    height: float


def _boxes(segments: Sequence[Segment]) -> list[_Box]:
    return [
        _Box(s.left, s.right, s.bottom, s.top, (s.top + s.bottom) / 2, s.top - s.bottom)
        for s in segments
    ]


def _neighbour(index: int, boxes: Sequence[_Box], labels: Sequence[str | None]) -> int | None:
    """The segment holding the value of label ``index``: right of it, else below.

    Below first when the label stands in a row of labels (column headers).
    """
    label = boxes[index]
    reach = max(10 * label.height, 160.0)  # two-column tables leave wide gaps
    right: int | None = None
    below: int | None = None
    below_key = (0.0, 0.0)
    header_row = False
    for i, s in enumerate(boxes):
        if i == index:
            continue
        drop = label.bottom - s.top  # how far below the label s starts
        if abs(s.middle - label.middle) <= 0.35 * max(label.height, s.height, 1.0):
            header_row = header_row or labels[i] is not None
            if 0 <= s.left - label.right + 1 <= reach + 1 and (
                right is None or s.left < boxes[right].left
            ):
                right = i
        elif -0.3 * label.height <= drop <= 1.2 * max(label.height, s.height) + 4 and (
            (label.left <= s.right and s.left <= label.right) or abs(s.left - label.left) <= 4
        ):
            key = (drop, abs(s.left - label.left))
            if below is None or key < below_key:
                below, below_key = i, key
    if below is not None and labels[below] is None and (header_row or right is None):
        return below  # in a row of labels (stacked columns) values are below
    if right is not None and labels[right] is None:
        return right
    return below if below is not None and labels[below] is None else None


def extract_fields(segments: Sequence[Segment]) -> Extraction:
    """Field texts (``section``, ``order_date``...) found on a page.

    ``segments`` are in reading order. Dates are returned as printed, and
    ``event_time`` separately when the page prints the time under its own
    label; :mod:`simulator.pdf.decode` turns them into documented values.
    """
    labels = [label_of(s.text) for s in segments]
    found = _Candidates()
    result = Extraction()
    claimed: set[int] = set()
    boxes = _boxes(segments)
    for i, segment in enumerate(segments):
        name = labels[i]
        if name is None:
            continue
        result.used.add(i)
        j = _neighbour(i, boxes, labels)
        if j is not None and j not in claimed:
            claimed.add(j)
            result.used.add(j)
            _take(name, segment.text, segments[j].text, _SURE, i, found, bare=False)
    for i, segment in enumerate(segments):
        if labels[i] is None and i not in claimed:
            _inline(segment.text, i, found)
    for _rank, index, _text in found.best.values():
        result.used.add(index)  # the phrase that gave a value is no disclosure
    for name, (index, text) in unlabelled_fields(segments, result.used, found.best).items():
        found.offer(name, _LAYOUT, index, text)
        result.used.add(index)
    result.values = {name: text for name, (_, _, text) in found.best.items()}
    return result
