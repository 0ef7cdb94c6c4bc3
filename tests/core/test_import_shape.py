"""The shape of the imports: the plugin host sits below what it loads, and imports stay at
the top of their modules.

The host may depend on ``core.extensions``, ``core.models``, ``core.plugins`` and two
leaves of those (``core.clock``, ``core.audit``); importing it must not pull in the views,
tenancy, security or the default plugin, which it loads (or which load it). An import
inside a function hides such a cycle, so they are counted (hook bodies, the functions
marked ``@hookimpl``, do not count: a plugin may import lazily what only a hook needs).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOST_MAY_IMPORT = {
    "core",
    "core.audit",
    "core.audit_guard",
    "core.cadence",  # a leaf (standard library only): the API's Cadence
    "core.clock",
    "core.extensions",
    "core.roles",
    "core.search_index",  # a leaf (SQLAlchemy only): the resident table's search indexes
    "core.plugins",
    "core.plugins.api",
    "core.plugins.hookspecs",
    "core.plugins.host",
}

# Imports inside functions that are left in core/, and why: core/__init__.py imports the
# factory lazily (so that ``import core.clock`` does not build the app); exports.py loads
# openpyxl only for a spreadsheet; the imports package and the test support keep four;
# outbox_queue.py loads RQ, an optional extra ("workers"), only when delivery is handed to
# workers. Lower it when you remove one; raise it only for an optional dependency.
CORE_CEILING = 10


def _is_hookimpl(function: ast.AST) -> bool:
    for decorator in function.decorator_list:
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
        if name == "hookimpl":
            return True
    return False


def imports_inside_functions(folder: Path) -> dict[str, list[int]]:
    """``{file: [line, ...]}`` of the import statements inside functions (not hook bodies)."""
    found: dict[str, list[int]] = {}

    def walk(node: ast.AST, path: str, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if not _is_hookimpl(child):
                    walk(child, path, True)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if in_function:
                    found.setdefault(path, []).append(child.lineno)
            else:
                walk(child, path, in_function)

    for file in sorted(folder.rglob("*.py")):
        walk(ast.parse(file.read_text()), str(file.relative_to(ROOT)), False)
    return found


def test_the_host_imports_nothing_it_loads():
    code = (
        "import sys, core.plugins.host\n"
        "print('\\n'.join(m for m in sys.modules if m.split('.')[0] in ('core', 'plugins')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    beyond = sorted(
        m for m in loaded if m not in HOST_MAY_IMPORT and not m.startswith("core.models")
    )
    assert beyond == [], f"importing core.plugins.host also imports {beyond}"


def test_imports_inside_functions_in_core_stay_under_the_ceiling():
    found = imports_inside_functions(ROOT / "core")
    total = sum(len(lines) for lines in found.values())
    print(f"imports inside functions: core/ {total}", found)
    assert total <= CORE_CEILING, found


def test_the_count_sees_plugins_too():
    # Reported, not bounded: each plugin's own helpers bring theirs down.
    found = imports_inside_functions(ROOT / "plugins")
    print(f"imports inside functions: plugins/ {sum(len(v) for v in found.values())}", found)
