"""Each first-party plugin's part of ``make bench``: ``bench/plugins/<name>.py``.

A module holds ``KIND`` (``"residential"`` or ``"hotel"``: the sites it is seeded on),
``seed(site_id, ctx) -> dict[str, int]`` (bulk inserts of a large site's rows, returning
row counts; ``ctx["measured"]`` is true for the site whose pages are timed) and
``pages(base) -> list[tuple[str, str]]`` (the plugin's main lists, as
``(label, url)`` under ``base = "/s/<slug>"``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def modules() -> list[tuple[str, ModuleType]]:
    """``(plugin name, module)`` of every first-party plugin that has a bench module."""
    from plugins import FIRST_PARTY

    found = []
    for dotted in FIRST_PARTY:
        name = dotted.rpartition(".")[2]
        if (HERE / f"{name}.py").exists():
            found.append((name, importlib.import_module(f"bench.plugins.{name}")))
    return found
