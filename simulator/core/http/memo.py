"""A bounded memo for answers the HTTP glue remembers per path, operation or type.

Keys such as request paths carry ids, so their set is unbounded: a
:class:`Bounded` keeps the latest ``limit`` distinct keys and forgets the
oldest first. ``None`` is a value like any other (a path with no route).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Bounded"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(dict[K, V], Generic[K, V]):
    """A dict of at most ``limit`` entries, filled by :meth:`remember`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: K, make: Callable[..., V], *args: Any) -> V:
        """The value kept for ``key``, else ``make(*args)``, kept (no closure per call:
        this sits on every request's path)."""
        if key in self:
            return self[key]
        value = make(*args)
        if len(self) >= self.limit:
            self.pop(next(iter(self)))
        self[key] = value
        return value
