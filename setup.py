"""The build step of the wheel; everything else is in ``pyproject.toml``.

The checkout keeps the core's templates and catalogues at the top level; a wheel carries
them inside the package, as ``core/bundle/`` (``core/paths.py`` looks there first). The
build also compiles every catalogue (``.po`` to ``.mo``: build output, never committed)
and refuses to make a wheel without the vendored htmx and Pico files (``make assets``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "translations")
VENDORED = ("htmx.min.js", "pico.min.css")


class BuildWithAppFiles(build_py):
    """``build_py``, then the core's top-level folders and the compiled catalogues."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        vendor = HERE / "core" / "static" / "vendor"
        missing = [name for name in VENDORED if not (vendor / name).is_file()]
        if missing:
            raise SystemExit(f"{', '.join(missing)} missing from {vendor}: run `make assets` first")
        lib = Path(self.build_lib)
        for name in BUNDLED:
            target = lib / "core" / "bundle" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("*.mo"))
        for po in lib.rglob("LC_MESSAGES/*.po"):
            compile_catalogue(po)


def compile_catalogue(po: Path) -> None:
    """Write the ``.mo`` beside ``po`` (Babel is a build requirement)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalogue = read_po(source)
    with po.with_suffix(".mo").open("wb") as target:
        write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithAppFiles})
