"""Imports point one way: server -> kg. kg never imports flask, werkzeug or server
(kg/cli/ may import server lazily inside `kg serve`, which is the one door)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
FORBIDDEN = ("flask", "werkzeug", "server")


def _top_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:  # module level only: a lazy import inside a function is allowed
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(KG.rglob("*.py")), ids=lambda p: p.name)
def test_kg_does_not_import_the_web_layer(path: Path) -> None:
    bad = [n for n in _top_level_imports(path) if n.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path.name} imports {bad}"
