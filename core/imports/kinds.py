"""Which kinds of file the import page takes: the core's (units, residents) and those a
plugin declares with ``butler_import_kinds`` (``core.plugins.api.ImportKind``).

A plugin's kind joins the same tables as the core's (columns, label, checker,
permission) when the application starts; the import page offers it only on the sites
where its plugin is on, to the people who hold its permission.
"""

from __future__ import annotations

from core.imports.batch import CHECKERS, KIND_PERMISSIONS
from core.imports.columns import COLUMNS, KIND_LABELS

CORE_KINDS = ("residents", "units")
# A plugin's kind → the plugin's name.
KIND_PLUGINS: dict[str, str] = {}


def register(kind, plugin: str) -> None:
    """Add ``kind`` (an ``ImportKind``) of ``plugin`` to the tables of the import steps.
    Registering the same kind again (another application in the same process) is a no-op."""
    COLUMNS[kind.code] = tuple(kind.columns)
    KIND_LABELS[kind.code] = kind.label
    CHECKERS[kind.code] = kind.rows
    KIND_PERMISSIONS[kind.code] = kind.permission
    KIND_PLUGINS[kind.code] = plugin


def register_all(app) -> None:
    """Register every installed plugin's import kinds (at start-up, after ``install``)."""
    for name, plugin in app.extensions["butler.plugins"].plugins.items():
        for kind in plugin.import_kinds:
            register(kind, name)


def on_site(enabled: frozenset[str]) -> list[str]:
    """The kinds a site can import, given the plugins ``enabled`` on it: the core's first,
    then the plugins' in the order they were registered."""
    return [*CORE_KINDS, *(k for k, plugin in KIND_PLUGINS.items() if plugin in enabled)]
