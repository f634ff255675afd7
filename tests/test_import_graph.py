"""The package's import graph: no cycles, and no private names imported across modules.

Every import of a ``langadapt`` module counts, at module level or inside a function: a
function-level import only postpones a cycle to the first call, it does not remove it.
``from langadapt.x import y`` is an import of the module ``langadapt.x.y`` when that is a module,
else of ``langadapt.x``; importing a package means importing its ``__init__``. Parent packages
that Python initialises on the way are not counted (every ``__init__`` that re-exports its
submodules would otherwise form a cycle with them).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "langadapt"


def _module_files() -> dict[str, Path]:
    modules = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _module_files()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module name an ``ImportFrom`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if _is_package(module) else base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def _imports(module: str) -> list[tuple[str, int, str | None]]:
    """``(imported module, line, imported name or None)`` for each langadapt import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), str(MODULES[module]))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, None) for alias in node.names
                      if alias.name.split(".")[0] == PACKAGE]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if source.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in MODULES:
                    found.append((submodule, node.lineno, None))
                else:
                    found.append((source, node.lineno, alias.name))
    return found


def _graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: first line importing it}."""
    graph: dict[str, dict[str, int]] = {m: {} for m in MODULES}
    for module in MODULES:
        for target, line, _ in _imports(module):
            if target in MODULES and target != module:
                graph[module].setdefault(target, line)
    return graph


def _strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def _one_cycle(graph: dict[str, dict[str, int]], members: list[str]) -> list[str]:
    """A shortest cycle through a component's first module: ``a (line of import) -> b ... -> a``."""
    inside = set(members)
    start = members[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v]):
                if w not in inside:
                    continue
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    path.reverse()
                    steps = [f"{a} (line {graph[a][b]})" for a, b in zip(path, path[1:] + [start])]
                    return [*steps, start]
                if w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    return members


def test_the_graph_sees_function_level_imports():
    # guards the test itself: evaluate.cli imports its handlers' modules inside functions only
    assert "langadapt.evaluate.suite" in _graph()["langadapt.evaluate.cli"]


def test_no_import_cycles():
    graph = _graph()
    cycles = _strongly_connected(graph)
    report = [f"{len(c)} modules: {', '.join(c)}\n    e.g. " + " -> ".join(_one_cycle(graph, c))
              for c in cycles]
    assert not cycles, "import cycles (function-level imports count):\n  " + "\n  ".join(report)


def test_no_private_names_imported_across_modules():
    found = []
    for module in MODULES:
        for source, line, name in _imports(module):
            private = name is not None and name.startswith("_") and not name.startswith("__")
            if private and source != module:
                found.append(f"{MODULES[module].relative_to(SRC)}:{line}: {name} from {source}")
    assert not found, "private names imported from other modules:\n  " + "\n  ".join(found)
