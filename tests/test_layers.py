"""Layers run one way: graph <- loaders, queries <- ties (CLI), dashboards.

An AST walk over the project's packages, so a backwards import fails here (with the file
and line) before it becomes a cycle: the base layer ``graph/`` imports no other layer,
``queries/`` and ``loaders/`` import only ``graph/``, no library layer imports the command
line, and only ``ties/`` and ``dashboards/`` read the environment.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("graph", "loaders", "queries", "ties", "dashboards", "bench", "faults", "tests")
#: package -> the project packages it must not import
FORBIDDEN = {
    "graph": {"loaders", "queries", "ties", "dashboards", "bench", "faults", "tests"},
    "loaders": {"queries", "ties", "dashboards", "bench", "faults", "tests"},
    "queries": {"loaders", "ties", "dashboards", "bench", "faults", "tests"},
    "dashboards": {"ties.cli", "ties.commands", "bench", "faults", "tests"},
    "bench": {"ties.cli", "ties.commands", "tests"},
}
LIBRARY = ("graph", "loaders", "queries")
#: function-level imports allowed, each with its reason in a comment beside it in the source
INNER_ALLOWED_MARK = "optional import"


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _banned(module: str, banned: set[str]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


def backwards_imports(package: str) -> list[str]:
    """`file:line imports module` for each import `package` must not make."""
    found = []
    for path in _modules(package):
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if _banned(module, FORBIDDEN[package]):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_layer_imports_a_layer_above_it(package):
    assert backwards_imports(package) == []


def test_the_check_sees_a_backwards_import(tmp_path, monkeypatch):
    bad = tmp_path / "graph" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("import os\nfrom queries.registry import render\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert backwards_imports("graph") == ["graph/bad.py:2 imports queries.registry"]


def _reads_environment(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and {a.name for a in node.names} & {"environ", "getenv"}:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", LIBRARY)
def test_only_the_command_line_and_the_dashboard_read_the_environment(package):
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _modules(package)
             for line in _reads_environment(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == [], "settings come in as arguments (graph.settings.Config), read by ties.config"


def _inner_project_imports(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for line, module in _imports(fn):
            if module.split(".")[0] not in PROJECT:
                continue
            context = " ".join(lines[max(0, line - 3):line])
            if INNER_ALLOWED_MARK not in context:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module} inside a function")
    return sorted(set(found))


@pytest.mark.parametrize("package", ["graph", "loaders", "queries", "ties", "dashboards", "bench"])
def test_project_imports_are_at_the_top_of_the_module(package):
    """Imports inside functions hide the dependency graph; only a measured optional import,
    marked with a comment saying so, may be one."""
    assert [hit for path in _modules(package) for hit in _inner_project_imports(path)] == []
