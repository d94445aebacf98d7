"""The package's layering (docs/contributing.md, "The layers"): a module imports only from layers
below its own, never from one above, and no two modules import each other, directly or round a
longer circle.

Every module under ``model/`` is parsed with ``ast``; every import counts, at module level, inside
functions and under ``TYPE_CHECKING``, relative or absolute.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "model"

# The layers, bottom to top: each entry is the layer's name and the paths (a folder ends in "/")
# that belong to it; a module is in the layer of the longest path that holds it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("model/__init__.py", "model/interrupt.py", "model/files.py")),
    ("model/case", ("model/case/",)),
    ("model/formulation", ("model/formulation/",)),
    ("model/results", ("model/results/",)),
    ("model/executor", ("model/executor.py",)),
    ("model/solving", ("model/solving/",)),
    ("model/results/excel", ("model/results/excel/",)),
    ("model/app", ("model/app/",)),
    ("model/cli", ("model/cli.py",)),
    ("entry points", ("model/__main__.py", "model/docs.py")),
)

# Imports that still run up a layer, each to go (importer, imported):
KNOWN_UPWARD: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    text: str

    def where(self) -> str:
        return f"{self.importer.replace('.', '/')}.py:{self.line}: {self.text}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of one of the package's modules by this module, resolved to the module named
    (``from pkg import sub`` names ``pkg.sub`` when that is a module, else ``pkg``)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        text = ast.get_source_segment(source, node) if isinstance(node, (ast.Import, ast.ImportFrom)) else ""
        text = " ".join((text or "").split())
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # import model.a.b names model.a.b; x.y.attr names x.y
                target = target.rpartition(".")[0]
            if target and target != name and (target == "model" or target.startswith("model.")):
                found.append(Import(name, target, node.lineno, text))
    return found


def _layer(module: str, modules: dict[str, Path]) -> int | None:
    rel = modules[module].relative_to(ROOT).as_posix()
    best, best_len = None, -1
    for i, (_, paths) in enumerate(LAYERS):
        for p in paths:
            if (rel == p or (p.endswith("/") and rel.startswith(p))) and len(p) > best_len:
                best, best_len = i, len(p)
    return best


def _graph():
    modules = _modules()
    edges = [imp for name, path in modules.items() for imp in _imports(name, path, modules)]
    return modules, edges


def test_every_module_is_in_a_layer():
    modules = _modules()
    lost = [m for m in modules if _layer(m, modules) is None]
    assert not lost, f"modules in no layer of tests/test_layers.py LAYERS (and docs/contributing.md): {lost}"


def test_no_import_runs_up_a_layer():
    modules, edges = _graph()
    upward = []
    for imp in edges:
        low, high = _layer(imp.importer, modules), _layer(imp.imported, modules)
        if low is not None and high is not None and high > low:
            upward.append(imp)
    known = {(i.importer, i.imported) for i in upward} & KNOWN_UPWARD
    bad = [f"{i.where()}  ({LAYERS[_layer(i.importer, modules)][0]} imports from "
           f"{LAYERS[_layer(i.imported, modules)][0]}, a layer above)"
           for i in upward if (i.importer, i.imported) not in KNOWN_UPWARD]
    assert not bad, "imports that run up a layer:\n" + "\n".join(bad)
    gone = KNOWN_UPWARD - known
    assert not gone, f"known exceptions that no longer occur (remove them from KNOWN_UPWARD): {sorted(gone)}"


def _cycles(nodes, edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    succ: dict[str, set[str]] = {n: set() for n in nodes}
    for imp in edges:
        succ[imp.importer].add(imp.imported)
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
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
                out.append(sorted(component))

    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return out


def test_no_two_modules_import_each_other():
    modules, edges = _graph()
    circles = _cycles(modules, edges)
    lines = []
    for comp in circles:
        inside = set(comp)
        lines.append("a circle of " + ", ".join(comp) + ":")
        lines += ["  " + i.where() for i in edges if i.importer in inside and i.imported in inside]
    assert not circles, "modules that import each other:\n" + "\n".join(lines)


def test_the_checker_sees_function_level_relative_and_type_checking_imports(tmp_path):
    """The parser itself: an import inside a function, a relative one and one under TYPE_CHECKING
    all count, and a two-module circle is found."""
    src = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..b import B\n"
           "def f():\n    from .c import g\n    import model.d\n")
    path = tmp_path / "a.py"
    path.write_text(src)
    modules = {"model.x.a": path, "model.b": path, "model.x.c": path, "model.d": path}
    found = {i.imported for i in _imports("model.x.a", path, modules)}
    assert found == {"model.b", "model.x.c", "model.d"}
    edges = [Import("model.b", "model.x.a", 1, ""), Import("model.x.a", "model.b", 3, "")]
    assert _cycles(modules, edges) == [["model.b", "model.x.a"]]


def test_the_contributors_page_states_these_layers():
    """docs/contributing.md draws the layers top to bottom, one line each, starting with the
    layer's path: the same layers in the same order as LAYERS."""
    text = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    block = re.search(r"## The layers.*?```\n(.*?)```", text, re.S)
    assert block, "docs/contributing.md has no code block under 'The layers'"
    drawn = [line.split()[0].rstrip(",") for line in block.group(1).splitlines() if line and not line[0].isspace()]
    expected = [" ".join(paths) for _, paths in reversed(LAYERS)]
    firsts = [paths[0] for _, paths in reversed(LAYERS)]
    assert drawn == firsts, f"docs/contributing.md draws {drawn}; tests/test_layers.py has {expected}"
