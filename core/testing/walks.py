"""The registry through which a plugin joins the walks over every route.

Two walks request every route of a plugin: the permission matrix (``core.testing.matrix``:
each role, logged out, on the other site, with the other site's ids) and the fuzz walk
(``core.testing.fuzz``: every POST route with made-up values; a refusal must write
nothing). A plugin takes part by registering, from a module its tests import (a
first-party plugin's is listed in ``pytest_plugins`` of Butler's ``tests/conftest.py``);
its own suite then runs both walks on its routes with ``check_permission_matrix`` and
``check_forms`` (see docs/plugins.md, "Testing a plugin"):

- ``register_world(name, fill, fixed_arguments=..., variants=...)``: ``fill(site, ids)``
  turns the plugin on for a site of the security world and adds one of each of its
  objects, returning ``{URL argument: id}`` for its routes; ``fixed_arguments`` gives
  one value for URL arguments that are not ids, ``variants`` the arguments whose every
  value is walked.
- ``register_forms(name, forms)``: ``forms(kit) -> {endpoint: Form}``, the plugin's
  entries of the fuzzing table (``kit`` is ``core.testing.fuzz``: ``kit.Form``,
  ``kit.TEXT``, ``kit.log_in_as``...).

The walks' failure messages name these functions when a plugin's route is not covered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PluginWorld:
    name: str
    fill: Callable[[Any, dict[str, int]], Mapping[str, int]]
    fixed_arguments: dict[str, Any] = field(default_factory=dict)
    variants: dict[str, tuple[Any, ...]] = field(default_factory=dict)


WORLDS: dict[str, PluginWorld] = {}
FORMS: dict[str, Callable[[Any], dict]] = {}

HOW_TO_JOIN = (
    "call core.testing.walks.{function}({name!r}, ...) in the plugin's test module "
    "(tests/plugins/{name}/{module}.py for a first-party plugin) and list that module in "
    "pytest_plugins of tests/conftest.py (a third-party plugin: import it in the test "
    "module that runs the walks); see docs/plugins.md, 'Testing a plugin'"
)


def how_to_join(function: str, name: str) -> str:
    """The fix a walk's failure message names for plugin ``name``."""
    module = "world" if function == "register_world" else "fuzz"
    return HOW_TO_JOIN.format(function=function, name=name, module=module)


def register_world(
    name: str,
    fill: Callable[[Any, dict[str, int]], Mapping[str, int]],
    *,
    fixed_arguments: Mapping[str, Any] | None = None,
    variants: Mapping[str, tuple[Any, ...]] | None = None,
) -> None:
    """Add plugin ``name``'s part of the security world (see the module's docstring)."""
    if name in WORLDS and WORLDS[name].fill is not fill:
        raise ValueError(f"a world for plugin {name!r} is already registered")
    WORLDS[name] = PluginWorld(name, fill, dict(fixed_arguments or {}), dict(variants or {}))


def register_forms(name: str, forms: Callable[[Any], dict]) -> None:
    """Add plugin ``name``'s entries of the fuzzing table (see the module's docstring)."""
    if name in FORMS and FORMS[name] is not forms:
        raise ValueError(f"fuzz forms for plugin {name!r} are already registered")
    FORMS[name] = forms


def worlds() -> list[PluginWorld]:
    """The registered worlds, by plugin name."""
    return [WORLDS[name] for name in sorted(WORLDS)]


def forms_of(kit: Any) -> dict:
    """Every registered plugin's fuzzing entries, by plugin name."""
    table: dict = {}
    for name in sorted(FORMS):
        table.update(FORMS[name](kit))
    return table
