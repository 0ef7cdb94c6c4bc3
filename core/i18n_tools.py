"""Catalogue upkeep: ``python -m core.i18n_tools extract|update|compile [--plugin NAME]``.

The core's catalogue lives in ``translations/``; each plugin names its own through the
``butler_translation_dirs`` hook, so the plugins are the ones the plugin host loads
(first-party, configured and pip-installed through entry points). ``make i18n`` runs
extract, update and compile on all of them; ``make i18n PLUGIN=name`` on one plugin.

A catalogue whose messages did not change is left as it is, byte for byte: a fresh
template or an updated ``.po`` replaces the file only when a message, a translation or a
header other than the dates differs, and an updated ``.po`` keeps the line width it was
written at.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from flask import Flask

from core import defaults
from core.i18n import LOCALES, TRANSLATIONS_DIR
from core.plugins import host as plugin_host
from plugins import FIRST_PARTY

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-k", "_n:1,2"]
# The test suite's example plugin is kept to the same standard as a real one.
EXAMPLE_PLUGIN = "tests.example_plugin"
# Headers that change on every run without saying anything about the messages.
VOLATILE_HEADERS = {"POT-Creation-Date", "PO-Revision-Date", "Generated-By"}
WIDTHS = (76, 100)  # the line widths catalogues are written at, pybabel's first

Part = tuple[str, Path, list[Path]]  # (name, translations folder, source folders)


def plugin_catalogues() -> list[tuple[str, Path]]:
    """(plugin name, translations folder) of each catalogue the plugin host knows of.

    The host is asked on an application of its own (no database), with the example
    plugin added when the test suite is present.
    """
    app = Flask("core")
    if (ROOT / "tests" / "example_plugin" / "__init__.py").exists():
        app.config["BUTLER_EXTRA_PLUGINS"] = [EXAMPLE_PLUGIN]
    host = plugin_host.init_app(app, default=defaults, first_party=FIRST_PARTY)
    homes = {}
    for name, plugin in getattr(host, "plugins", {}).items():
        file = getattr(plugin.module, "__file__", None)
        if file:
            homes[Path(file).resolve().parent] = name
    found: list[tuple[str, Path]] = []
    for folder in map(Path, host.translation_dirs()):
        folder = folder.resolve()
        if folder == TRANSLATIONS_DIR.resolve() or any(f == folder for _n, f in found):
            continue
        name = next(
            (n for home, n in homes.items() if folder.is_relative_to(home)), folder.parent.name
        )
        found.append((name, folder))
    return sorted(found)


def catalogue_dirs() -> list[Part]:
    """(name, translations folder, source folders) for the core and each plugin."""
    parts: list[Part] = [("core", TRANSLATIONS_DIR, [ROOT / "core", ROOT / "templates"])]
    for name, folder in plugin_catalogues():
        parts.append((name, folder, [folder.parent]))
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


def _meaning(path: Path) -> tuple:
    """What a catalogue says, without what changes on every run or how lines are wrapped."""
    with open(path, "rb") as f:
        catalog = read_po(f)
    headers = tuple((k, v) for k, v in catalog.mime_headers if k not in VOLATILE_HEADERS)
    messages = tuple(
        (
            m.id,
            m.context,
            m.string,
            tuple(sorted(m.flags)),
            tuple(m.auto_comments),
            tuple(m.user_comments),
            m.previous_id,
        )
        for m in catalog
        if m.id
    )
    obsolete = tuple(sorted(map(str, catalog.obsolete)))
    return catalog.header_comment, headers, messages, obsolete


def _width_of(path: Path) -> int:
    """The line width ``path`` was written at (76 by pybabel, 100 by the translators' tools).

    The one whose rewrite differs from the file in the fewest lines: an update then
    rewraps only the messages it changes.
    """
    text = path.read_bytes()
    with open(path, "rb") as f:
        catalog = read_po(f)
    lines = set(text.splitlines())
    differing = {}
    for width in WIDTHS:
        out = io.BytesIO()
        write_po(out, catalog, width=width, ignore_obsolete=True)
        if out.getvalue() == text:
            return width
        differing[width] = len(lines ^ set(out.getvalue().splitlines()))
    return min(WIDTHS, key=lambda w: differing[w])


def _replace_if_changed(new: Path, target: Path) -> bool:
    """Move ``new`` over ``target`` unless both say the same; True when it was replaced."""
    if target.exists() and _meaning(new) == _meaning(target):
        new.unlink()
        return False
    shutil.move(str(new), str(target))
    return True


def chosen(only: str | None = None, parts: list[Part] | None = None) -> list[Part]:
    """Every catalogue, or only the one named ``only`` (``core`` or a plugin's name)."""
    parts = catalogue_dirs() if parts is None else parts
    if only is None:
        return parts
    picked = [part for part in parts if only in (part[0], part[1].parent.name)]
    if not picked:
        sys.exit(f"no catalogue called {only!r}: {', '.join(p[0] for p in parts)}")
    return picked


def extract(only: str | None = None, parts: list[Part] | None = None) -> None:
    for _name, folder, sources in chosen(only, parts):
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / "messages.pot"
            extract_to(fresh, sources)
            _replace_if_changed(fresh, folder / "messages.pot")


def update(only: str | None = None, parts: list[Part] | None = None) -> None:
    for _name, folder, _sources in chosen(only, parts):
        pot = folder / "messages.pot"
        if not pot.exists():
            continue
        for locale in LOCALES:
            po = folder / locale / "LC_MESSAGES" / "messages.po"
            if not po.exists():
                _pybabel("init", "-i", str(pot), "-d", str(folder), "-l", locale)
                continue
            with tempfile.TemporaryDirectory() as scratch:
                updated = Path(scratch) / "messages.po"
                shutil.copyfile(po, updated)
                _pybabel(
                    "update",
                    "-i",
                    str(pot),
                    "-o",
                    str(updated),
                    "-l",
                    locale,
                    "--width",
                    str(_width_of(po)),
                    "--no-fuzzy-matching",
                    "--ignore-obsolete",
                )
                _replace_if_changed(updated, po)


def compile_all(only: str | None = None, parts: list[Part] | None = None) -> None:
    for _name, folder, _sources in chosen(only, parts):
        if any(folder.glob("*/LC_MESSAGES/messages.po")):
            _pybabel("compile", "-d", str(folder), "--statistics")


def fresh_template(sources: list[Path]) -> Path:
    """A template extracted now from ``sources`` (for the out-of-date check)."""
    out = Path(tempfile.mkdtemp()) / "messages.pot"
    extract_to(out, sources)
    return out


COMMANDS: dict[str, Callable[..., None]] = {
    "extract": extract,
    "update": update,
    "compile": compile_all,
}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.i18n_tools")
    parser.add_argument("command", choices=list(COMMANDS))
    parser.add_argument("catalogue", nargs="?", help="core or a plugin's name (as --plugin)")
    parser.add_argument("--plugin", help="only this plugin's catalogue (or core)")
    args = parser.parse_args(None if argv is None else list(argv))
    COMMANDS[args.command](args.plugin or args.catalogue)


if __name__ == "__main__":
    main()
