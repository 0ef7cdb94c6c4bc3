"""Catalogue upkeep: ``python -m core.i18n_tools extract|update|compile|check``.

The core's catalogue lives in ``translations/``; each plugin keeps its own in
``plugins/<name>/translations/``. ``make i18n`` runs extract, update and compile.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from core.i18n import LOCALES

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-k", "_n:1,2"]


def catalogue_dirs() -> list[tuple[str, Path, list[Path]]]:
    """(name, translations folder, source folders) for the core and each plugin."""
    parts = [("core", ROOT / "translations", [ROOT / "core", ROOT / "templates"])]
    plugins = ROOT / "plugins"
    folders = sorted(p for p in plugins.iterdir() if (p / "__init__.py").exists())
    # The test suite's example plugin is kept to the same standard as a real one.
    folders.append(ROOT / "tests" / "example_plugin")
    for folder in folders:
        parts.append((folder.name, folder / "translations", [folder]))
    return parts


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_to(pot: Path, sources: list[Path]) -> None:
    """Write the messages found in ``sources`` to the template ``pot``."""
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *KEYWORDS,
        "--no-location",
        "--sort-output",
        "--project",
        "butler-crm",
        "-o",
        str(pot),
        *map(str, sources),
    )


def chosen(only: str | None = None) -> list[tuple[str, Path, list[Path]]]:
    """Every catalogue, or only the one named ``only`` (``core`` or a plugin's folder)."""
    parts = catalogue_dirs()
    if only is None:
        return parts
    picked = [part for part in parts if part[0] == only]
    if not picked:
        sys.exit(f"no catalogue called {only!r}: {', '.join(p[0] for p in parts)}")
    return picked


def extract(only: str | None = None) -> None:
    for _name, folder, sources in chosen(only):
        folder.mkdir(parents=True, exist_ok=True)
        extract_to(folder / "messages.pot", sources)


def update(only: str | None = None) -> None:
    for _name, folder, _sources in chosen(only):
        pot = folder / "messages.pot"
        if not pot.exists():
            continue
        for locale in LOCALES:
            po = folder / locale / "LC_MESSAGES" / "messages.po"
            if po.exists():
                _pybabel(
                    "update",
                    "-i",
                    str(pot),
                    "-d",
                    str(folder),
                    "-l",
                    locale,
                    "--no-fuzzy-matching",
                    "--ignore-obsolete",
                )
            else:
                _pybabel("init", "-i", str(pot), "-d", str(folder), "-l", locale)


def compile_all(only: str | None = None) -> None:
    for _name, folder, _sources in chosen(only):
        if any(folder.glob("*/LC_MESSAGES/messages.po")):
            _pybabel("compile", "-d", str(folder), "--statistics")


def fresh_template(sources: list[Path]) -> Path:
    """A template extracted now from ``sources`` (for the out-of-date check)."""
    out = Path(tempfile.mkdtemp()) / "messages.pot"
    extract_to(out, sources)
    return out


COMMANDS = {"extract": extract, "update": update, "compile": compile_all}

if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m core.i18n_tools {'|'.join(COMMANDS)} [catalogue]")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
