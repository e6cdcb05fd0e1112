"""Build hook: the wheel carries the specs and the default fixtures.

``openapi/*.yaml`` and ``fixtures/default.json`` stay the repository's only
copies; ``build_py`` copies them into ``simulator/_data/`` of the build tree,
where :mod:`simulator.core.resources` finds them in a non-editable install.
Everything else is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = (("openapi", "*.yaml"), ("fixtures", "default.json"))


class BuildWithData(build_py):
    """``build_py`` that also copies the specs and default fixtures into the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the source tree
            return
        for folder, pattern in DATA:
            sources = sorted((ROOT / folder).glob(pattern))
            if not sources:
                raise FileNotFoundError(f"nothing matches {folder}/{pattern}: the wheel "
                                        "would have no specs or fixtures")
            target = Path(self.build_lib) / "simulator" / "_data" / folder
            target.mkdir(parents=True, exist_ok=True)
            for source in sources:
                shutil.copy2(source, target / source.name)


setup(cmdclass={"build_py": BuildWithData})
