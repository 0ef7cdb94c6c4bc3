"""The paid services' money code keeps to integers: no float and no true division."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import plugins.paid_services

PLUGIN = Path(plugins.paid_services.__file__).resolve().parent


@pytest.mark.parametrize("module", ["rules.py", "reports.py", "jobs.py", "models.py"])
def test_no_float_in_money_code(module):
    tree = ast.parse((PLUGIN / module).read_text())
    floats = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Constant) and isinstance(node.value, float))
        or (isinstance(node, ast.Name) and node.id == "float")
        or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div))
    ]
    assert floats == [], f"{module}: a float (or a true division) on lines {floats}"
