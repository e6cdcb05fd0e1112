"""The stateful test's link check is generic: every service that declares links is held to it."""

from __future__ import annotations

import pytest

from conformance.specs import served

LINKED = [service for service in served() if service.links()]


def test_the_sales_example_declares_links() -> None:
    assert "sales" in {service.name for service in LINKED}


@pytest.mark.parametrize("service", LINKED, ids=[s.name for s in LINKED])
def test_a_link_never_followed_to_a_2xx_is_reported(service) -> None:  # type: ignore[no-untyped-def]
    names = sorted(service.links())
    assert service.unfollowed_links(set()) == names
    source, target = service.links()[names[0]]
    followed = {f"{source} -> [200] {names[0]} -> {target}"}
    assert service.unfollowed_links(followed) == names[1:]
    every = {f"{service.links()[n][0]} -> [200] {n} -> {service.links()[n][1]}" for n in names}
    assert service.unfollowed_links(every) == []
