"""The disclosure table: stable ids, spelling-insensitive lookup, finding in text."""

from __future__ import annotations

import pytest

from simulator.pdf.disclosures import DISCLOSURES, find_disclosures, normalize
from simulator.pdf.model import Disclosure


def test_documented_example() -> None:
    assert normalize("lim.vu") == Disclosure(27, "lim.vu", "Limited View")


def test_ids_are_unique_and_spellings_unambiguous() -> None:
    ids = [e.id for e in DISCLOSURES]
    assert len(ids) == len(set(ids))
    for entry in DISCLOSURES:
        for raw in entry.raw:
            found = normalize(raw)
            assert found is not None and found.id == entry.id


@pytest.mark.parametrize(
    "raw", ["LIMITED VIEW", "limited view", "Limited  View", " lim. vu ", "LTD VIEW"]
)
def test_case_and_space_insensitive(raw: str) -> None:
    found = normalize(raw)
    assert found is not None and found.id == 27 and found.string == raw.strip()


def test_unknown_is_none() -> None:
    assert normalize("Great seats!") is None


def test_finding_in_lines() -> None:
    assert [d.id for d in find_disclosures("lim.vu | AISLE")] == [27, 22]
    assert [d.id for d in find_disclosures("• CHILD")] == [56]
    found = list(find_disclosures("This seat has a limited view; 21+ only."))
    assert [(d.id, d.string) for d in found] == [(27, "limited view"), (40, "21+ only")]


@pytest.mark.parametrize(
    "prose",
    [
        "No refunds or exchanges. Gates open one hour before the event.",
        "Do not duplicate. Only the first scan is admitted.",
        "A VIP lounge is nearby",  # a single word only counts on its own
        "Aisle 4 is closed",
    ],
)
def test_ordinary_prose_has_no_disclosure(prose: str) -> None:
    assert list(find_disclosures(prose)) == []
