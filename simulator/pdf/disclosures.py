"""The disclosure table: raw strings printed on tickets → stable id + normal form.

Producers print seat disclosures in their own shorthand (``lim.vu``,
``LIMITED VIEW``, ``Ltd View``). The decoder reports each one with the
table's integer id and normalized text, as documented for
``/pdfs/v1/decoder`` (``lim.vu`` → id 27, ``Limited View``). Ids are part of
the wire format: never renumber an entry, only add new ones.

Matching ignores case and whitespace (``"LIMITED  VIEW"`` == ``"limitedview"``).
The table is :data:`DISCLOSURES`; the renderer's synthetic tickets draw their
disclosures from it, so every one of them decodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from simulator.pdf.model import Disclosure

__all__ = ["DISCLOSURES", "DisclosureEntry", "find_disclosures", "normalize"]


@dataclass(frozen=True, slots=True)
class DisclosureEntry:
    """One row of the table: id, normalized text, raw spellings producers use."""

    id: int
    normalized: str
    raw: tuple[str, ...]


DISCLOSURES: tuple[DisclosureEntry, ...] = (
    DisclosureEntry(27, "Limited View", ("lim.vu", "LIMITED VIEW", "Ltd View", "Lim View")),
    DisclosureEntry(12, "Obstructed View", ("obs.vu", "OBSTRUCTED VIEW", "Obstr. View")),
    DisclosureEntry(13, "Partial View", ("PARTIAL VIEW", "part.vu", "Side View")),
    DisclosureEntry(31, "Parking Pass", ("PARKING PASS", "Parking Included", "pkg.pass")),
    DisclosureEntry(40, "21+ Only", ("21+", "21+ ONLY", "Must be 21 or older")),
    DisclosureEntry(41, "Alcohol-Free Section", ("ALCOHOL FREE SECTION", "Alcohol-Free", "no.alc")),
    DisclosureEntry(18, "Wheelchair Accessible", ("WHEELCHAIR", "Wheelchair Accessible", "w/c")),
    DisclosureEntry(19, "Companion Seat", ("COMPANION SEAT", "w/c companion")),
    DisclosureEntry(22, "Aisle Seat", ("AISLE", "Aisle Seat", "ais")),
    DisclosureEntry(33, "Mobile Entry Only", ("MOBILE ONLY", "Mobile Entry Only", "mob.only")),
    DisclosureEntry(35, "No Re-Entry", ("NO RE-ENTRY", "No Reentry", "no.re")),
    DisclosureEntry(44, "Rear Stage View", ("REAR VIEW", "rear.vu", "Behind Stage")),
    DisclosureEntry(50, "VIP Access", ("VIP", "VIP Access", "VIP Package")),
    DisclosureEntry(51, "Club Access", ("CLUB ACCESS", "Includes Club Access")),
    DisclosureEntry(53, "Standing Room Only", ("SRO", "Standing Room Only", "stand.rm")),
    DisclosureEntry(56, "Child Ticket", ("CHILD", "Child Ticket", "Kids Ticket")),
    DisclosureEntry(58, "Seats Not Together", ("NOT TOGETHER", "Seats Not Together")),
    DisclosureEntry(60, "All-You-Can-Eat", ("AYCE", "All You Can Eat")),
    DisclosureEntry(62, "Hard Ticket Will Call", ("WILL CALL", "Will Call Pickup")),
)


def _key(text: str) -> str:
    """Case- and whitespace-insensitive lookup key."""
    return re.sub(r"\s+", "", text).lower()


_BY_KEY: dict[str, DisclosureEntry] = {_key(raw): e for e in DISCLOSURES for raw in e.raw}
# Keys that are also searched inside longer text. Short single words ("VIP",
# "AISLE", "CHILD") are matched only when printed on their own, so that
# ordinary prose does not produce disclosures.
_PHRASES: tuple[tuple[re.Pattern[str], DisclosureEntry], ...] = tuple(
    (
        re.compile(
            r"(?<![A-Za-z0-9])"
            + r"\s*".join(re.escape(ch) for ch in raw.replace(" ", ""))
            + r"(?![A-Za-z0-9+])",
            re.IGNORECASE,
        ),
        e,
    )
    for e in DISCLOSURES
    for raw in sorted(e.raw, key=len, reverse=True)
    if " " in raw.strip() or "." in raw or "/" in raw or "+" in raw
)
_SEPARATORS = re.compile(r"\s*[|•·;]\s*|\s{3,}")


def normalize(raw: str) -> Disclosure | None:
    """The table entry for a raw disclosure string, or ``None`` if unknown.

    The returned ``Disclosure`` keeps ``raw`` (stripped) as its ``string``.
    """
    entry = _BY_KEY.get(_key(raw))
    if entry is None:
        return None
    return Disclosure(id=entry.id, string=raw.strip(), normalized=entry.normalized)


def find_disclosures(text: str) -> Iterator[Disclosure]:
    """Disclosures printed in one line of ticket text, in reading order.

    A line that is a disclosure on its own (or pieces separated by ``|``,
    ``•``, ``;`` or wide gaps) matches any table spelling; inside longer
    prose only multi-word or punctuated spellings match.
    """
    whole = normalize(text)
    if whole is not None:
        yield whole
        return
    pieces = [p for p in _SEPARATORS.split(text) if p.strip()]
    if pieces != [text]:
        found = [d for d in (normalize(p) for p in pieces) if d is not None]
        if found:
            yield from found
            return
    hits: list[tuple[int, int, DisclosureEntry]] = []
    for pattern, entry in _PHRASES:
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in hits):
                hits.append((m.start(), m.end(), entry))
    for start, end, entry in sorted(hits, key=lambda h: h[0]):
        yield Disclosure(id=entry.id, string=text[start:end].strip(), normalized=entry.normalized)
