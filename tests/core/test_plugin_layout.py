"""Every installed plugin has the one layout (docs/plugins.md), first- and third-party alike.

The next plugins copy whatever shape they find: this test says, plugin by plugin, what is
missing or misplaced.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.plugins.host import host

MODULES = (
    "__init__.py",
    "models.py",
    "forms.py",
    "rules.py",
    "labels.py",
    "demo.py",
    "jobs.py",
    "reports.py",
)
PARTIALS = ("_widget.html", "_panel.html")
VIEWS_PAST = 750  # lines: past about 700, views.py becomes a views/ package


def plugin_folders(app) -> list[tuple[str, Path]]:
    with app.app_context():
        installed = host().plugins
    return [
        (name, Path(plugin.module.__file__).resolve().parent)
        for name, plugin in sorted(installed.items())
        if not plugin.module.__name__.startswith("core.")
    ]


def layout_problems(name: str, folder: Path) -> list[str]:
    """What ``folder`` lacks or has in the wrong place, in words a plugin author can act on."""
    problems = [f"{name}: add {m}" for m in MODULES if not (folder / m).is_file()]
    views, package = folder / "views.py", folder / "views" / "__init__.py"
    if not views.is_file() and not package.is_file():
        problems.append(f"{name}: add views.py (or a views/ package)")
    if views.is_file():
        lines = len(views.read_text(encoding="utf-8").splitlines())
        if lines > VIEWS_PAST:
            problems.append(f"{name}: views.py has {lines} lines: make it a views/ package")
    for partial in PARTIALS:
        if not (folder / "templates" / name / partial).is_file():
            problems.append(f"{name}: add templates/{name}/{partial}")
    migrations = folder / "migrations"
    if migrations.is_dir():
        pattern = re.compile(rf"{re.escape(name)}_\d{{4}}_\w+\.py")
        for revision in sorted(migrations.glob("*.py")):
            if revision.name != "__init__.py" and not pattern.fullmatch(revision.name):
                problems.append(
                    f"{name}: rename migrations/{revision.name} to {name}_NNNN_<what>.py"
                )
    if (folder / "__init__.py").is_file():
        problems += hooks_only(name, folder / "__init__.py")
    return problems


def hooks_only(name: str, path: Path) -> list[str]:
    """``__init__.py`` holds the plugin's hooks and its PluginInfo, nothing else."""
    problems = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorators = [ast.unparse(d) for d in node.decorator_list]
            if not any(d.split("(")[0].endswith("hookimpl") for d in decorators):
                problems.append(
                    f"{name}: __init__.py line {node.lineno}: {node.name}() is not a hook;"
                    " move it to the module named for what it does"
                )
        elif isinstance(node, ast.ClassDef):
            problems.append(
                f"{name}: __init__.py line {node.lineno}: class {node.name} belongs in a module"
            )
    return problems


def test_every_installed_plugin_has_the_one_layout(app):
    folders = plugin_folders(app)
    assert {"service_desk", "paid_services", "health", "events", "housekeeping"} <= {
        name for name, _ in folders
    }
    problems = [p for name, folder in folders for p in layout_problems(name, folder)]
    assert problems == [], "\n".join(problems)


def test_the_layout_check_says_what_is_missing(tmp_path):
    folder = tmp_path / "parcels"
    folder.mkdir()
    (folder / "__init__.py").write_text("def helper():\n    return 1\n")
    (folder / "migrations").mkdir()
    (folder / "migrations" / "0001_first.py").write_text("")
    problems = layout_problems("parcels", folder)
    assert "parcels: add rules.py" in problems
    assert "parcels: add views.py (or a views/ package)" in problems
    assert "parcels: add templates/parcels/_widget.html" in problems
    assert "parcels: rename migrations/0001_first.py to parcels_NNNN_<what>.py" in problems
    assert any("helper() is not a hook" in p for p in problems)


@pytest.mark.parametrize("lines", [VIEWS_PAST + 1])
def test_a_long_views_module_is_asked_to_become_a_package(tmp_path, lines):
    folder = tmp_path / "parcels"
    folder.mkdir()
    (folder / "views.py").write_text("x = 1\n" * lines)
    assert any("make it a views/ package" in p for p in layout_problems("parcels", folder))
