"""The layout docs/architecture.md describes holds: every folder it names exists, imports flow one way between
layers, and no module imports another that (directly or not) imports it back.

Imports under ``if TYPE_CHECKING:`` are left out: they exist only for the type checker.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mockserver"

#: Layers, lowest first: a module may import its own layer and the layers before it, never one after it.
LAYERS = [
    ("core",),
    ("model",),
    ("surfaces",),
    ("scenarios",),
    ("control", "store"),
    ("replay",),
    ("migration",),
    ("app", "azure", "routing"),
    ("server", "remote"),
    ("pytest_plugin", "cli", "__main__"),
]
#: ``mockserver/__init__``, ``config`` and ``types`` are read by every layer (the version, ServerConfig's defaults,
#: the TypedDicts of what users pass in; ``types`` imports nothing of the package).
SHARED = {"mockserver", "mockserver.config", "mockserver.types"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """mockserver modules ``path`` imports when it runs (at import time or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mockserver":
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists() or (
                    PACKAGE.parent / candidate.replace(".", "/")
                ).is_dir():
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "mockserver")
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): runtime_imports(p) for p in PACKAGE.rglob("*.py")}


def layer_of(module: str) -> int:
    parts = module.split(".")
    for index, names in enumerate(LAYERS):
        if len(parts) > 1 and parts[1] in names:
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md")


def test_no_package_uses_relative_imports_or_imports_upwards() -> None:
    upward = []
    for module, imported in graph().items():
        if module in SHARED:
            continue
        for target in imported - SHARED:
            if layer_of(target) > layer_of(module):
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_there_are_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt in SHARED or nxt == node or nxt.startswith(node + "."):
                continue  # a package importing its own submodules is loading them, not a cycle
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [*path, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_architecture_page_names_only_folders_and_modules_that_exist() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(mockserver/[\w/]+(?:\.py)?)`", text))
    assert len(named) >= 10, "the page should map the package"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_every_surface_is_a_folder_in_the_registry() -> None:
    from mockserver.surfaces import SURFACES

    folders = sorted(p.name for p in (PACKAGE / "surfaces").iterdir() if (p / "__init__.py").exists())
    assert sorted(s.name for s in SURFACES) == folders


def test_every_wording_template_is_defined_once() -> None:
    """Surfaces add their wording to core/errors.py; a name defined twice silently changes another's message."""
    tree = ast.parse((PACKAGE / "core" / "errors.py").read_text(encoding="utf-8"))
    names = [
        t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
    ]
    assert sorted({n for n in names if names.count(n) > 1}) == []
