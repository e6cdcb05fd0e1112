"""Where the specs and default fixtures are: the source tree, or the installed wheel.

The repository keeps one copy of each, in ``openapi/`` and ``fixtures/``
beside the ``simulator`` package. A wheel carries them as package data in
``simulator/_data/<folder>/`` (copied in at build time by ``setup.py``), so a
non-editable install finds them there.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_file"]

PACKAGE = Path(__file__).resolve().parent.parent
SOURCE_ROOT = PACKAGE.parent
PACKAGED = PACKAGE / "_data"


def data_file(folder: str, name: str) -> Path:
    """``<repo>/<folder>/<name>`` in a source checkout, else the wheel's copy of it."""
    source = SOURCE_ROOT / folder / name
    return source if source.is_file() else PACKAGED / folder / name
