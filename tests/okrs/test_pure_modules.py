"""The arithmetic modules stay pure: standard library only (and each other), so they can be
reasoned about and property-tested without Django."""

import ast
import sys
from pathlib import Path

import pytest

OKRS = Path(__file__).resolve().parents[2] / "src" / "sasaran" / "okrs"
PURE = [
    "progress",
    "status",
    "forecast",
    "grading",
    "alignment",
    "cadence",
    "attention",
    "plausibility",
    "units",
]


def imports_of(module: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse((OKRS / f"{module}.py").read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE)
def test_arithmetic_module_imports_only_the_standard_library(module):
    outside = {
        name
        for name in imports_of(module)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name not in {f"sasaran.okrs.{p}" for p in PURE}
    }
    assert outside == set()
