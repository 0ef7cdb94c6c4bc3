"""The catalogue tools: the plugin host names the catalogues, unchanged ones stay as they
are byte for byte, and one plugin's catalogue can be brought up to date alone."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core import i18n_tools
from core.i18n import LOCALES

ROOT = Path(__file__).resolve().parents[2]
OLD_DATE = b"2000-01-01 00:00+0000"


def copy_of(name: str, where: Path) -> Path:
    """A copy of first-party plugin ``name``'s sources and catalogues, without build output."""
    folder = where / name
    shutil.copytree(
        ROOT / "plugins" / name, folder, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
    )
    return folder


def part(folder: Path) -> i18n_tools.Part:
    return (folder.name, folder / "translations", [folder])


def catalogue_files(folder: Path) -> dict[str, bytes]:
    translations = folder / "translations"
    files = [translations / "messages.pot"]
    files += [translations / locale / "LC_MESSAGES" / "messages.po" for locale in LOCALES]
    return {str(f.relative_to(folder)): f.read_bytes() for f in files}


def age(folder: Path) -> None:
    """Date the catalogues long ago, as if they were written on another day than today."""
    for path in (folder / "translations").rglob("*.po*"):
        text = path.read_bytes()
        text = re.sub(rb"(POT-Creation-Date: )[^\\]+", rb"\g<1>" + OLD_DATE, text)
        path.write_bytes(text)


def run_i18n(parts, only=None) -> None:
    i18n_tools.extract(only, parts)
    i18n_tools.update(only, parts)


# --- Which catalogues ----------------------------------------------------------------------


def test_the_catalogues_are_the_core_s_and_those_the_plugin_host_names():
    parts = {name: (folder, sources) for name, folder, sources in i18n_tools.catalogue_dirs()}
    assert parts["core"][0] == ROOT / "translations"
    for plugin in ("events", "health", "housekeeping", "paid_services", "service_desk"):
        folder = ROOT / "plugins" / plugin
        assert parts[plugin] == (folder / "translations", [folder])
    # The test suite's example plugin, under its plugin name.
    assert parts["example"][0] == ROOT / "tests" / "example_plugin" / "translations"


def test_a_pip_installed_plugin_s_catalogue_is_included(tmp_path, monkeypatch):
    package = tmp_path / "butler_parking_i18n"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent("""
        from pathlib import Path

        from flask_babel import lazy_gettext as _l

        from core.plugins import hookimpl
        from core.plugins.api import PluginInfo

        @hookimpl
        def butler_plugin_info():
            return PluginInfo(name="parking", label=_l("Parking spaces"))

        @hookimpl
        def butler_translation_dirs():
            return [Path(__file__).parent / "translations"]
    """)
    )
    dist = tmp_path / "butler_parking_i18n-1.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: butler-parking-i18n\nVersion: 1.0.0\n"
    )
    (dist / "entry_points.txt").write_text("[butler.plugins]\nparking = butler_parking_i18n\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "butler_parking_i18n", raising=False)

    parts = i18n_tools.catalogue_dirs()
    assert ("parking", package / "translations", [package]) in parts
    run_i18n(parts, only="parking")
    assert b'msgid "Parking spaces"' in (package / "translations" / "messages.pot").read_bytes()
    for locale in LOCALES:
        assert (package / "translations" / locale / "LC_MESSAGES" / "messages.po").exists()


# --- Nothing changed, nothing written ---------------------------------------------------------


def test_extract_and_update_leave_unchanged_catalogues_byte_identical(tmp_path):
    health = copy_of("health", tmp_path)
    parts = [part(health)]
    run_i18n(parts)  # up to date with the copied code, whatever the checkout held
    age(health)
    before = catalogue_files(health)
    run_i18n(parts)
    run_i18n(parts)
    assert catalogue_files(health) == before
    # The translators' catalogues keep their width (100), pybabel's template its own (76).
    zh = (health / "translations" / "zh_Hant" / "LC_MESSAGES" / "messages.po").read_text()
    assert max(map(len, zh.splitlines())) > 80


def test_a_new_message_is_added_and_only_its_lines_change(tmp_path):
    health = copy_of("health", tmp_path)
    parts = [part(health)]
    run_i18n(parts)
    age(health)
    before = catalogue_files(health)
    with open(health / "labels_extra.py", "w") as f:
        f.write('from flask_babel import lazy_gettext as _l\n\nEXTRA = _l("A message new here")\n')
    run_i18n(parts)
    after = catalogue_files(health)
    for name, text in after.items():
        assert b'msgid "A message new here"' in text, name
        old_lines, new_lines = before[name].splitlines(), text.splitlines()
        added = [line for line in new_lines if line not in old_lines]
        removed = [line for line in old_lines if line not in new_lines]
        # The new message (msgid, msgstr, blank line) and the template's creation date.
        assert len(added) <= 4 and len(removed) <= 1, (name, added, removed)


# --- One plugin at a time -----------------------------------------------------------------


def test_naming_a_plugin_touches_only_its_catalogues(tmp_path):
    health, events = copy_of("health", tmp_path), copy_of("events", tmp_path)
    parts = [part(health), part(events)]
    run_i18n(parts)
    for folder in (health, events):
        (folder / "extra.py").write_text(
            'from flask_babel import lazy_gettext as _l\n\nX = _l("Only where asked")\n'
        )
    untouched = catalogue_files(events)
    times = {p: p.stat().st_mtime_ns for p in (events / "translations").rglob("*.po*")}
    run_i18n(parts, only="health")
    assert b"Only where asked" in catalogue_files(health)["translations/messages.pot"]
    assert catalogue_files(events) == untouched
    assert {p: p.stat().st_mtime_ns for p in times} == times


def test_an_unknown_catalogue_is_refused_with_the_known_names(tmp_path):
    with pytest.raises(SystemExit, match="no catalogue called 'nope': health"):
        i18n_tools.chosen("nope", [part(tmp_path / "health")])


def test_the_command_line_takes_the_plugin_option(monkeypatch):
    calls = []
    monkeypatch.setitem(i18n_tools.COMMANDS, "extract", lambda only: calls.append(only))
    i18n_tools.main(["extract", "--plugin", "health"])
    i18n_tools.main(["extract", "events"])
    i18n_tools.main(["extract"])
    assert calls == ["health", "events", None]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_i18n_passes_the_plugin_on():
    def commands(*args):
        shown = subprocess.run(
            ["make", "-n", "-s", "-C", str(ROOT), "i18n", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [
            line.split("core.i18n_tools", 1)[1].strip()
            for line in shown.splitlines()
            if "core.i18n_tools" in line
        ]

    assert commands("PLUGIN=health") == [
        "extract --plugin health",
        "update --plugin health",
        "compile --plugin health",
    ]
    assert commands() == ["extract", "update", "compile"]
