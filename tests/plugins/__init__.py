"""Tests of the first-party plugins, a folder each.

Besides its tests, a plugin's folder may hold modules that the suite-wide walks pick up:

- ``world.py``: ``fill(site, ids) -> dict[str, int]`` adds the plugin's objects to a site
  of the security world (``tests/security/conftest.py``) and turns the plugin on; it
  returns the ids its URL arguments take. Optional ``FIXED_ARGUMENTS`` (non-id URL
  arguments) and ``VARIANTS`` (arguments whose every value is walked).
- ``fuzz.py``: ``forms(kit) -> dict[str, Form]``, the plugin's entries of the fuzzing
  table of ``tests/security/test_fuzz.py`` (``kit`` is that module: ``kit.Form``,
  ``kit.TEXT``, ``kit.log_in_as``...).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def plugin_test_modules(kind: str) -> list[tuple[str, ModuleType]]:
    """``(plugin name, module)`` for every ``tests/plugins/<name>/<kind>.py``, by name."""
    found = []
    for folder in sorted(p for p in HERE.iterdir() if (p / f"{kind}.py").exists()):
        found.append((folder.name, importlib.import_module(f"tests.plugins.{folder.name}.{kind}")))
    return found
