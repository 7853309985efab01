"""The layout's rule, read off the sources with ``ast``: imports point one way,
record → documents → notebook → evaluation → public modules. Every import counts — at the top,
inside functions, under ``TYPE_CHECKING`` — so a cycle cannot hide in a function
body. Leaves (``_util``, ``_about``, ``_settings``) import nothing of nbtrace and may
be imported by anyone; no internal module imports the package root; subpackage
``__init__`` files import nothing; and a module over 400 lines says why at its top.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nbtrace"

LEAVES = {"nbtrace._util", "nbtrace._about", "nbtrace._settings", "nbtrace._version"}
#: Private layer → the layers it may import (leaves always allowed).
ALLOWED = {
    "_record": {"_record"},
    "_documents": {"_record", "_documents"},
    "_notebook": {"_record", "_documents", "_notebook"},
    "_integrations": {"_record", "_documents", "_integrations"},
    "_eval": {"_record", "_documents", "_notebook", "_eval"},
    "_query": {"_query"},
    "_store": {"_record", "_documents", "_query", "_store"},
}
MAX_LINES = 400


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(package: str, source: str, modules: set) -> list:
    """The nbtrace modules that ``source`` imports anywhere in it (``package``: where
    its relative imports start), in order."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.split(".")[0] == "nbtrace")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                target = ".".join(base[:len(base) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "nbtrace":
                continue
            names = [f"{target}.{a.name}" for a in node.names]
            submodules = [n for n in names if n in modules]
            # "from pkg import submodule" imports the submodule; "from pkg import name", the module pkg.
            found.extend(submodules)
            if len(submodules) < len(names):
                found.append(target)
    return found


def read_package(root: Path = PACKAGE) -> dict:
    """module name → (path, source, the nbtrace modules it imports)."""
    paths = [p for p in root.rglob("*.py") if not {"labextension", "static"} & set(p.parts)]
    modules = {module_name(p, root) for p in paths}
    out = {}
    for p in paths:
        name = module_name(p, root)
        package = name if p.name == "__init__.py" else name.rpartition(".")[0]
        source = p.read_text(encoding="utf-8")
        out[name] = (p, source, imports_of(package, source, modules))
    return out


def layer_of(name: str) -> str | None:
    """``_record``, ``_documents``, ...; ``None`` for the root and the public modules."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def violations(package: dict) -> list:
    problems = []
    for name, (path, source, imports) in sorted(package.items()):
        layer = layer_of(name)
        for target in imports:
            if target == name:
                continue
            if target == "nbtrace":
                problems.append(f"{name} imports the package root nbtrace (import the module it needs)")
                continue
            if target in LEAVES:
                continue
            if name in LEAVES:
                problems.append(f"{name} is a leaf but imports {target}")
                continue
            target_layer = layer_of(target)
            if layer is not None and target_layer not in ALLOWED[layer]:
                problems.append(f"{name} imports {target}: {layer} may not depend on "
                                f"{target_layer or 'the public modules'}")
        if path.name == "__init__.py" and name != "nbtrace" and imports:
            problems.append(f"{name}: a subpackage __init__ imports nothing ({imports})")
        lines = len(source.splitlines())
        doc = ast.get_docstring(ast.parse(source)) or ""
        if lines > MAX_LINES and "400 lines" not in doc:
            problems.append(f"{name} has {lines} lines: split it, or say in its docstring why it has "
                            f"over 400 lines")
    problems.extend(f"import cycle: {' → '.join(c)}" for c in cycles(package))
    return problems


def cycles(package: dict) -> list:
    """Import cycles (Tarjan), each as a closing path through its strongly connected component."""
    edges = {n: [t for t in imports if t in package and t != n] for n, (_, _, imports) in package.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
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
                found.append(_closing_path(v, set(component), edges))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def _closing_path(start, component, edges):
    came_from, queue = {}, [start]
    while queue:
        v = queue.pop(0)
        for w in edges[v]:
            if w == start:
                back = [v]
                while back[-1] != start:
                    back.append(came_from[back[-1]])
                return [*reversed(back), start]
            if w in component and w not in came_from:
                came_from[w] = v
                queue.append(w)
    return [start, start]


# ------------------------------------------------------------------ the package as it is
def test_imports_point_one_way_with_no_cycle():
    package = read_package()
    assert len(package) > 40
    assert "nbtrace._record.span" in package["nbtrace._record.collector"][2]
    assert violations(package) == []


def test_public_import_paths_still_work():
    import nbtrace
    import nbtrace.anthropic  # noqa: F401
    import nbtrace.export  # noqa: F401
    import nbtrace.fake_llm  # noqa: F401
    import nbtrace.langchain  # noqa: F401
    import nbtrace.openai  # noqa: F401
    import nbtrace.otel  # noqa: F401
    from nbtrace import (Client, DisplayListener, NonRecordingSpan, Span, TraceCollector,  # noqa: F401
                         TraceRecord, compare, configure, configure_limits, show, to_html, trace,
                         trace_bundle, trace_to_dict)

    assert nbtrace.Span.__module__ == "nbtrace._record.span"


# ------------------------------------------------------------------ the check can fail
def _fake(tmp_path: Path, files: dict) -> dict:
    root = tmp_path / "nbtrace"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return read_package(root)


def test_a_wrong_way_import_inside_a_function_is_caught(tmp_path):
    package = _fake(tmp_path, {
        "_record/__init__.py": "", "_notebook/__init__.py": "",
        "_notebook/live.py": "X = 1\n",
        "_record/span.py": "def f():\n    from .._notebook import live\n",
    })
    assert violations(package) == [
        "nbtrace._record.span imports nbtrace._notebook.live: _record may not depend on _notebook"]


def test_a_cycle_through_function_imports_and_the_root_is_caught(tmp_path):
    package = _fake(tmp_path, {
        "_record/__init__.py": "",
        "_record/a.py": "from . import b\n",
        "_record/b.py": "def g():\n    from .a import x\n",
        "_record/c.py": "def h():\n    from .. import __version__\n",
    })
    problems = violations(package)
    assert "nbtrace._record.c imports the package root nbtrace (import the module it needs)" in problems
    assert "import cycle: nbtrace._record.a → nbtrace._record.b → nbtrace._record.a" in problems


def test_a_long_module_without_a_reason_is_caught(tmp_path):
    package = _fake(tmp_path, {"_util.py": '"""Small."""\n' + "x = 1\n" * 401,
                               "_about.py": '"""Over 400 lines on purpose: a table."""\n' + "y = 1\n" * 401})
    assert violations(package) == ["nbtrace._util has 402 lines: split it, or say in its docstring why "
                                   "it has over 400 lines"]


@pytest.mark.parametrize("source", ["from .. import _settings\n", "from .._util import x\n"])
def test_leaves_are_allowed_everywhere(tmp_path, source):
    package = _fake(tmp_path, {"_record/__init__.py": "", "_record/x.py": source,
                               "_settings.py": "", "_util.py": "x = 1\n"})
    assert violations(package) == []
