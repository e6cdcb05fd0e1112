"""The label words real tickets print for each field, in one table.

:data:`LABELS` lists, per decoder field, the wordings seen on tickets
(matched case-insensitively, with any spacing, an optional trailing colon).
``event_time`` is not a documented field: a time printed under its own
label completes the event date. Tests iterate this table, so a wording
added here is a wording tested.

A *strong* wording (several words, or ending in ``#``) is unambiguous
enough to start a value without a colon (``Purchased by Jane Roe``,
``Order # 12``) and to end the value before it on the same line; a
one-word label does that only with a colon, except the seat words, which
take a short seat-like value (``SEC 112 ROW F SEAT 7``).
"""

from __future__ import annotations

import re

__all__ = [
    "LABELS",
    "LABEL_AT",
    "SEAT_FIELDS",
    "field_of",
    "is_strong",
    "label_of",
]

LABELS: dict[str, tuple[str, ...]] = {
    "order_date": (
        "order date", "ordered", "ordered on", "order placed", "purchase date", "purchased",
        "purchased on", "date purchased", "date ordered", "date of purchase", "sale date",
        "sold on", "booking date", "transaction date",
    ),
    "order_id": (
        "order", "order #", "order no.", "order no", "order number", "order id", "order ref",
        "order reference", "confirmation", "confirmation #", "confirmation no.",
        "confirmation number", "confirmation code", "conf #", "conf. #", "booking ref",
        "booking reference", "reference #", "transaction #", "transaction id",
    ),
    "buyer_id": (
        "account", "account #", "account no.", "account number", "account id", "acct",
        "acct #", "acct. #", "customer id", "customer #", "customer number", "buyer id",
        "member", "member id", "member #", "fan id", "patron id", "user id",
    ),
    "buyer_type": (
        "ticket type", "buyer type", "price type", "price level", "price code", "price class",
        "fan type", "patron type", "customer type",
    ),
    "buyer_name": (
        "name", "buyer", "buyer name", "customer", "customer name", "purchaser",
        "purchaser name", "purchased by", "account holder", "ticket holder", "ticketholder",
        "patron", "guest", "guest name", "issued to", "sold to", "bill to",
    ),
    "event_date": (
        "date", "event date", "show date", "game date", "date/time", "date & time",
        "date and time", "event date/time", "when", "date of event",
    ),
    "event_time": (
        "time", "event time", "show time", "showtime", "game time", "start", "starts",
        "starts at", "start time", "doors", "doors open",
    ),
    "event_name": ("event", "event name", "performance", "game", "show", "artist", "attraction"),
    "venue_name": ("venue", "venue name", "location", "where", "facility"),
    "section": ("sec", "sec.", "sect", "sect.", "section", "sctn"),
    "row": ("row", "rw", "row #"),
    "seat": ("seat", "seats", "seat(s)", "st", "seat #", "seat no."),
    "portal": (
        "gate", "portal", "entry", "entry gate", "entrance", "enter", "enter via", "enter at",
        "enter through", "use gate", "door",
    ),
}  # fmt: skip

SEAT_FIELDS = ("section", "row", "seat", "portal")


def _key(wording: str) -> str:
    return re.sub(r"\s+", "", wording).lower()


def _pattern(wording: str) -> str:
    """A regular expression for ``wording``: any spacing, optional space around signs."""
    signs = "/&#("
    parts: list[str] = []
    for i, ch in enumerate(wording):
        if ch == " ":
            near_sign = wording[i + 1 : i + 2] in signs or wording[i - 1 : i] in signs
            parts.append(r"\s*" if near_sign else r"\s+")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


_FIELD_OF = {_key(w): name for name, wordings in LABELS.items() for w in wordings}
_ALTERNATION = "|".join(
    _pattern(w) for w in sorted({w for ws in LABELS.values() for w in ws}, key=len, reverse=True)
)

#: A label at a word start, ending at a word end: ``m["label"]`` is the wording.
LABEL_AT = re.compile(rf"(?<![\w#])(?P<label>{_ALTERNATION})(?:(?<=[#.)])|(?=[\s:]|$))", re.I)
_WHOLE = re.compile(rf"(?:{_ALTERNATION})", re.IGNORECASE)


def field_of(wording: str) -> str:
    """The field of a wording :data:`LABEL_AT` matched (``"Order  #"`` → ``order_id``)."""
    return _FIELD_OF[_key(wording)]


def label_of(text: str) -> str | None:
    """The field whose label ``text`` is as a whole (``"Section:"`` → section)."""
    cleaned = " ".join(text.split()).rstrip(":").strip()
    return field_of(cleaned) if _WHOLE.fullmatch(cleaned) else None


def is_strong(wording: str) -> bool:
    """Whether a wording is specific enough to need no colon (see the module doc)."""
    return len(wording.split()) > 1 or wording.rstrip().endswith("#")
