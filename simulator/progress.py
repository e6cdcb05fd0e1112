"""Progress of long commands: rich bars on a terminal, plain lines otherwise.

``ticketsim fixtures``, ``ticketsim pdf make`` and ``ticketsim conformance``
report progress through a :class:`Board` of named tasks. When stdout is a
terminal the board draws rich progress bars (on stderr); when it is not (CI
logs, pipes) it prints one plain line per tenth of each task, and a last one
when the task is done, so a log stays short and readable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["Board", "board", "is_terminal"]

STEPS = 10  # plain mode: a line per tenth of a task


def is_terminal(stream: IO[str] | None = None) -> bool:
    """Whether ``stream`` (default: stdout) is an interactive terminal."""
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


class Board:
    """Named tasks with totals; ``update`` sets a task's count of done items."""

    def __init__(self, rich: Any | None, out: IO[str], lead: str = "") -> None:
        self._rich = rich
        self._out = out
        self._lead = lead
        self._ids: dict[str, Any] = {}
        self._totals: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._shown: dict[str, int] = {}

    def add(self, name: str, total: int) -> None:
        """Start a task of ``total`` items (a second call for a name changes nothing)."""
        if name in self._totals:
            return
        self._totals[name] = max(total, 0)
        self._done[name] = 0
        self._shown[name] = -1
        if self._rich is not None:
            self._ids[name] = self._rich.add_task(name, total=max(total, 1))

    def update(self, name: str, done: int) -> None:
        """Set how many items of ``name`` are done."""
        total = self._totals[name]
        done = min(done, total) if total else done
        self._done[name] = done
        if self._rich is not None:
            self._rich.update(self._ids[name], completed=done)
            return
        step = done * STEPS // total if total else STEPS
        if step > self._shown[name] and (step > 0 or done == total):
            self._shown[name] = step
            percent = f" ({done * 100 // total}%)" if total else ""
            print(f"{self._lead}{name}: {done}/{total}{percent}", file=self._out, flush=True)

    def advance(self, name: str, count: int = 1) -> None:
        self.update(name, self._done[name] + count)

    def callback(self, name: str) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` function for code that reports that way."""

        def report(done: int, total: int) -> None:
            self.add(name, total)
            self.update(name, done)

        return report


@contextmanager
def board(*, terminal: bool | None = None, out: IO[str] | None = None,
          lead: str = "") -> Iterator[Board]:
    """A :class:`Board`: rich bars when ``terminal`` (default: stdout is one), else plain.

    ``lead`` starts each plain line (a newline, where other output shares the line).
    """
    out = out or sys.stderr
    if not (is_terminal() if terminal is None else terminal):
        yield Board(None, out, lead)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(file=out)) as bars:
        yield Board(bars, out)
