"""Imports point one way: server → schema → resolvers → models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each layer must never import.
FORBIDDEN = {
    "models": ("resolvers", "schema", "server", "edge", "events"),
    "resolvers": ("schema", "server", "edge", "events"),
    "schema": ("server", "edge"),
    # Webhook delivery and the change feed read the outbox beside the API: the schema and
    # the server hand them what they need (how to render an entry) when the app starts.
    "events": ("schema", "server", "edge"),
}


# The folders and modules that install as `masthead.<name>`.
PACKAGE_PARTS = frozenset(
    {"schema", "resolvers", "models", "server", "settings", "database", "edge", "cli"}
    | {"demo", "interchange", "graphiql", "migrations", "events"}
)


def _modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _imports(path: Path) -> set[str]:
    """The parts of `masthead` a file imports (`schema` for `masthead.schema.post`)."""
    return {
        module.split(".")[1]
        for module in _modules(path)
        if module.startswith("masthead.") and module.count(".") >= 1
    }


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_never_imports_a_higher_one(layer: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for name in _imports(path) & set(FORBIDDEN[layer])
    ]
    assert offenders == []


def test_code_imports_the_package_by_its_installed_name() -> None:
    python_files = [
        path
        for path in ROOT.rglob("*.py")
        if not {".venv", "node_modules", ".data"} & set(path.relative_to(ROOT).parts)
    ]
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted(python_files)
        for module in _modules(path)
        if module.split(".")[0] in PACKAGE_PARTS
    ]
    assert python_files
    assert offenders == []
