"""Deterministic fixture documents: who and what exists in the simulated platform.

A fixtures document is plain JSON (see ``fixtures/default.json``): a
``seed`` and one list per section. Each registered service owns some
sections (its ``fixtures`` part declares ``SECTIONS``, ``generate(ctx)`` and
``load(conn, document)``); generation and loading walk the registry in
order, so a later service may refer to what an earlier one made (listings
name the platform's brokers and events). The same seed always gives the
same document, so a test can name a listing or an order it knows is there.
Each service draws from a ``random.Random`` and a Faker of its own, so a
service added to the registry changes no other service's data.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.core.resources import data_file
from simulator.services.platform.keys import (
    DEFAULT_BROKER_KEY,
    DEFAULT_BROKER_USER_ID,
    DEFAULT_MARKETPLACE_KEY,
)

__all__ = [
    "DEFAULT_BROKER_KEY", "DEFAULT_BROKER_USER_ID", "DEFAULT_MARKETPLACE_KEY", "FixtureContext",
    "default_path", "generate", "load_default", "read", "write",
]

if TYPE_CHECKING:  # Faker takes ~0.1 s to import: only generating fixtures needs it
    from faker import Faker

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class FixtureContext:
    """What a service's ``generate(ctx)`` gets: the seed, randomness of its own
    (seeded from the seed and the service's name), the sizes asked for, and the
    document made so far (earlier services' sections)."""

    seed: int
    rng: random.Random
    fake: Faker
    sizes: dict[str, int]
    document: dict[str, Any] = field(default_factory=dict)
    progress: Progress | None = None

    def size(self, name: str, default: int) -> int:
        return int(self.sizes.get(name, default))


def generate(seed: int = 1, *, progress: Progress | None = None, **sizes: int) -> dict[str, Any]:
    """Build a whole fixtures document from ``seed`` (sizes: ``listings=``, ``brokers=``...)."""
    from faker import Faker

    from simulator.services import SERVICES

    document: dict[str, Any] = {"seed": seed}
    for service in SERVICES:
        module = service.part(service.fixtures)
        if module is not None:
            # Randomness per service: adding a service never changes another's data.
            own_seed = f"{seed}:{service.name}"
            fake = Faker()
            fake.seed_instance(own_seed)
            ctx = FixtureContext(seed, random.Random(own_seed), fake, dict(sizes), document,
                                 progress)
            document.update(module.generate(ctx))
    return document


def write(document: dict[str, Any], out: Path) -> None:
    """Write a document as JSON (one listing per line keeps large files diffable)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def default_path() -> Path:
    """``fixtures/default.json`` beside the ``simulator`` package (or in the wheel)."""
    return data_file("fixtures", "default.json")


def read(path: Path) -> dict[str, Any]:
    """Read a fixtures document from a JSON file."""
    loaded: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return loaded


def load_default(*, complete: bool = True) -> dict[str, Any]:
    """The default document: the committed file, or the seed-1 document if absent.

    Sections of services the file predates are generated from its seed, so a
    service added to the registry has its default fixtures at once. With
    ``complete=False`` the file is taken as it is: finding missing sections
    imports every service's fixtures module (and so the store), which a
    client of a running simulator reading the committed sections (the
    conformance suite against ``--base-url``) must not do.
    """
    from simulator.services import SERVICES

    path = default_path()
    if not path.is_file():
        return generate()
    document = read(path)
    if not complete:
        return document
    wanted = {section for service in SERVICES if service.fixtures
              for section in service.part(service.fixtures).SECTIONS}
    if wanted - set(document):
        made = generate(int(document.get("seed", 1)))
        document.update({k: v for k, v in made.items() if k not in document})
    return document
